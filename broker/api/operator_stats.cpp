#include "broker/api/operator_stats.hpp"

#include <boost/asio/steady_timer.hpp>
#include <prometheus/registry.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>

#include "broker/store/journal.hpp"

namespace hie::api {

namespace asio = boost::asio;

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
using Clock = std::chrono::system_clock;

/// An exchange whose last message is older than this is "silent" (MLLP feeds have no connection
/// state worth showing: many senders connect per message).
constexpr auto kSilentAfter = std::chrono::minutes(5);
constexpr auto kRateWindow = std::chrono::seconds(5);
constexpr auto kLatencyWindow = std::chrono::seconds(60);

void member(Writer& w, const char* key, std::string_view value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void member(Writer& w, const char* key, double value) {
  w.Key(key);
  // Whole numbers as integers; rates rounded to what a person reads.
  if (value == std::floor(value) && std::abs(value) < 9e15)
    w.Int64(static_cast<std::int64_t>(value));
  else
    w.Double(std::round(value * 100) / 100);
}

/// null when the value is negative ("nothing measured yet").
void optional_member(Writer& w, const char* key, double value) {
  if (value < 0) {
    w.Key(key);
    w.Null();
    return;
  }
  member(w, key, value);
}

double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

/// Per second between two readings of one sum; 0 when they are the same reading.
double rate(double now, double before, double seconds) {
  if (seconds <= 0 || now < before) return 0;
  return (now - before) / seconds;
}

double sum_of(const std::map<std::string, double>& by, std::initializer_list<std::string_view> keys) {
  double total = 0;
  for (auto key : keys)
    if (auto it = by.find(std::string(key)); it != by.end()) total += it->second;
  return total;
}

/// Messages refused, not stored, or not translatable: of every exchange, or of those `of` names.
double errors(const metrics::MetricReading& m, const metrics::LabelMatch& of = {}) {
  auto with = [&](std::string_view outcome) {
    metrics::LabelMatch match = of;
    match.emplace_back("outcome", outcome);
    return match;
  };
  return m.sum("hie_ingest_messages_total", with("rejected")) + m.sum("hie_ingest_messages_total", with("store_error")) +
         m.sum("hie_translation_messages_total", with("failed"));
}

Clock::time_point from_unix_seconds(double seconds) {
  return Clock::time_point(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds)));
}

double server_errors(const metrics::MetricReading& m) {
  double total = 0;
  for (const auto& [status, count] : m.sum_by("hie_http_requests_total", "status"))
    if (!status.empty() && status.front() == '5') total += count;
  return total;
}

std::string state_of(const config::Exchange& exchange, double connections, double last_seen_unix, Clock::time_point now) {
  switch (exchange.transport) {
    case config::Transport::websocket: return connections > 0 ? "connected" : "disconnected";
    case config::Transport::fhir_rest: return "on-demand";  // the broker calls it when a query needs it
    case config::Transport::mllp: break;
  }
  if (last_seen_unix <= 0) return "waiting";
  return now - from_unix_seconds(last_seen_unix) < kSilentAfter ? "active" : "silent";
}

/// Each configured exchange: state, last seen, counters; rates between `before` and `now`.
void write_exchanges(Writer& w, const std::vector<config::Exchange>& exchanges, Clock::time_point now_at,
                     const metrics::MetricReading& m, const metrics::MetricReading& before, double seconds) {
  w.StartArray();
  for (const auto& exchange : exchanges) {
    const std::string& id = exchange.id;
    const metrics::LabelMatch of_exchange = {{"exchange", id}};
    const double connections = m.sum("hie_peer_connections", of_exchange);
    const double last_seen = m.sum("hie_exchange_last_seen_timestamp_seconds", of_exchange);
    const auto queries = m.sum_by("hie_query_exchange_outcomes_total", "outcome", of_exchange);
    w.StartObject();
    member(w, "id", id);
    member(w, "name", exchange.display_name.empty() ? id : exchange.display_name);
    member(w, "format", exchange.format);
    member(w, "transport", config::to_string(exchange.transport));
    member(w, "mode", config::to_string(exchange.mode));
    member(w, "state", state_of(exchange, connections, last_seen, now_at));
    member(w, "connections", connections);
    w.Key("last_seen");
    if (last_seen > 0)
      w.String(store::format_utc(from_unix_seconds(last_seen)).c_str());
    else
      w.Null();
    const double messages = m.sum("hie_ingest_messages_total", of_exchange);
    member(w, "messages_in", messages);
    member(w, "bytes_in", m.sum("hie_ingest_bytes_total", of_exchange));
    member(w, "messages_per_second",
           rate(messages, before.sum("hie_ingest_messages_total", of_exchange), seconds));
    member(w, "errors", errors(m, of_exchange));
    member(w, "queries_answered", sum_of(queries, {"answered", "stored", "not_found"}));
    member(w, "queries_failed", sum_of(queries, {"failed", "timed_out", "not_connected"}));
    member(w, "queries_timed_out", sum_of(queries, {"timed_out"}));
    member(w, "backlog", m.sum("hie_event_backlog", {{"subscriber", id}}));
    member(w, "dead_letters", m.sum("hie_event_dead_letters", {{"subscriber", id}}));
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace

OperatorStats::OperatorStats(OperatorStatsSettings settings) : settings_(std::move(settings)), started_(Clock::now()) {
  if (settings_.history_seconds < 2) settings_.history_seconds = 2;
}

void OperatorStats::start(asio::any_io_executor executor) {
  sample();
  auto timer = std::make_shared<asio::steady_timer>(executor);
  auto tick = std::make_shared<std::function<void()>>();
  *tick = [weak = weak_from_this(), timer, tick_ptr = std::weak_ptr<std::function<void()>>(tick)] {
    timer->expires_after(std::chrono::seconds(1));
    timer->async_wait([weak, tick_ptr](boost::system::error_code ec) {
      auto self = weak.lock();
      auto again = tick_ptr.lock();
      if (ec || !self || !again) return;
      self->sample();
      (*again)();
    });
  };
  tick_ = tick;
  (*tick)();
}

void OperatorStats::sample() {
  auto read = metrics::MetricReading::of(*settings_.registry);
  // The chart's series, added up once here rather than on every poll of every dashboard.
  auto messages = read.sum_by("hie_ingest_messages_total", "exchange");
  auto reading = std::make_shared<Reading>(Reading{Clock::now(), std::move(read), std::move(messages)});
  std::lock_guard lock(mutex_);
  readings_.push_back(std::move(reading));
  while (readings_.size() > settings_.history_seconds) readings_.pop_front();
}

std::shared_ptr<const OperatorStats::Reading> OperatorStats::latest() const {
  std::lock_guard lock(mutex_);
  if (readings_.empty()) return std::make_shared<Reading>(Reading{Clock::now(), {}, {}});
  return readings_.back();
}

std::shared_ptr<const OperatorStats::Reading> OperatorStats::reading_before(std::chrono::seconds age) const {
  std::lock_guard lock(mutex_);
  if (readings_.empty()) return std::make_shared<Reading>(Reading{Clock::now(), {}, {}});
  const auto wanted = readings_.back()->at - age;
  for (const auto& reading : readings_)
    if (reading->at >= wanted) return reading;
  return readings_.front();
}

std::string OperatorStats::exchanges_json() const {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  const auto now = latest();
  w.StartObject();
  member(w, "generated", store::format_utc(now->at));
  w.Key("exchanges");
  const auto before = reading_before(std::chrono::duration_cast<std::chrono::seconds>(kRateWindow));
  write_exchanges(w, settings_.exchanges, now->at, now->metrics, before->metrics, seconds_between(before->at, now->at));
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::string OperatorStats::stats_json() const {
  const auto now = latest();
  const auto recent = reading_before(std::chrono::duration_cast<std::chrono::seconds>(kRateWindow));
  const auto minute = reading_before(std::chrono::duration_cast<std::chrono::seconds>(kLatencyWindow));
  const auto& m = now->metrics;
  const double recent_seconds = seconds_between(recent->at, now->at);

  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  member(w, "version", settings_.version);
  member(w, "generated", store::format_utc(now->at));
  member(w, "uptime_seconds", std::floor(seconds_between(started_, now->at)));

  w.Key("totals");
  w.StartObject();
  member(w, "messages_in", m.sum("hie_ingest_messages_total"));
  member(w, "bytes_in", m.sum("hie_ingest_bytes_total"));
  member(w, "errors", errors(m));
  member(w, "queries", m.sum("hie_query_duration_seconds"));
  member(w, "http_requests", m.sum("hie_http_requests_total"));
  member(w, "http_server_errors", server_errors(m));
  w.EndObject();

  w.Key("per_second");
  w.StartObject();
  member(w, "window_seconds", std::round(recent_seconds));
  member(w, "messages_in", rate(m.sum("hie_ingest_messages_total"), recent->metrics.sum("hie_ingest_messages_total"), recent_seconds));
  member(w, "errors", rate(errors(m), errors(recent->metrics), recent_seconds));
  member(w, "queries", rate(m.sum("hie_query_duration_seconds"), recent->metrics.sum("hie_query_duration_seconds"), recent_seconds));
  member(w, "http_server_errors", rate(server_errors(m), server_errors(recent->metrics), recent_seconds));
  w.EndObject();

  // Percentiles of the queries answered in the last minute, from the histogram's bucket counts.
  const auto window = metrics::bucket_difference(m.buckets("hie_query_duration_seconds"),
                                                 minute->metrics.buckets("hie_query_duration_seconds"));
  w.Key("query_latency_ms");
  w.StartObject();
  member(w, "window_seconds", std::round(seconds_between(minute->at, now->at)));
  member(w, "count", window.empty() ? 0.0 : static_cast<double>(window.back().second));
  for (auto [key, q] : {std::pair{"p50", 0.5}, std::pair{"p90", 0.9}, std::pair{"p99", 0.99}}) {
    const double seconds = metrics::quantile(q, window);
    optional_member(w, key, seconds < 0 ? -1 : seconds * 1000);
  }
  w.EndObject();

  w.Key("events");
  w.StartObject();
  member(w, "backlog", m.sum("hie_event_backlog"));
  member(w, "dead_letters", m.sum("hie_event_dead_letters"));
  w.EndObject();

  // Messages per second per exchange, one point a second, oldest first: the dashboard's chart.
  std::vector<std::shared_ptr<const Reading>> history;
  {
    std::lock_guard lock(mutex_);
    history.assign(readings_.begin(), readings_.end());
  }
  w.Key("throughput");
  w.StartObject();
  w.Key("times");
  w.StartArray();
  for (std::size_t i = 1; i < history.size(); ++i)
    w.Int64(std::chrono::duration_cast<std::chrono::milliseconds>(history[i]->at.time_since_epoch()).count());
  w.EndArray();
  w.Key("messages_per_second");
  w.StartObject();
  for (const auto& exchange : settings_.exchanges) {
    w.Key(exchange.id.c_str());
    w.StartArray();
    for (std::size_t i = 1; i < history.size(); ++i) {
      const double r = rate(sum_of(history[i]->messages_by_exchange, {exchange.id}),
                            sum_of(history[i - 1]->messages_by_exchange, {exchange.id}),
                            seconds_between(history[i - 1]->at, history[i]->at));
      w.Double(std::round(r * 100) / 100);
    }
    w.EndArray();
  }
  w.EndObject();
  w.EndObject();

  w.Key("exchanges");
  write_exchanges(w, settings_.exchanges, now->at, m, recent->metrics, recent_seconds);
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace hie::api
