#pragma once
// The table of every element the model holds, generated from the same descriptions the JSON
// reader, writer and validator walk, so docs/model.md cannot drift from the code.

#include <string>

namespace hie::model {

/// Markdown table: FHIR path | C++ member | type | cardinality | the codes of its required binding
/// (bindings.hpp; empty for most), one row per element, resources
/// first (in Resource variant order, then Bundle), then the datatypes.
std::string model_table_markdown();

}  // namespace hie::model
