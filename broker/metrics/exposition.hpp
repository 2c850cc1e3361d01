#pragma once
// Prometheus text exposition of a registry.

#include <string>

namespace prometheus {
class Registry;
}

namespace hie::metrics {

/// The registry in Prometheus text format 0.0.4.
std::string render_text(const prometheus::Registry& registry);

inline constexpr const char* kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace hie::metrics
