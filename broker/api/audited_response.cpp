#include "broker/api/audited_response.hpp"

#include "broker/api/await_callback.hpp"
#include "broker/api/fhir_response.hpp"
#include "broker/logging/log.hpp"
#include "broker/model/json.hpp"

namespace hie::api {

// Plain functions, not coroutines: the lambdas carrying the records are built outside any
// coroutine frame (GCC 12 relocates class objects a lambda captures inside a coroutine bytewise,
// which breaks std::string).
boost::asio::awaitable<Status> write_audit(store::Store& store, store::AuditRecord record) {
  return await_callback<Status>([&store, record = std::move(record)](auto done) mutable {
    store.append_audit(std::move(record), std::move(done));
  });
}

boost::asio::awaitable<Status> write_consent(store::Store& store, store::ConsentRecord record) {
  return await_callback<Status>([&store, record = std::move(record)](auto done) mutable {
    store.put_consent(std::move(record), std::move(done));
  });
}

boost::asio::awaitable<net::HttpResponse> audited_response(store::Store& store, const net::HttpRequest& request,
                                                           Disclosure& audit, net::HttpResponse response) {
  if (audit.http_status == 200 && response.result_int() != 200) audit.http_status = response.result_int();
  auto event = model::to_json(model::Resource{audit_event(audit)});
  Status written;
  if (!event) written = event.error();
  if (event) {
    store::AuditRecord row{0, audit.recorded, audit.patient_id, std::move(*event)};
    written = co_await write_audit(store, std::move(row));
  }
  if (!written) {
    // Without its audit row a disclosure must not happen.
    log::error({}, "audit write failed: {}", written.error().describe());
    co_return outcome_response(request, 500, "exception", "the audit trail could not be written; nothing was disclosed");
  }
  co_return response;
}

}  // namespace hie::api
