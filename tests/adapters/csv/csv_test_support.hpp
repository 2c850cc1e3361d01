#pragma once
// Shared by the CSV tests: files from the repository, an adapter configured by a mapping file,
// and looking through a Translation.

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "adapters/csv/csv_adapter.hpp"
#include "tests/support/file_bytes.hpp"

namespace hie::adapters::csv::test_support {

/// The bytes of <repository>/<relative>, unchanged.
inline std::string read_file(const std::string& relative) {
  return hie::testing::read_source_file(relative);
}

/// The CSV adapter configured by config/mappings/<name>; throws when the mapping is refused.
inline std::unique_ptr<Adapter> adapter_for(const std::string& name) {
  auto adapter = CsvAdapter().with_mapping(read_file("config/mappings/" + name), name);
  if (!adapter) throw std::runtime_error(adapter.error().describe());
  return std::move(*adapter);
}

inline Context context(std::string offset = {}) {
  Context c;
  c.exchange_id = "test-hie";
  c.default_utc_offset = std::move(offset);
  return c;
}

template <class T>
std::vector<const T*> all_of(const Translation& t) {
  std::vector<const T*> out;
  for (const auto& r : t.resources)
    if (const T* x = std::get_if<T>(&r)) out.push_back(x);
  return out;
}

/// The first issue at `location`, or nullptr.
inline const model::Issue* issue_at(const Translation& t, std::string_view location) {
  for (const auto& i : t.issues)
    if (i.location == location) return &i;
  return nullptr;
}

inline std::size_t errors_in(const Translation& t) {
  std::size_t n = 0;
  for (const auto& i : t.issues) n += i.severity == model::Severity::error;
  return n;
}

}  // namespace hie::adapters::csv::test_support
