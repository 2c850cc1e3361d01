#pragma once
// The event settings of the configuration: each exchange's `subscriptions` and `mllp_delivery`,
// and the top-level `events` (acknowledgement timeout, retries, backlog alert, retention).

#include "broker/config/config.hpp"
#include "broker/config/object_reader.hpp"

namespace hie::config {

/// Reads `subscriptions` and `mllp_delivery` of one exchange (after its transport and TLS).
void read_exchange_events(ObjectReader& item, Exchange& exchange);
/// Reads the top-level `events`.
void read_events(ObjectReader& root, Events& out);

}  // namespace hie::config
