#pragma once
// `serve`'s event delivery: the configured subscriptions put in the store, the transports to
// the subscribers, and the dispatcher that works through the store's deliveries.

#include <boost/asio/any_io_executor.hpp>

#include <memory>

#include "broker/config/config.hpp"
#include "broker/routing/event_dispatcher.hpp"
#include "broker/routing/exchange_event_transport.hpp"
#include "broker/routing/exchange_adapters.hpp"
#include "broker/store/store.hpp"

namespace hie::cli {

struct EventDelivery {
  std::unique_ptr<routing::ExchangeEventTransport> transport;
  std::unique_ptr<routing::EventDispatcher> dispatcher;  ///< declared last: stops first
};

/// Replaces the store's configured subscriptions with `config`'s, checks that every MLLP
/// subscriber's format can carry the kinds it asked for, and builds (not starts) the
/// dispatcher. An error is a one-line reason for stderr.
Result<EventDelivery> make_event_delivery(boost::asio::any_io_executor executor, const config::Config& config,
                                          store::Store& store, const routing::ExchangeAdapters& adapters,
                                          prometheus::Registry* metrics);

}  // namespace hie::cli
