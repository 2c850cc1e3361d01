#pragma once
// Shared by the FHIR adapter tests: reading the sample files and looking into a Translation.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "adapters/fhir/fhir_adapter.hpp"
#include "tests/support/file_bytes.hpp"

namespace hie::adapters::fhir::test {

namespace fs = std::filesystem;
inline const fs::path kData = fs::path(HIE_SOURCE_DIR) / "tests/data/fhir";

inline std::string read_file(const fs::path& path) {
  return hie::testing::read_file_bytes(path);
}

inline Context test_context() {
  Context context;
  context.exchange_id = "test-hie";
  return context;
}

inline Result<Translation> translate(std::string_view bytes) {
  return FhirAdapter().to_model(bytes, test_context());
}

/// Translates text that must translate; a failure throws with the reason.
inline Translation must_translate(std::string_view bytes) {
  auto t = translate(bytes);
  if (!t) throw std::runtime_error(t.error().describe());
  return std::move(*t);
}

template <class T>
std::vector<const T*> all_of(const Translation& t) {
  std::vector<const T*> out;
  for (const auto& r : t.resources) {
    if (const auto* x = std::get_if<T>(&r)) out.push_back(x);
  }
  return out;
}

inline std::map<std::string, int> count_by_type(const Translation& t) {
  std::map<std::string, int> counts;
  for (const auto& r : t.resources) ++counts[std::string(model::resource_type(r))];
  return counts;
}

/// Issues whose location is `location` and whose message contains `text`.
inline int issues_at(const Translation& t, std::string_view location, std::string_view text = "") {
  return static_cast<int>(std::count_if(t.issues.begin(), t.issues.end(), [&](const auto& i) {
    return i.location == location && i.message.find(text) != std::string::npos;
  }));
}

inline int issues_with(const Translation& t, std::string_view text) {
  return static_cast<int>(std::count_if(t.issues.begin(), t.issues.end(), [&](const auto& i) {
    return i.message.find(text) != std::string::npos;
  }));
}

/// Every resource file under tests/data/fhir, sorted.
inline std::vector<fs::path> sample_files() {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(kData)) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace hie::adapters::fhir::test
