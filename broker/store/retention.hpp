#pragma once
// Retention: a thread that, every so often, prunes each exchange's journal rows and stored
// resources older than its retention_days, one small batch per store transaction, so ingest
// never waits behind one giant delete.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "broker/store/store.hpp"

namespace hie::store {

struct RetentionRule {
  std::string exchange;
  std::chrono::hours keep;
};

class Retention {
 public:
  Retention(Store& store, std::vector<RetentionRule> rules, std::chrono::seconds every = std::chrono::minutes(5),
            std::size_t batch = 500);
  ~Retention();

  void start();
  /// One pass on the caller's thread: prunes every rule until nothing older is left; returns the
  /// rows deleted.
  Result<std::size_t> run_once(std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

 private:
  Store& store_;
  std::vector<RetentionRule> rules_;
  std::chrono::seconds every_;
  std::size_t batch_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace hie::store
