#include "broker/store/retention.hpp"

#include <future>

namespace hie::store {

Retention::Retention(Store& store, std::vector<RetentionRule> rules, std::chrono::seconds every, std::size_t batch)
    : store_(store), rules_(std::move(rules)), every_(every), batch_(batch) {}

Retention::~Retention() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Retention::start() {
  if (rules_.empty()) return;
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, every_, [this] { return stopping_; })) {
      lock.unlock();
      (void)run_once();  // a failing store is tried again at the next pass
      lock.lock();
    }
  });
}

Result<std::size_t> Retention::run_once(std::chrono::system_clock::time_point now) {
  std::size_t total = 0;
  for (const auto& rule : rules_) {
    while (true) {
      std::promise<Result<std::size_t>> answer;
      auto deleted = answer.get_future();
      store_.prune({rule.exchange, now - rule.keep, batch_},
                   [&answer](Result<std::size_t> r) { answer.set_value(std::move(r)); });
      auto n = deleted.get();
      if (!n) return n.error();
      total += *n;
      if (*n == 0) break;
      std::lock_guard lock(mutex_);
      if (stopping_) return total;
    }
  }
  return total;
}

}  // namespace hie::store
