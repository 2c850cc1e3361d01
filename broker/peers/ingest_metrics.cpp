#include "broker/peers/ingest_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "broker/peers/exchange_last_seen.hpp"

namespace hie::peers {

struct IngestMetrics::Impl {
  prometheus::Family<prometheus::Counter>* messages = nullptr;
  prometheus::Family<prometheus::Counter>* bytes = nullptr;
  prometheus::Family<prometheus::Histogram>* ack_seconds = nullptr;
  prometheus::Family<prometheus::Gauge>* last_seen = nullptr;
};

IngestMetrics::IngestMetrics(prometheus::Registry& registry) : impl_(std::make_unique<Impl>()) {
  impl_->messages = &prometheus::BuildCounter()
                         .Name("hie_ingest_messages_total")
                         .Help("Inbound messages by exchange, format and outcome (accepted, duplicate, rejected, "
                               "store_error)")
                         .Register(registry);
  impl_->bytes = &prometheus::BuildCounter()
                      .Name("hie_ingest_bytes_total")
                      .Help("Bytes of inbound message payloads by exchange and format")
                      .Register(registry);
  impl_->ack_seconds = &prometheus::BuildHistogram()
                            .Name("hie_ingest_ack_seconds")
                            .Help("From a complete inbound message to its acknowledgement (durable write "
                                  "included), by format")
                            .Register(registry);
  impl_->last_seen = &exchange_last_seen_family(registry);
}

IngestMetrics::~IngestMetrics() = default;

void IngestMetrics::message(const std::string& exchange, const std::string& format, const std::string& outcome,
                            std::size_t bytes, std::chrono::steady_clock::duration ack_latency) {
  // prometheus-cpp's Add returns the existing series for known labels, under its own lock.
  impl_->messages->Add({{"exchange", exchange}, {"format", format}, {"outcome", outcome}}).Increment();
  mark_exchange_seen(*impl_->last_seen, exchange);
  impl_->bytes->Add({{"exchange", exchange}, {"format", format}}).Increment(static_cast<double>(bytes));
  static const prometheus::Histogram::BucketBoundaries kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                                    0.05,   0.1,   0.25,   0.5,   1,    2.5};
  impl_->ack_seconds->Add({{"format", format}}, kBuckets)
      .Observe(std::chrono::duration<double>(ack_latency).count());
}

}  // namespace hie::peers
