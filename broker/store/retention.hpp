#pragma once
// Retention: a thread that, every so often, prunes each exchange's journal rows and stored
// resources older than its retention_days, and delivered events older than
// events.delivered_retention_hours, one small batch per store transaction, so ingest never waits
// behind one giant delete.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "broker/store/store.hpp"

namespace prometheus {
class Counter;
class Registry;
}  // namespace prometheus

namespace hie::store {

struct RetentionRule {
  std::string exchange;
  std::chrono::hours keep;
};

/// What is pruned, and after how long.
struct RetentionPolicy {
  std::vector<RetentionRule> exchanges{};
  /// How long a delivered delivery is kept once settled, and an event nothing refers to any
  /// more once it occurred; 0 keeps them forever. Pending and dead deliveries are never pruned.
  std::chrono::hours delivered_events{0};
};

struct RetentionOptions {
  std::chrono::seconds every = std::chrono::minutes(5);
  std::size_t batch = 500;                  ///< rows per table per transaction at most
  prometheus::Registry* metrics = nullptr;  ///< hie_store_pruned_total{what}; none when null
};

class Retention {
 public:
  Retention(Store& store, RetentionPolicy policy, RetentionOptions options = {});
  ~Retention();

  /// Starts the thread, unless the policy prunes nothing.
  void start();
  /// One pass on the caller's thread: prunes every rule, then delivered events, until nothing
  /// older is left; returns the rows deleted.
  Result<std::size_t> run_once(
      std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

 private:
  struct Counters {
    prometheus::Counter* journal = nullptr;
    prometheus::Counter* stored_resources = nullptr;
    prometheus::Counter* deliveries = nullptr;
    prometheus::Counter* events = nullptr;
  };

  Result<std::size_t> prune_exchange(const RetentionRule& rule,
                                     std::chrono::system_clock::time_point now);
  Result<std::size_t> prune_events(std::chrono::system_clock::time_point now);
  bool stopping();

  Store& store_;
  RetentionPolicy policy_;
  RetentionOptions options_;
  Counters counters_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace hie::store
