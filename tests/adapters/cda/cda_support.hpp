#pragma once
// Shared by the C-CDA tests: read a document from tests/data/ccda, translate it, and look
// through the Translation.

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "adapters/cda/cda_adapter.hpp"
#include "broker/model/resource.hpp"
#include "tests/support/file_bytes.hpp"

namespace hie::adapters::cda::test_support {

/// The bytes of tests/data/ccda/<relative>, unchanged.
inline std::string read_sample(const std::string& relative) {
  return hie::testing::read_source_file("tests/data/ccda/" + relative);
}

inline Context test_context(std::string offset = "") {
  Context c;
  c.exchange_id = "test-hie";
  c.default_utc_offset = std::move(offset);
  return c;
}

/// Translates `bytes`; throws (failing the test) when the adapter refuses them.
inline Translation translate_bytes(std::string_view bytes,
                                   const Context& context = test_context()) {
  auto r = CdaAdapter().to_model(bytes, context);
  if (!r) throw std::runtime_error(r.error().describe());
  return std::move(*r);
}

inline Translation translate(const std::string& relative, const Context& context = test_context()) {
  try {
    return translate_bytes(read_sample(relative), context);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(relative + ": " + e.what());
  }
}

template <class T>
std::vector<const T*> all_of(const Translation& t) {
  std::vector<const T*> out;
  for (const auto& r : t.resources)
    if (const auto* p = std::get_if<T>(&r)) out.push_back(p);
  return out;
}

template <class T>
const T& first_of(const Translation& t) {
  auto v = all_of<T>(t);
  if (v.empty()) throw std::runtime_error("no resource of the expected type");
  return *v.front();
}

/// True when an issue's location is `location` or starts with it.
inline bool has_issue_at(const Translation& t, std::string_view location) {
  for (const auto& i : t.issues)
    if (i.location.starts_with(location)) return true;
  return false;
}

inline const model::Coding* coding_in(const model::CodeableConcept& cc, std::string_view system) {
  for (const auto& c : cc.coding)
    if (c.system == system) return &c;
  return nullptr;
}

/// The codes of `cc` as "system|code" strings.
inline std::vector<std::string> codes_of(const model::CodeableConcept& cc) {
  std::vector<std::string> out;
  for (const auto& c : cc.coding) out.push_back(c.system + "|" + c.code);
  return out;
}

}  // namespace hie::adapters::cda::test_support
