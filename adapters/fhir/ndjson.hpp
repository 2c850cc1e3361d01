#pragma once
// NDJSON (FHIR bulk data): one resource per line. Told apart from one pretty-printed document by
// its first non-blank line, which is a whole JSON object on its own, followed by more lines.

#include <string_view>
#include <vector>

namespace hie::adapters::fhir {

struct NdjsonLine {
  std::size_t number = 0;  ///< 1-based, counting blank lines too
  std::string_view text;   ///< without the line end
};

/// True when the first non-blank line starts with '{' and ends with '}', and a non-blank line
/// follows it. A pretty-printed document's first line is "{" or ends in ',' - never both.
bool looks_like_ndjson(std::string_view input);

/// The non-blank lines (LF or CRLF ends; white space-only lines are skipped).
std::vector<NdjsonLine> split_ndjson(std::string_view input);

}  // namespace hie::adapters::fhir
