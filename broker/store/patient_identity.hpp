#pragma once
// A patient identifier as the store files it.

#include <string>

namespace hie::store {

/// A patient identifier: system URI and value.
struct PatientIdentity {
  std::string system;
  std::string value;
  bool operator==(const PatientIdentity&) const = default;
};

}  // namespace hie::store
