#include "broker/cli/serve_events.hpp"

#include <future>

#include "adapters/adapter.hpp"
#include "broker/model/event_kind.hpp"

namespace hie::cli {
namespace {

store::SubscriptionChange configured_subscriptions(const config::Config& config) {
  store::SubscriptionChange change{"config", "", {}};
  for (const auto& exchange : config.exchanges)
    for (std::size_t i = 0; i < exchange.subscriptions.size(); ++i) {
      const auto& s = exchange.subscriptions[i];
      store::SubscriptionRecord record;
      record.id = "config:" + exchange.id + ":" + std::to_string(i);
      record.subscriber = exchange.id;
      record.origin = "config";
      record.kinds = s.events;
      record.scope = s.patients == "all"      ? store::SubscriptionScope::all
                     : s.patients == "listed" ? store::SubscriptionScope::listed
                                              : store::SubscriptionScope::held;
      for (const auto& nhs : s.nhs_numbers) record.patients.push_back({"https://fhir.nhs.uk/Id/nhs-number", nhs});
      change.subscriptions.push_back(std::move(record));
    }
  return change;
}

/// An MLLP subscriber receives HL7 v2 only, so each kind it asked for must be one its adapter writes.
Status check_mllp_subscribers(const config::Config& config, const routing::ExchangeAdapters& adapters) {
  for (const auto& exchange : config.exchanges) {
    if (exchange.transport != config::Transport::mllp) continue;
    const adapters::Adapter* adapter = adapters.find(exchange.id, exchange.format);
    for (const auto& s : exchange.subscriptions)
      for (const auto& word : s.events) {
        auto kind = model::parse_event_kind(word);
        if (!adapter || !kind || !adapter->writes_event(*kind))
          return make_error(Errc::unsupported,
                            "exchange " + exchange.id + " takes events over MLLP, but format " + exchange.format +
                                " cannot carry a " + word + " event: subscribe it to kinds its format writes",
                            "exchanges." + exchange.id + ".subscriptions");
      }
  }
  return {};
}

}  // namespace

Result<EventDelivery> make_event_delivery(boost::asio::any_io_executor executor, const config::Config& config,
                                          store::Store& store, const routing::ExchangeAdapters& adapters,
                                          prometheus::Registry* metrics) {
  if (auto checked = check_mllp_subscribers(config, adapters); !checked) return checked.error();
  std::promise<Status> stored;
  store.replace_subscriptions(configured_subscriptions(config), [&stored](Status s) { stored.set_value(std::move(s)); });
  if (auto done = stored.get_future().get(); !done) return done.error();

  EventDelivery delivery;
  auto transport = routing::ExchangeEventTransport::create(executor, config.exchanges, config.events.ack_timeout);
  if (!transport) return transport.error();
  delivery.transport = std::move(*transport);
  // Every exchange that can be reached may subscribe (peers subscribe at run time).
  std::vector<config::Exchange> subscribers;
  for (const auto& exchange : config.exchanges)
    if (exchange.transport == config::Transport::websocket || exchange.mllp_delivery) subscribers.push_back(exchange);
  routing::DispatcherOptions options;
  options.settings = config.events;
  delivery.dispatcher = std::make_unique<routing::EventDispatcher>(store, std::move(subscribers), adapters,
                                                                   *delivery.transport, metrics, options);
  return delivery;
}

}  // namespace hie::cli
