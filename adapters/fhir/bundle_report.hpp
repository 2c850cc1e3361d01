#pragma once
// What the FHIR adapter reports about a Bundle it unwraps: the output is the entries' resources,
// so the Bundle's own elements and each entry's request, response, search and links are not
// carried over, and an entry without a resource (a GET or DELETE in a transaction) carries nothing.

#include <vector>

#include "adapters/adapter.hpp"
#include "adapters/fhir/bundle_index.hpp"
#include "adapters/fhir/document_reader.hpp"

namespace hie::adapters::fhir {

/// Appends those issues to `out`. `positions[k]` is the input entry of the model's entry k.
void report_bundle(const model::Bundle& bundle, const std::vector<RawEntry>& raw,
                   const std::vector<std::size_t>& positions, const DocumentPlace& place,
                   Translation& out);

}  // namespace hie::adapters::fhir
