#pragma once
// A CSV mapping: the dialect of a family of CSV files and, per layout (a kind of file, picked by
// its header), which columns fill which model elements. Parsed and checked once, from a JSON
// file with comments; immutable afterwards. docs/adapters.md §5 is the reference.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/csv/date_format.hpp"
#include "adapters/csv/targets.hpp"
#include "adapters/csv/text_encoding.hpp"
#include "broker/core/result.hpp"

namespace hie::adapters::csv {

/// One "fields" entry: where a value comes from, and how it becomes the target element.
struct FieldMapping {
  std::string key;  ///< as written: "identifier[nhs]"
  const TargetInfo* target = nullptr;
  std::string column;  ///< the source column; empty when `constant` is used
  std::optional<std::string> constant;
  std::vector<std::pair<std::string, std::string>> values;  ///< cell value -> element value
  std::vector<DateFormat> formats;  ///< overrides the file's formats (date kinds only)
  bool required = false;            ///< an empty cell is a row error
  std::string system;               ///< identifier / organization system URI; telecom system
  std::string authority;            ///< identifier / organization: looked up in the Context
  std::string use;                  ///< identifier use / telecom use
};

/// One resource made from every row (or, with a key, from every distinct key).
struct ResourceMapping {
  std::string type;  ///< "Patient", "Observation", "Condition"
  /// Columns whose values identify the resource: rows with the same values make one resource
  /// (a lab export repeats the patient on each result row), and its id comes from them. Without
  /// a key, each row makes its own resource, identified by the row's content.
  std::vector<std::string> key;
  std::vector<FieldMapping> fields;
};

/// A kind of file: the header columns that identify it, and the resources each row makes.
struct Layout {
  std::string name;
  std::vector<std::string> match_header;  ///< every one must be in the header
  std::vector<std::string> columns;       ///< the column names, for files without a header row
  std::vector<ResourceMapping> resources;
};

struct Mapping {
  std::string origin;  ///< the file the mapping came from (for messages)
  char delimiter = ',';
  char quote = '"';  ///< '\0': none
  Encoding encoding = Encoding::utf8;
  bool header = true;
  char decimal_separator = '.';
  std::vector<DateFormat> date_formats;
  std::vector<DateFormat> datetime_formats;
  std::vector<Layout> layouts;
};

/// Parses and checks `text`. Errors are config_error with location "origin:line" and a message
/// that starts with the setting path: "layouts[0].resources[0].fields.birthdat: ...".
Result<Mapping> parse_mapping(std::string_view text, std::string origin);

}  // namespace hie::adapters::csv
