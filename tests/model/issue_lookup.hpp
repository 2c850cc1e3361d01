#pragma once
// Finding an issue by its location in the model tests.

#include <algorithm>
#include <string_view>

#include "broker/model/issues.hpp"

namespace hie::model {

/// The first issue at exactly `location`, or nullptr.
inline const Issue* issue_at(const Issues& issues, std::string_view location) {
  auto it = std::find_if(issues.begin(), issues.end(), [&](const Issue& i) { return i.location == location; });
  return it == issues.end() ? nullptr : &*it;
}

}  // namespace hie::model
