#include "broker/api/admin_consent_routes.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/http/field.hpp>

#include "broker/api/audited_response.hpp"
#include "broker/api/await_callback.hpp"
#include "broker/api/bearer_auth.hpp"
#include "broker/api/consent_request.hpp"
#include "broker/api/fhir_response.hpp"
#include "broker/api/router.hpp"
#include "broker/model/nhs_number.hpp"
#include "broker/security/jwt_verifier.hpp"
#include "broker/store/store.hpp"

namespace hie::api {

namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

constexpr std::string_view kPrefix = "/admin/consents/";

struct AdminConsents {
  std::shared_ptr<const security::TokenVerifier> verifier;
  store::Store& store;
  std::vector<std::string> exchanges;
  std::shared_ptr<const OperatorCertificates> operators;
  asio::thread_pool blocking{1};  // store reads, off the I/O threads

  ~AdminConsents() { blocking.join(); }

  asio::awaitable<Result<std::optional<store::ConsentRecord>>> read(std::string nhs_number) {
    return await_callback<Result<std::optional<store::ConsentRecord>>>([this, nhs_number](auto done) mutable {
      asio::post(blocking, [this, nhs_number, done = std::move(done)]() mutable { done(store.consent(nhs_number)); });
    });
  }

  asio::awaitable<net::HttpResponse> handle(net::HttpRequest& request, const net::RequestContext& context) {
    std::string_view target = request.target();
    const std::string nhs_number(target.substr(kPrefix.size(), target.find('?') - kPrefix.size()));
    if (!model::NhsNumber::parse(nhs_number))
      co_return outcome_response(request, 404, "not-found", "consents are kept by NHS number: /admin/consents/{nhs}");
    auto caller = authenticate(verifier.get(), request, context, operators.get());
    if (auto* refusal = std::get_if<net::HttpResponse>(&caller)) co_return std::move(*refusal);
    const security::Principal& principal = *std::get<std::shared_ptr<const security::Principal>>(caller);

    const bool write = request.method() == http::verb::put;
    Disclosure audit;
    audit.interaction = write ? "update" : "read";
    audit.recorded = store::format_utc(std::chrono::system_clock::now());
    audit.path = "admin/consents/" + nhs_number;
    audit.patient_id = nhs_number;
    audit.issuer = principal.issuer;
    audit.subject = principal.subject;
    audit.requester_kind = std::string(security::to_string(principal.kind));
    audit.purpose_of_use = principal.purpose_of_use;
    audit.client_address = context.peer_address;
    if (auto refusal = operator_refusal(principal, request, "Consent", write))
      co_return co_await audited_response(store, request, audit, std::move(*refusal));
    if (!write) {
      auto found = co_await read(nhs_number);
      if (!found) co_return outcome_response(request, 500, "exception", "the store could not be read");
      if (!*found)
        co_return co_await audited_response(store, request, audit,
                                            outcome_response(request, 404, "not-found", "no consent is recorded"));
      co_return co_await audited_response(store, request, audit, fhir_response(request, 200, (**found).json));
    }
    std::string_view type = request[http::field::content_type];
    if (!type.starts_with("application/fhir+json") && !type.starts_with("application/json"))
      co_return co_await audited_response(
          store, request, audit, outcome_response(request, 415, "not-supported", "send a Consent as application/fhir+json"));
    auto record = read_consent(request.body(), nhs_number, exchanges);
    if (!record)
      co_return co_await audited_response(store, request, audit,
                                          outcome_response(request, 422, "processing", record.error().describe()));
    record->updated_by = "operator";
    auto written = co_await write_consent(store, std::move(*record));
    if (!written) co_return outcome_response(request, 500, "exception", "the consent could not be stored; nothing changed");
    co_return co_await audited_response(store, request, audit, fhir_response(request, 200, request.body()));
  }
};

}  // namespace

void add_admin_consent_routes(Router& router, std::shared_ptr<const security::TokenVerifier> verifier,
                              store::Store& store, std::vector<std::string> exchanges,
                              std::shared_ptr<const OperatorCertificates> operators) {
  auto consents =
      std::make_shared<AdminConsents>(std::move(verifier), store, std::move(exchanges), std::move(operators));
  router.add(std::string(kPrefix) + "*", {"GET", "PUT"},
             [consents](net::HttpRequest& request, const net::RequestContext& context) -> asio::awaitable<net::HttpResponse> {
               co_return co_await consents->handle(request, context);
             });
}

}  // namespace hie::api
