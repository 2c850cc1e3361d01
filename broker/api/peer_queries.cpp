#include "broker/api/peer_queries.hpp"

#include <algorithm>
#include <memory>

#include "broker/api/fhir_request.hpp"
#include "broker/api/merged_answer.hpp"
#include "broker/logging/log.hpp"
#include "broker/model/json.hpp"
#include "broker/model/nhs_number.hpp"
#include "broker/routing/query_engine.hpp"
#include "broker/store/store.hpp"

namespace hie::api {
namespace {

std::string now_utc() { return store::format_utc(std::chrono::system_clock::now()); }

/// The identifier to ask by: the NHS number when the peer gave one, else its first identifier.
store::PatientIdentity ask_by(const std::vector<store::PatientIdentity>& identifiers) {
  auto nhs = std::ranges::find(identifiers, model::NhsNumber::system, &store::PatientIdentity::system);
  return nhs != identifiers.end() ? *nhs : identifiers.front();
}

}  // namespace

PeerQueryAnswerer peer_query_answerer(routing::QueryEngine& engine, store::Store& store, std::string base_url) {
  return [&engine, &store, base_url = std::move(base_url)](const config::Exchange& requester,
                                                           peers::protocol::Query query,
                                                           std::function<void(Result<std::string>)> answer) {
    for (const auto& type : query.resource_types)
      if (type != "Patient" && std::ranges::find(searchable_types(), type) == searchable_types().end()) {
        answer(make_error(Errc::unsupported, "resource_types: this broker holds no such type", "query"));
        return;
      }
    routing::PatientQuery q;
    q.identity = ask_by(query.patient);
    q.resource_types = query.resource_types;
    q.date_ge = query.date_ge;
    q.date_le = query.date_le;
    q.requester_exchange = requester.id;
    const std::string requester_id = requester.id;
    std::vector<std::string> types = query.resource_types;
    engine.run(std::move(q), [&store, base_url, requester_id, types,
                              answer = std::move(answer)](Result<routing::QueryResult> result) mutable {
      if (!result) {
        answer(result.error());
        return;
      }
      Disclosure audit;
      audit.interaction = "search-type";
      audit.recorded = now_utc();
      audit.path = "peer query";
      audit.patient_id = result->nhs_number;
      audit.issuer = "mutual-tls";
      audit.subject = requester_id;
      audit.requester_kind = "exchange";
      MergedAnswer merged = merge_result(std::move(*result));
      audit.exchanges = merged.audited;
      if (!types.empty())
        filter_record(merged.record, [&](const model::Resource& r) {
          const std::string_view type = model::resource_type(r);
          return type == "Patient" || std::ranges::find(types, type) != types.end();
        });
      routing::SearchPage page;
      page.base_url = base_url;
      page.path = "Patient";
      page.timestamp = audit.recorded;
      auto json = model::to_json(routing::build_searchset(merged.record, merged.outcomes, page));
      if (!json) {
        answer(json.error());
        return;
      }
      audit.resources_disclosed = merged.record.resources.size();
      auto event = model::to_json(model::Resource{audit_event(audit)});
      if (!event) {
        answer(event.error());
        return;
      }
      // Nothing is disclosed before its audit row is durable.
      store.append_audit({0, audit.recorded, audit.patient_id, std::move(*event)},
                         [answer = std::move(answer), json = std::move(*json)](Status written) mutable {
                           if (!written) {
                             log::error({}, "audit write failed: {}", written.error().describe());
                             answer(make_error(Errc::io_error, "the audit trail could not be written", "query"));
                             return;
                           }
                           answer(std::move(json));
                         });
    });
  };
}

}  // namespace hie::api
