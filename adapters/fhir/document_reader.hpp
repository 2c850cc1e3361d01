#pragma once
// One FHIR JSON document (a resource, or a Bundle of any type) -> resources of the common model:
// ids made valid and stable, meta.source set to the exchange, references inside the input
// resolved (reference_resolver.hpp), and everything not carried over reported.

#include <string>
#include <string_view>

#include "adapters/adapter.hpp"
#include "broker/core/result.hpp"

namespace hie::adapters::fhir {

/// Where one document sits in the input: the whole input (line 0), or one NDJSON line.
struct DocumentPlace {
  std::size_t line = 0;
  std::string input_digest;  ///< of the whole input, part of every stable id

  /// "line 3: /code" for an NDJSON line, "/code" otherwise.
  std::string locate(std::string_view pointer) const;
};

/// Appends the document's resources and issues to `out`. An error when the document is not a FHIR
/// resource at all (malformed JSON, no resourceType, a type that is not FHIR R4); a resource type
/// of FHIR R4 that the model does not hold is a warning, and nothing is added.
Status read_document(std::string_view json, const Context& context, const DocumentPlace& place,
                     Translation& out);

}  // namespace hie::adapters::fhir
