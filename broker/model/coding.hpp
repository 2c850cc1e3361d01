#pragma once
// Building codings in code: one coding, and a CodeableConcept holding one.

#include <string>
#include <string_view>

#include "broker/model/datatypes.hpp"

namespace hie::model {

inline Coding coding(std::string_view system, std::string code, std::string display = {}) {
  Coding c;
  c.system = std::string(system);
  c.code = std::move(code);
  c.display = std::move(display);
  return c;
}

/// A CodeableConcept with the one coding `c`.
inline CodeableConcept concept_of(Coding c) {
  CodeableConcept cc;
  cc.coding.push_back(std::move(c));
  return cc;
}

}  // namespace hie::model
