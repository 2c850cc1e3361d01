#pragma once
// POST /fhir/Consent: a patient's sharing choice, read from a FHIR Consent into what the query
// engine enforces. Pure.
//
//   status active, provision.type deny, no provision.actor  -> opt out: nothing is shared
//   status active, provision.type deny, actors naming exchanges (identifier system
//       https://hiebroker.dev/exchange)                     -> those exchanges' records withheld
//   status active, provision.type permit (or no provision),
//   or status inactive / rejected                            -> everything shared again
// Anything the broker cannot enforce (a provision period, nested provisions, data, purposes,
// an actor that is not an exchange) is refused, never half-applied.

#include <string>
#include <string_view>
#include <vector>

#include "broker/core/result.hpp"
#include "broker/store/store.hpp"

namespace hie::api {

/// Reads `json` (a Consent) for the patient with NHS number `nhs_number`; `known_exchanges`
/// (sorted) are the configured exchange ids. Errors name the element, never a value.
Result<store::ConsentRecord> read_consent(std::string_view json, const std::string& nhs_number,
                                          const std::vector<std::string>& known_exchanges);

}  // namespace hie::api
