#pragma once
// The resources of a FHIR JSON file, as spans of its own text, so they can be put into another
// Bundle byte for byte (decimals such as 1.00 or 1E-22 stay exactly as written).

#include <string>
#include <string_view>
#include <vector>

#include "broker/core/result.hpp"

namespace hie::sim {

struct FhirResourceSpan {
  std::string_view text;      ///< the resource's JSON object, a view into the file's text
  std::string resource_type;  ///< "" when the object has no string resourceType
  std::string full_url;       ///< the Bundle entry's fullUrl, "" when none or not a Bundle
};

/// A Bundle's entry resources (entries without a resource, such as a transaction's GET, are
/// skipped), or the file itself when it is a single resource. A leading UTF-8 BOM is skipped.
/// Error when `json` is not a JSON object with a string resourceType.
Result<std::vector<FhirResourceSpan>> fhir_resources(std::string_view json);

}  // namespace hie::sim
