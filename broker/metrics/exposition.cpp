#include "broker/metrics/exposition.hpp"

#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

namespace hie::metrics {

std::string render_text(const prometheus::Registry& registry) {
  return prometheus::TextSerializer().Serialize(registry.Collect());
}

}  // namespace hie::metrics
