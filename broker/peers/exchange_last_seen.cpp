#include "broker/peers/exchange_last_seen.hpp"

#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

namespace hie::peers {

prometheus::Family<prometheus::Gauge>& exchange_last_seen_family(prometheus::Registry& registry) {
  // The registry merges a second registration of the same name into the first.
  return prometheus::BuildGauge()
      .Name("hie_exchange_last_seen_timestamp_seconds")
      .Help("Unix time of the last message an exchange sent the broker (MLLP frame or peer message)")
      .Register(registry);
}

void mark_exchange_seen(prometheus::Family<prometheus::Gauge>& family, const std::string& exchange) {
  family.Add({{"exchange", exchange}}).SetToCurrentTime();
}

}  // namespace hie::peers
