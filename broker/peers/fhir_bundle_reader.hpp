#pragma once
// The little the broker needs to know about a Bundle a fhir-rest exchange's server answers:
// that it is one, which Patients a search found, and where the next page is. Pure: no I/O.

#include <string>
#include <string_view>
#include <vector>

#include "broker/core/result.hpp"

namespace hie::peers::fhir_rest {

struct BundleSummary {
  /// `id` of each Patient entry that is a match (not `search.mode` include or outcome), in order;
  /// as written, so the caller checks them.
  std::vector<std::string> patient_ids;
  /// The `next` link's url; "" when there is none.
  std::string next;
};

/// Reads `body` as a FHIR JSON Bundle. The error says what it is instead (no patient data).
Result<BundleSummary> read_bundle(std::string_view body);

}  // namespace hie::peers::fhir_rest
