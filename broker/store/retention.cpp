#include "broker/store/retention.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

#include <future>

namespace hie::store {
namespace {

/// Runs one asynchronous store step and waits for its answer (retention has its own thread).
template <class T, class Call>
Result<T> wait_for(Call&& call) {
  std::promise<Result<T>> answer;
  auto future = answer.get_future();
  call([&answer](Result<T> r) { answer.set_value(std::move(r)); });
  return future.get();
}

void add(prometheus::Counter* counter, std::size_t n) {
  if (counter && n > 0) counter->Increment(static_cast<double>(n));
}

}  // namespace

Retention::Retention(Store& store, RetentionPolicy policy, RetentionOptions options)
    : store_(store), policy_(std::move(policy)), options_(options) {
  if (options_.metrics) {
    auto& family = prometheus::BuildCounter()
                       .Name("hie_store_pruned_total")
                       .Help(
                           "Rows deleted by retention, by what they held (journal, "
                           "stored_resources, deliveries, "
                           "events)")
                       .Register(*options_.metrics);
    counters_ = {&family.Add({{"what", "journal"}}), &family.Add({{"what", "stored_resources"}}),
                 &family.Add({{"what", "deliveries"}}), &family.Add({{"what", "events"}})};
  }
}

Retention::~Retention() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Retention::start() {
  if (policy_.exchanges.empty() && policy_.delivered_events.count() <= 0) return;
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, options_.every, [this] { return stopping_; })) {
      lock.unlock();
      (void)run_once();  // a failing store is tried again at the next pass
      lock.lock();
    }
  });
}

bool Retention::stopping() {
  std::lock_guard lock(mutex_);
  return stopping_;
}

Result<std::size_t> Retention::run_once(std::chrono::system_clock::time_point now) {
  std::size_t total = 0;
  for (const auto& rule : policy_.exchanges) {
    auto deleted = prune_exchange(rule, now);
    if (!deleted) return deleted.error();
    total += *deleted;
  }
  if (policy_.delivered_events.count() > 0) {
    auto deleted = prune_events(now);
    if (!deleted) return deleted.error();
    total += *deleted;
  }
  return total;
}

Result<std::size_t> Retention::prune_exchange(const RetentionRule& rule,
                                              std::chrono::system_clock::time_point now) {
  std::size_t total = 0;
  while (!stopping()) {
    auto step = wait_for<PrunedRows>([&](Store::PruneDone done) {
      store_.prune({rule.exchange, now - rule.keep, options_.batch}, std::move(done));
    });
    if (!step) return step.error();
    add(counters_.journal, step->journal);
    add(counters_.stored_resources, step->stored_resources);
    total += step->journal + step->stored_resources;
    if (step->journal + step->stored_resources == 0) break;
  }
  return total;
}

Result<std::size_t> Retention::prune_events(std::chrono::system_clock::time_point now) {
  std::size_t total = 0;
  EventPruneCursor cursor;
  while (!stopping()) {
    auto step = wait_for<EventPruneStep>([&](Store::EventPruneDone done) {
      store_.prune_events({now - policy_.delivered_events, options_.batch, cursor},
                          std::move(done));
    });
    if (!step) return step.error();
    add(counters_.deliveries, step->deliveries);
    add(counters_.events, step->events);
    total += step->deliveries + step->events;
    if (step->deliveries == 0 && step->looked_at == 0) break;
    cursor = step->next;
  }
  return total;
}

}  // namespace hie::store
