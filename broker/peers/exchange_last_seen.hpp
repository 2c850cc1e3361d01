#pragma once
// When each exchange last sent the broker anything (an MLLP frame, a peer message), as the gauge
// hie_exchange_last_seen_timestamp_seconds{exchange}: `time() - gauge` is how long a feed has
// been silent, which is what an operator alerts on. Shared by the MLLP and WebSocket metrics.

#include <string>

namespace prometheus {
class Registry;
class Gauge;
template <class T>
class Family;
}  // namespace prometheus

namespace hie::peers {

/// The gauge family (registered once; a second call returns the same family).
prometheus::Family<prometheus::Gauge>& exchange_last_seen_family(prometheus::Registry& registry);

/// Sets `exchange`'s series to the current Unix time.
void mark_exchange_seen(prometheus::Family<prometheus::Gauge>& family, const std::string& exchange);

}  // namespace hie::peers
