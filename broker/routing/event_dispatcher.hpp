#pragma once
// Delivers the store's pending deliveries to their subscribers, at least once and in order per
// (subscriber, patient), on its own thread. Per subscriber it holds a bounded window of the
// oldest pending deliveries (the backlog itself stays on disk, however long), sends each
// patient's oldest with up to the transport's capacity awaiting acks, and settles every attempt
// in the store before that patient's next event goes: delivered on an ack; on a refusal, tried
// again after an exponential, jittered wait; after `max_attempts` refusals, a dead letter. An
// unreachable subscriber is not charged an attempt: its lane waits until it is reachable again.

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "broker/config/config.hpp"
#include "broker/routing/event_transport.hpp"
#include "broker/routing/exchange_adapters.hpp"
#include "broker/store/store.hpp"

namespace prometheus {
class Registry;
}

namespace hie::routing {

struct DispatcherOptions {
  config::Events settings;
  std::size_t window = 256;                      ///< pending deliveries held in memory per subscriber
  /// Of which one patient's at most: the rest of a patient's wait on disk, so one patient whose
  /// head event is being retried cannot fill the window and hold every other patient back.
  std::size_t per_patient = 8;
  std::chrono::milliseconds poll{1000};          ///< how often to look when nobody nudged
  std::chrono::milliseconds unreachable_retry{2000};  ///< how soon an unreachable subscriber is tried again
};

/// What the dispatcher knows of one subscriber now, for /admin and the dashboard.
struct SubscriberState {
  std::string subscriber;
  bool reachable = true;
  std::size_t in_window = 0;
  std::size_t in_flight = 0;
  std::uint64_t delivered = 0, refused = 0, dead = 0;
};

class EventDispatcher {
 public:
  /// `subscribers`: the exchanges that may receive events (those with a transport for them).
  EventDispatcher(store::Store& store, std::vector<config::Exchange> subscribers, ExchangeAdapters adapters,
                  EventTransport& transport, prometheus::Registry* metrics, DispatcherOptions options);
  ~EventDispatcher();  ///< stops; attempts in flight stay pending in the store and go again next start

  void start();
  /// New deliveries may be in the store (events committed, a replay): look now.
  void nudge();
  /// `subscriber` can be reached again (a peer said hello): send its backlog now.
  void reachable(const std::string& subscriber);
  std::vector<SubscriberState> states() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
  std::thread thread_;
};

}  // namespace hie::routing
