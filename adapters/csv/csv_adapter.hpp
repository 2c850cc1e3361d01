#pragma once
// The CSV adapter: CSV exports (GP patient lists, lab results) → model resources, driven by a
// mapping file (mapping.hpp). The registered instance has no mapping and only sniffs; each
// exchange or `translate --mapping` gets its own configured copy through with_mapping().

#include <memory>

#include "adapters/adapter.hpp"
#include "adapters/csv/mapping.hpp"

namespace hie::adapters::csv {

class CsvAdapter final : public Adapter {
 public:
  /// Unconfigured: to_model refuses, sniff looks for any of `,` `;` tab.
  CsvAdapter() = default;
  explicit CsvAdapter(std::shared_ptr<const Mapping> mapping) : mapping_(std::move(mapping)) {}

  std::string_view format() const override { return "csv"; }
  /// An error when the file cannot be read with the mapping at all: no header, a header that
  /// matches no layout, a mapped column missing from the header, or no row that translates.
  /// Otherwise every good row's resources, and one error issue (row, column) per bad row.
  Result<Translation> to_model(std::string_view bytes, const Context& context) const override;
  /// Text (no NUL) whose first line holds the configured delimiter (any of `,` `;` tab when
  /// unconfigured).
  bool sniff(std::string_view head) const override;
  /// A CsvAdapter configured by the mapping in `mapping_text` (JSON with comments).
  Result<std::unique_ptr<Adapter>> with_mapping(std::string_view mapping_text,
                                                std::string_view origin) const override;
  /// True while unconfigured: a CSV exchange without a mapping file is a configuration error.
  bool needs_mapping() const override { return mapping_ == nullptr; }

  const Mapping* mapping() const { return mapping_.get(); }

 private:
  std::shared_ptr<const Mapping> mapping_;
};

}  // namespace hie::adapters::csv
