#pragma once
// Required bindings to small FHIR R4 code systems: the codes a `code` element may hold, keyed by
// the element's FHIR path ("Patient.gender", "Bundle.entry.request.method"). The validator checks
// them (code-invalid) and docs/model.md lists them. Bindings to large or external value sets
// (mime types, languages, UCUM) are not checked here.

#include <span>
#include <string_view>

namespace hie::model {

/// The codes allowed at `fhir_path`; empty when the model checks no required binding there.
std::span<const std::string_view> required_codes(std::string_view fhir_path);

/// Every FHIR path that has required codes, in table order.
std::span<const std::string_view> bound_paths();

}  // namespace hie::model
