#include "broker/store/store_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <string>

namespace hie::store {

struct StoreMetrics::Impl {
  prometheus::Histogram* commit_seconds = nullptr;
  prometheus::Histogram* batch_size = nullptr;
  prometheus::Gauge* queue_depth = nullptr;
  prometheus::Family<prometheus::Counter>* failures = nullptr;
};

StoreMetrics::StoreMetrics(prometheus::Registry& registry) : impl_(std::make_unique<Impl>()) {
  // An fsync on a healthy disk is well under 10 ms; seconds mean a failing or saturated disk.
  impl_->commit_seconds = &prometheus::BuildHistogram()
                               .Name("hie_store_commit_seconds")
                               .Help("Store transactions, BEGIN to COMMIT (the fsync included)")
                               .Register(registry)
                               .Add({}, prometheus::Histogram::BucketBoundaries{
                                            0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                            0.25, 0.5, 1, 2.5, 5});
  // Group commit takes at most 512 writes (SqliteOptions::max_batch).
  impl_->batch_size =
      &prometheus::BuildHistogram()
           .Name("hie_store_commit_batch_size")
           .Help("Queued writes (appends, translation rounds, settlements...) per store commit")
           .Register(registry)
           .Add({}, prometheus::Histogram::BucketBoundaries{1, 2, 4, 8, 16, 32, 64, 128, 256, 512});
  impl_->queue_depth = &prometheus::BuildGauge()
                            .Name("hie_store_queue_depth")
                            .Help("Writes waiting for the store thread's next commit")
                            .Register(registry)
                            .Add({});
  impl_->failures =
      &prometheus::BuildCounter()
           .Name("hie_store_write_failures_total")
           .Help("Writes answered with an error, by reason (commit_failed, busy, stopping)")
           .Register(registry);
  for (const char* reason : {"commit_failed", "busy", "stopping"})
    impl_->failures->Add({{"reason", reason}});
}

StoreMetrics::~StoreMetrics() = default;

void StoreMetrics::committed(std::size_t writes, std::chrono::steady_clock::duration took) {
  impl_->commit_seconds->Observe(std::chrono::duration<double>(took).count());
  impl_->batch_size->Observe(static_cast<double>(writes));
}

void StoreMetrics::failed(std::string_view reason, std::size_t writes) {
  impl_->failures->Add({{"reason", std::string(reason)}}).Increment(static_cast<double>(writes));
}

void StoreMetrics::queue_depth(std::size_t waiting) {
  impl_->queue_depth->Set(static_cast<double>(waiting));
}

}  // namespace hie::store
