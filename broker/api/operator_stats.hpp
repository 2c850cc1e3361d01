#pragma once
// What an operator watches, as one JSON document (/admin/stats, the dashboard's source): every
// configured exchange with its state and counters, throughput over the last two minutes, error
// counts, query latency percentiles over the last minute, event backlog and dead letters. It is
// read from the metrics registry once a second, so it always agrees with /metrics. No patient data.

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "broker/config/config.hpp"
#include "broker/metrics/metric_reading.hpp"


namespace prometheus {
class Registry;
}

namespace hie::api {

struct OperatorStatsSettings {
  std::shared_ptr<prometheus::Registry> registry;
  std::vector<config::Exchange> exchanges;
  std::string version;
  std::size_t history_seconds = 120;  ///< readings kept (one a second): the chart's width
};

class OperatorStats : public std::enable_shared_from_this<OperatorStats> {
 public:
  explicit OperatorStats(OperatorStatsSettings settings);

  /// Takes a reading now and then once a second on `executor` until the executor stops.
  void start(boost::asio::any_io_executor executor);
  /// Takes one reading (tests call it directly).
  void sample();

  /// /admin/stats: the whole picture.
  std::string stats_json() const;
  /// /admin/exchanges: each exchange's state, last seen and counters.
  std::string exchanges_json() const;

 private:
  struct Reading {
    std::chrono::system_clock::time_point at;
    metrics::MetricReading metrics;
    std::map<std::string, double> messages_by_exchange;  ///< hie_ingest_messages_total per exchange
  };

  std::shared_ptr<const Reading> latest() const;
  /// The reading closest to `age` before the latest (the oldest one when history is shorter).
  std::shared_ptr<const Reading> reading_before(std::chrono::seconds age) const;

  OperatorStatsSettings settings_;
  std::chrono::system_clock::time_point started_;
  mutable std::mutex mutex_;
  std::deque<std::shared_ptr<const Reading>> readings_;  // oldest first
  std::shared_ptr<std::function<void()>> tick_;          // the once-a-second reading, while started
};

}  // namespace hie::api
