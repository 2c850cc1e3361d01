#include "broker/api/consent_request.hpp"

#include <algorithm>

#include "broker/model/json.hpp"
#include "broker/routing/merge.hpp"

namespace hie::api {
namespace {

Error refuse(std::string message, std::string location) {
  return make_error(Errc::validation_error, std::move(message), std::move(location));
}

}  // namespace

Result<store::ConsentRecord> read_consent(std::string_view json, const std::string& nhs_number,
                                          const std::vector<std::string>& known_exchanges) {
  model::Issues issues;
  auto read = model::read_resource(json, issues);
  if (!read) return read.error();
  const auto* consent = std::get_if<model::Consent>(&*read);
  if (!consent) return refuse("expected a Consent resource", "resourceType");
  // An element the model could not hold may be a restriction we would silently not enforce.
  if (!issues.empty()) return refuse("the Consent holds elements the broker cannot enforce", issues.front().location);
  if (!consent->patient || consent->patient->reference != "Patient/" + nhs_number)
    return refuse("patient must be the reference Patient/<NHS number> of the token's patient", "Consent.patient");

  store::ConsentRecord record;
  record.nhs_number = nhs_number;
  record.json = std::string(json);
  if (consent->status != "active") {
    if (consent->status == "inactive" || consent->status == "rejected") return record;  // share everything
    return refuse("status must be active, inactive or rejected", "Consent.status");
  }
  if (!consent->provision || consent->provision->type == "permit") return record;
  const model::ConsentProvision& p = *consent->provision;
  if (p.type != "deny") return refuse("provision.type must be deny or permit", "Consent.provision.type");
  if (p.period || !p.action.empty() || !p.security_label.empty() || !p.purpose.empty() || !p.class_.empty() ||
      !p.code.empty() || p.data_period || !p.data.empty())
    return refuse("only a denial by exchange (provision.actor) or of everything can be enforced", "Consent.provision");
  if (p.actor.empty()) {
    record.opt_out = true;
    return record;
  }
  for (std::size_t i = 0; i < p.actor.size(); ++i) {
    const std::string where = "Consent.provision.actor[" + std::to_string(i) + "].reference";
    const auto& box = p.actor[i].reference.identifier;
    const model::Identifier* id = box ? &*box : nullptr;
    if (!id || id->system != routing::exchange_identifier_system)
      return refuse("an actor must name an exchange by identifier (system " +
                        std::string(routing::exchange_identifier_system) + ")",
                    where);
    if (!std::ranges::binary_search(known_exchanges, id->value)) return refuse("no such exchange", where);
    record.denied_exchanges.push_back(id->value);
  }
  std::ranges::sort(record.denied_exchanges);
  return record;
}

}  // namespace hie::api
