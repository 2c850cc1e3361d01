#include "adapters/identifier_systems.hpp"

namespace hie::adapters {

std::optional<std::string_view> identifier_system_for(const Context& context,
                                                      std::string_view authority) {
  if (authority.empty()) return std::nullopt;
  for (const auto& [name, system] : context.identifier_systems)
    if (name == authority) return std::string_view(system);
  return std::nullopt;
}

}  // namespace hie::adapters
