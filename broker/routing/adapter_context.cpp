#include "broker/routing/adapter_context.hpp"

namespace hie::routing {

adapters::Context adapter_context(const config::Exchange& exchange) {
  adapters::Context context;
  context.exchange_id = exchange.id;
  context.default_utc_offset = exchange.default_utc_offset;
  context.identifier_systems.assign(exchange.identifier_systems.begin(),
                                    exchange.identifier_systems.end());
  return context;
}

}  // namespace hie::routing
