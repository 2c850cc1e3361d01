#pragma once
// FHIR R4 JSON -> the common model: one resource, a Bundle of any type (its entries' resources
// come out, references between them resolved), or NDJSON (one resource per line). See
// docs/adapters.md, "The FHIR adapter".

#include "adapters/adapter.hpp"

namespace hie::adapters::fhir {

class FhirAdapter final : public Adapter {
 public:
  std::string_view format() const override { return "fhir"; }
  /// An error when the input is not FHIR JSON at all (empty, malformed, no resourceType, a type
  /// that is not FHIR R4), or when no line of an NDJSON input is; a bad NDJSON line next to good
  /// ones is an error issue located at its line.
  Result<Translation> to_model(std::string_view bytes, const Context& context) const override;
  /// A JSON object whose first bytes mention "resourceType".
  bool sniff(std::string_view head) const override;
};

}  // namespace hie::adapters::fhir
