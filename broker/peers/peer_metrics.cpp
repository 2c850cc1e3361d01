#include "broker/peers/peer_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "broker/peers/exchange_last_seen.hpp"

namespace hie::peers {

struct PeerMetrics::Impl {
  prometheus::Family<prometheus::Gauge>* connections = nullptr;
  prometheus::Family<prometheus::Counter>* messages = nullptr;
  prometheus::Family<prometheus::Counter>* queries = nullptr;
  prometheus::Family<prometheus::Gauge>* last_seen = nullptr;
};

PeerMetrics::PeerMetrics(prometheus::Registry& registry) : impl_(std::make_unique<Impl>()) {
  impl_->connections = &prometheus::BuildGauge()
                            .Name("hie_peer_connections")
                            .Help("WebSocket peer connections open, by exchange")
                            .Register(registry);
  impl_->messages = &prometheus::BuildCounter()
                         .Name("hie_peer_messages_total")
                         .Help("Peer protocol messages received, by exchange, type and outcome (ok or the nack reason)")
                         .Register(registry);
  impl_->queries = &prometheus::BuildCounter()
                        .Name("hie_peer_queries_total")
                        .Help("Queries the broker sent to peers, by exchange and outcome")
                        .Register(registry);
  impl_->last_seen = &exchange_last_seen_family(registry);
}

PeerMetrics::~PeerMetrics() = default;

void PeerMetrics::connected(const std::string& exchange) {
  impl_->connections->Add({{"exchange", exchange}}).Increment();
}
void PeerMetrics::disconnected(const std::string& exchange) {
  impl_->connections->Add({{"exchange", exchange}}).Decrement();
}
void PeerMetrics::message(const std::string& exchange, const std::string& type, const std::string& outcome) {
  impl_->messages->Add({{"exchange", exchange}, {"type", type}, {"outcome", outcome}}).Increment();
}
void PeerMetrics::seen(const std::string& exchange) { mark_exchange_seen(*impl_->last_seen, exchange); }
void PeerMetrics::query(const std::string& exchange, const std::string& outcome) {
  impl_->queries->Add({{"exchange", exchange}, {"outcome", outcome}}).Increment();
}

}  // namespace hie::peers
