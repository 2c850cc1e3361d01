#pragma once
// Adapters by format name. Every adapter is listed once, in register_all(); a duplicate name is
// refused, so two adapters can never silently compete for one format.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/adapter.hpp"

namespace hie::adapters {

class Registry {
 public:
  /// Adds an adapter; an error when its format name is already taken.
  Status add(std::unique_ptr<Adapter> adapter);
  /// The adapter for `format`, or nullptr.
  const Adapter* find(std::string_view format) const;
  std::vector<std::string_view> formats() const;

 private:
  std::vector<std::unique_ptr<Adapter>> adapters_;
};

/// The registry with every adapter this build has. Adding a format = one line here.
const Registry& all_adapters();

}  // namespace hie::adapters
