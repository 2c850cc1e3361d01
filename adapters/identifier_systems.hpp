#pragma once
// The configured identifier systems of an exchange, looked up the same way by every adapter.

#include <optional>
#include <string_view>

#include "adapters/adapter.hpp"

namespace hie::adapters {

/// The system URI that `context.identifier_systems` gives `authority` (an assigning authority
/// such as PID-3.4.1, or an identifier type code), matched exactly; the first entry wins.
/// nullopt for an empty authority or one without an entry. The view points into `context`.
std::optional<std::string_view> identifier_system_for(const Context& context,
                                                      std::string_view authority);

}  // namespace hie::adapters
