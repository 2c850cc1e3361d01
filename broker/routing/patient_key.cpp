#include "broker/routing/patient_key.hpp"

#include "broker/model/nhs_number.hpp"

namespace hie::routing {

std::string patient_key(std::span<const store::PatientIdentity> identifiers) {
  for (const auto& id : identifiers)
    if (id.system == model::NhsNumber::system) return id.value;
  if (identifiers.empty()) return {};
  return identifiers.front().system + "|" + identifiers.front().value;
}

}  // namespace hie::routing
