#include "broker/routing/event_dispatcher.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <deque>
#include <mutex>
#include <random>
#include <set>

#include "broker/logging/log.hpp"
#include "broker/routing/event_rendering.hpp"
#include "broker/routing/retry_delay.hpp"

namespace hie::routing {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

struct Metrics {
  explicit Metrics(prometheus::Registry& registry)
      : attempts(prometheus::BuildCounter()
                     .Name("hie_event_attempts_total")
                     .Help("Event delivery attempts by subscriber and outcome (delivered, refused, dead, "
                           "unreachable)")
                     .Register(registry)),
        ack_seconds(prometheus::BuildHistogram()
                        .Name("hie_event_ack_seconds")
                        .Help("From sending an event to its subscriber's ack, by subscriber")
                        .Register(registry)),
        backlog(prometheus::BuildGauge()
                    .Name("hie_event_backlog")
                    .Help("Deliveries waiting for each subscriber, in the store")
                    .Register(registry)),
        dead(prometheus::BuildGauge()
                 .Name("hie_event_dead_letters")
                 .Help("Dead letters of each subscriber: deliveries that ran out of attempts")
                 .Register(registry)),
        alert(prometheus::BuildGauge()
                  .Name("hie_event_backlog_alert")
                  .Help("1 while a subscriber's backlog is above events.backlog_alert")
                  .Register(registry)) {}
  prometheus::Family<prometheus::Counter>& attempts;
  prometheus::Family<prometheus::Histogram>& ack_seconds;
  prometheus::Family<prometheus::Gauge>& backlog;
  prometheus::Family<prometheus::Gauge>& dead;
  prometheus::Family<prometheus::Gauge>& alert;
};

const prometheus::Histogram::BucketBoundaries kAckBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                             0.25,  0.5,    1,     2.5,  5,     10};

}  // namespace

struct EventDispatcher::Impl : std::enable_shared_from_this<EventDispatcher::Impl> {
  struct Lane {
    config::Exchange exchange;
    std::deque<store::DeliveryRecord> window;  // pending, in seq order
    std::int64_t last_loaded = 0;    // the cursor over the subscriber's whole queue
    bool exhausted = false;          // the store had no more when last asked
    std::map<std::string, std::size_t> held;  // the window's deliveries per patient
    std::set<std::string> left_behind;         // patients with deliveries the cursor left on disk
    std::set<std::int64_t> loaded;             // the window's seqs
    std::set<std::int64_t> sending;  // seqs awaiting an ack or their settlement's commit
    std::set<std::string> busy;      // their patients
    std::map<std::int64_t, Clock::time_point> retry_at;  // this process's scheduled retries
    bool reachable = true;
    Clock::time_point unreachable_until{};
    std::unique_ptr<asio::steady_timer> timer;
    std::uint64_t delivered = 0, refused = 0, dead = 0;
    bool alerting = false;
  };

  Impl(store::Store& store, ExchangeAdapters adapters, EventTransport& transport, prometheus::Registry* registry,
       DispatcherOptions options)
      : store_(store), adapters_(std::move(adapters)), transport_(transport), options_(options), poll_(io_) {
    if (registry) metrics_ = std::make_unique<Metrics>(*registry);
  }

  void add_lane(config::Exchange exchange) {
    auto lane = std::make_unique<Lane>();
    lane->timer = std::make_unique<asio::steady_timer>(io_);
    const std::string id = exchange.id;
    lane->exchange = std::move(exchange);
    lanes_.emplace(id, std::move(lane));
  }

  void run() {
    auto guard = asio::make_work_guard(io_);
    asio::post(io_, [this] { tick(); });
    io_.run();
  }

  void stop() { io_.stop(); }

  void nudge() {
    asio::post(io_, [this] {
      for (auto& [id, lane] : lanes_) lane->exhausted = false;
      pump_all();
    });
  }

  void reachable(const std::string& subscriber) {
    asio::post(io_, [this, subscriber] {
      auto it = lanes_.find(subscriber);
      if (it == lanes_.end()) return;
      it->second->reachable = true;
      it->second->exhausted = false;
      pump(*it->second);
    });
  }

  std::vector<SubscriberState> states() {
    std::lock_guard lock(states_mutex_);
    return states_;
  }

  // Everything below runs on io_'s one thread. Handlers on io_ hold a plain `this`: io_ belongs
  // to this object and drops them unrun when it goes. Callbacks given to the store and the
  // transport hold a weak pointer: they may come after the dispatcher stopped.

  void tick() {
    for (auto& [id, lane] : lanes_) lane->exhausted = false;  // a replay or a restart may have added rows
    pump_all();
    refresh_backlogs();
    poll_.expires_after(options_.poll);
    poll_.async_wait([this](boost::system::error_code ec) {
      if (!ec) tick();
    });
  }

  void pump_all() {
    for (auto& [id, lane] : lanes_) pump(*lane);
    publish_states();
  }

  /// Reads on from the cursor. A patient already holding `per_patient` deliveries in the window
  /// has the rest left on disk: it is then read patient by patient (refill_patient), in order,
  /// as its deliveries leave the window; the cursor skips its rows until then.
  void refill(Lane& lane) {
    if (lane.exhausted || lane.window.size() >= options_.window / 2) return;
    const std::size_t wanted = options_.window - lane.window.size();
    auto rows = read_pending(lane, {.subscriber = lane.exchange.id, .after_seq = lane.last_loaded, .limit = wanted,
                                    .with_payload = true});
    if (!rows) return;
    lane.exhausted = rows->size() < wanted;
    for (auto& row : *rows) {
      lane.last_loaded = row.seq;
      const std::string& patient = row.event.patient_key;
      if (lane.loaded.contains(row.seq) || lane.left_behind.contains(patient)) continue;
      if (lane.held[patient] >= options_.per_patient) {
        lane.left_behind.insert(patient);
        continue;
      }
      keep(lane, std::move(row));
    }
  }

  /// A left-behind patient's next deliveries, after its last one in the window.
  void refill_patient(Lane& lane, const std::string& patient, std::int64_t after_seq) {
    const std::size_t room = options_.per_patient - std::min(options_.per_patient, lane.held[patient]);
    if (room == 0) return;
    auto rows = read_pending(lane, {.subscriber = lane.exchange.id, .after_seq = after_seq, .patient_key = patient,
                                    .limit = room, .with_payload = true});
    if (!rows) {
      // The cursor goes back for them instead (what it finds again in the window is skipped).
      lane.left_behind.erase(patient);
      lane.last_loaded = std::min(lane.last_loaded, after_seq);
      lane.exhausted = false;
      return;
    }
    if (rows->size() < room) lane.left_behind.erase(patient);  // all of it is in the window now
    for (auto& row : *rows)
      if (!lane.loaded.contains(row.seq)) keep(lane, std::move(row));
  }

  Result<std::vector<store::DeliveryRecord>> read_pending(Lane& lane, const store::DeliveryQuery& query) {
    auto rows = store_.pending_deliveries(query);
    if (!rows)
      log::write(log::Level::error, {.exchange = lane.exchange.id}, "pending deliveries could not be read",
                 {{"error", rows.error().describe()}});
    return rows;
  }

  /// Into the window, in seq order (a patient's rows may come after the cursor's).
  void keep(Lane& lane, store::DeliveryRecord row) {
    ++lane.held[row.event.patient_key];
    lane.loaded.insert(row.seq);
    auto at = std::upper_bound(lane.window.begin(), lane.window.end(), row.seq,
                               [](std::int64_t seq, const store::DeliveryRecord& d) { return seq < d.seq; });
    lane.window.insert(at, std::move(row));
  }

  /// A settled delivery leaves the window; a left-behind patient's next one comes in.
  void forget(Lane& lane, std::int64_t seq) {
    auto it = std::find_if(lane.window.begin(), lane.window.end(), [&](const auto& d) { return d.seq == seq; });
    if (it == lane.window.end()) return;
    const std::string patient = it->event.patient_key;
    lane.window.erase(it);
    lane.loaded.erase(seq);
    if (--lane.held[patient] == 0) lane.held.erase(patient);
    if (!lane.left_behind.contains(patient)) return;
    std::int64_t after = seq;
    for (const auto& d : lane.window)
      if (d.event.patient_key == patient) after = std::max(after, d.seq);
    refill_patient(lane, patient, after);
  }

  void pump(Lane& lane) {
    const auto now = Clock::now();
    if (!lane.reachable && now < lane.unreachable_until) return arm(lane, lane.unreachable_until);
    refill(lane);
    const std::size_t capacity = std::max<std::size_t>(
        1, std::min(options_.settings.in_flight, transport_.capacity(lane.exchange.id)));
    const std::string now_utc = store::format_utc(std::chrono::system_clock::now());
    std::set<std::string> blocked = lane.busy;  // a patient's later events wait behind its earliest
    std::optional<Clock::time_point> next_retry;
    for (auto& delivery : lane.window) {
      if (lane.sending.size() >= capacity) break;
      if (!blocked.insert(delivery.event.patient_key).second) continue;
      if (auto retry = lane.retry_at.find(delivery.seq); retry != lane.retry_at.end() && retry->second > now) {
        next_retry = next_retry ? std::min(*next_retry, retry->second) : retry->second;
        continue;
      }
      if (delivery.next_attempt > now_utc && !lane.retry_at.contains(delivery.seq)) continue;  // on the poll
      send(lane, delivery);
    }
    if (next_retry) arm(lane, *next_retry);
  }

  /// Wakes the lane at `when` (earlier wake-ups win).
  void arm(Lane& lane, Clock::time_point when) {
    if (lane.timer->expiry() > Clock::now() && lane.timer->expiry() <= when) return;
    lane.timer->expires_at(when);
    lane.timer->async_wait([this, lane = &lane](boost::system::error_code ec) {
      if (!ec) pump(*lane);
    });
  }

  void send(Lane& lane, const store::DeliveryRecord& delivery) {
    auto rendered = render_event(lane.exchange, adapters_, delivery);
    lane.sending.insert(delivery.seq);
    lane.busy.insert(delivery.event.patient_key);
    if (!rendered) {
      // Nothing to try again: the subscriber's format cannot carry this kind of event.
      settle(lane, delivery.seq, store::DeliveryState::dead, delivery.attempts, {}, rendered.error().message());
      return;
    }
    rendered->attempt = delivery.attempts + 1;
    const auto sent = Clock::now();
    transport_.send(lane.exchange.id, std::move(*rendered),
                    [weak = weak_from_this(), lane = &lane, seq = delivery.seq, sent](AttemptResult result) {
                      auto self = weak.lock();
                      if (!self) return;
                      asio::post(self->io_, [impl = self.get(), lane, seq, sent, result = std::move(result)] {
                        impl->attempted(*lane, seq, sent, result);
                      });
                    });
  }

  store::DeliveryRecord* find(Lane& lane, std::int64_t seq) {
    for (auto& d : lane.window)
      if (d.seq == seq) return &d;
    return nullptr;
  }

  void attempted(Lane& lane, std::int64_t seq, Clock::time_point sent, const AttemptResult& result) {
    auto* delivery = find(lane, seq);
    if (!delivery) return;
    const std::string& subscriber = lane.exchange.id;
    using Outcome = AttemptResult::Outcome;
    if (result.outcome == Outcome::unreachable) {
      release(lane, *delivery);
      count(subscriber, "unreachable");
      if (lane.reachable)
        log::write(log::Level::info, {.exchange = subscriber}, "subscriber unreachable; its events wait",
                   {{"reason", result.error}});
      lane.reachable = false;
      lane.unreachable_until = Clock::now() + options_.unreachable_retry;
      arm(lane, lane.unreachable_until);
      return;
    }
    lane.reachable = true;
    const std::int64_t attempts = delivery->attempts + 1;
    if (result.outcome == Outcome::acknowledged) {
      if (metrics_)
        metrics_->ack_seconds.Add({{"subscriber", subscriber}}, kAckBuckets)
            .Observe(std::chrono::duration<double>(Clock::now() - sent).count());
      settle(lane, seq, store::DeliveryState::delivered, attempts, {}, "");
      return;
    }
    if (attempts >= static_cast<std::int64_t>(options_.settings.max_attempts)) {
      log::write(log::Level::warn, {.exchange = subscriber}, "event delivery failed for the last time: a dead letter",
                 {{"event", delivery->event.id}, {"attempts", attempts},
                  {"reason", result.error}});
      settle(lane, seq, store::DeliveryState::dead, attempts, {}, result.error);
      return;
    }
    const auto wait = retry_delay(attempts, options_.settings.retry_initial, options_.settings.retry_max,
                                  std::uniform_real_distribution<double>(0, 1)(random_));
    settle(lane, seq, store::DeliveryState::pending, attempts, wait, result.error);
  }

  /// Records the attempt durably; only then may the patient's next event go.
  void settle(Lane& lane, std::int64_t seq, store::DeliveryState state, std::int64_t attempts,
              std::chrono::milliseconds wait, std::string error) {
    store::DeliverySettlement s{seq, state, attempts, std::chrono::system_clock::now() + wait, error};
    store_.settle_deliveries({s}, [weak = weak_from_this(), lane = &lane, s, wait](Status committed) {
      auto self = weak.lock();
      if (!self) return;
      asio::post(self->io_, [impl = self.get(), lane, s, wait, committed = std::move(committed)] {
        impl->settled(*lane, s, wait, committed);
      });
    });
  }

  void settled(Lane& lane, const store::DeliverySettlement& s, std::chrono::milliseconds wait, const Status& committed) {
    auto* delivery = find(lane, s.seq);
    if (!delivery) return;
    release(lane, *delivery);
    const std::string& subscriber = lane.exchange.id;
    if (!committed) {
      // Still pending in the store: it goes again (at least once) after a pause.
      log::write(log::Level::error, {.exchange = subscriber}, "delivery outcome not stored",
                 {{"error", committed.error().describe()}});
      lane.retry_at[s.seq] = Clock::now() + options_.settings.retry_initial;
      pump(lane);
      return;
    }
    if (s.state == store::DeliveryState::pending) {
      ++lane.refused;
      count(subscriber, "refused");
      delivery->attempts = s.attempts;
      delivery->last_error = s.error;
      delivery->next_attempt = store::format_utc(s.next_attempt);
      lane.retry_at[s.seq] = Clock::now() + wait;
    } else {
      if (s.state == store::DeliveryState::delivered) ++lane.delivered;
      else ++lane.dead;
      count(subscriber, s.state == store::DeliveryState::delivered ? "delivered" : "dead");
      lane.retry_at.erase(s.seq);
      forget(lane, s.seq);
    }
    pump(lane);
    publish_states();
  }

  void release(Lane& lane, const store::DeliveryRecord& delivery) {
    lane.sending.erase(delivery.seq);
    lane.busy.erase(delivery.event.patient_key);
  }

  void count(const std::string& subscriber, const std::string& outcome) {
    if (metrics_) metrics_->attempts.Add({{"subscriber", subscriber}, {"outcome", outcome}}).Increment();
  }

  void refresh_backlogs() {
    auto backlogs = store_.backlogs();
    if (!backlogs) return;
    for (auto& [id, lane] : lanes_) {
      std::int64_t pending = 0, dead = 0;
      for (const auto& b : *backlogs)
        if (b.subscriber == id) {
          pending = b.pending;
          dead = b.dead;
        }
      const bool alerting = pending > static_cast<std::int64_t>(options_.settings.backlog_alert);
      if (alerting != lane->alerting)
        log::write(alerting ? log::Level::warn : log::Level::info, {.exchange = id},
                   alerting ? "subscriber backlog above the alert threshold" : "subscriber backlog back below the alert threshold",
                   {{"pending", pending}, {"threshold", options_.settings.backlog_alert}});
      lane->alerting = alerting;
      if (!metrics_) continue;
      metrics_->backlog.Add({{"subscriber", id}}).Set(static_cast<double>(pending));
      metrics_->dead.Add({{"subscriber", id}}).Set(static_cast<double>(dead));
      metrics_->alert.Add({{"subscriber", id}}).Set(alerting ? 1 : 0);
    }
  }

  void publish_states() {
    std::vector<SubscriberState> states;
    for (const auto& [id, lane] : lanes_)
      states.push_back({id, lane->reachable, lane->window.size(), lane->sending.size(), lane->delivered,
                        lane->refused, lane->dead});
    std::lock_guard lock(states_mutex_);
    states_ = std::move(states);
  }

  store::Store& store_;
  ExchangeAdapters adapters_;
  EventTransport& transport_;
  DispatcherOptions options_;
  std::unique_ptr<Metrics> metrics_;
  asio::io_context io_;
  asio::steady_timer poll_;
  std::map<std::string, std::unique_ptr<Lane>> lanes_;
  std::mt19937_64 random_{std::random_device{}()};
  std::mutex states_mutex_;
  std::vector<SubscriberState> states_;
};

EventDispatcher::EventDispatcher(store::Store& store, std::vector<config::Exchange> subscribers,
                                 ExchangeAdapters adapters, EventTransport& transport, prometheus::Registry* metrics,
                                 DispatcherOptions options)
    : impl_(std::make_shared<Impl>(store, std::move(adapters), transport, metrics, options)) {
  for (auto& exchange : subscribers) impl_->add_lane(std::move(exchange));
}

EventDispatcher::~EventDispatcher() {
  impl_->stop();
  if (thread_.joinable()) thread_.join();
}

void EventDispatcher::start() {
  thread_ = std::thread([impl = impl_] { impl->run(); });
}

void EventDispatcher::nudge() { impl_->nudge(); }

void EventDispatcher::reachable(const std::string& subscriber) { impl_->reachable(subscriber); }

std::vector<SubscriberState> EventDispatcher::states() const { return impl_->states(); }

}  // namespace hie::routing
