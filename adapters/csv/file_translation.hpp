#pragma once
// One CSV file through a mapping: pick the layout by the header, check the columns, translate
// each row (all or nothing per row), merge rows that share a resource key, and collect issues
// (a warning repeated on every row of a column is reported once, with a count).

#include <map>
#include <string>
#include <vector>

#include "adapters/adapter.hpp"
#include "adapters/csv/csv_reader.hpp"
#include "adapters/csv/mapping.hpp"
#include "adapters/csv/row_values.hpp"

namespace hie::adapters::csv {

class FileTranslation {
 public:
  FileTranslation(const Mapping& mapping, const Context& context)
      : mapping_(mapping), context_(context) {}

  Result<Translation> run(std::string_view bytes);

 private:
  /// Where each field of each resource of the layout reads from: a column index, or npos.
  struct Columns {
    std::vector<std::vector<std::size_t>> fields;
    std::vector<std::vector<std::size_t>> keys;
  };
  struct Seen {
    std::size_t resource;  ///< index in out_.resources
    std::size_t row;
  };

  Status choose_layout(const Record& header);
  Status resolve_columns();
  void report_unused_columns();
  /// True when the row gave its resources.
  bool translate_row(const Record& record);
  std::vector<Cell> cells_of(RowContext& row, const Record& record, std::size_t resource);
  std::string stable_id(std::size_t resource, const Record& record, const std::string& key);
  std::string key_of(std::size_t resource, const Record& record) const;
  void add(std::vector<RowContext::RowIssue>&& issues);
  void add(model::Issue issue);

  const Mapping& mapping_;
  const Context& context_;
  const Layout* layout_ = nullptr;
  std::vector<std::string> header_;
  Columns columns_;
  Translation out_;
  std::map<std::string, Seen> seen_;            ///< resource id -> where it was made
  std::map<std::string, std::size_t> repeats_;  ///< keyless row content -> times seen
  std::map<std::string, std::pair<std::size_t, std::size_t>> repeated_notes_;  ///< -> issue, count
  std::size_t dropped_issues_ = 0;
};

}  // namespace hie::adapters::csv
