#include "broker/net/http_listener_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <map>
#include <mutex>

namespace hie::net {

struct HttpListenerMetrics::Impl {
  prometheus::Gauge* open = nullptr;
  prometheus::Counter* accepted = nullptr;
  prometheus::Family<prometheus::Counter>* rejected_family = nullptr;
  std::string listener;
  std::mutex mutex;
  std::map<std::string, prometheus::Counter*> rejected;
};

HttpListenerMetrics::HttpListenerMetrics(prometheus::Registry& registry, const std::string& listener)
    : impl_(std::make_unique<Impl>()) {
  impl_->listener = listener;
  impl_->open = &prometheus::BuildGauge()
                     .Name("hie_http_connections_open")
                     .Help("HTTP connections currently open, per listener")
                     .Register(registry)
                     .Add({{"listener", listener}});
  impl_->accepted = &prometheus::BuildCounter()
                         .Name("hie_http_connections_accepted_total")
                         .Help("HTTP connections accepted, per listener")
                         .Register(registry)
                         .Add({{"listener", listener}});
  impl_->rejected_family = &prometheus::BuildCounter()
                                .Name("hie_http_rejected_total")
                                .Help("HTTP requests or connections refused before a handler saw them, by reason")
                                .Register(registry);
}

HttpListenerMetrics::~HttpListenerMetrics() = default;

void HttpListenerMetrics::connection_opened() {
  impl_->open->Increment();
  impl_->accepted->Increment();
}

void HttpListenerMetrics::connection_closed() { impl_->open->Decrement(); }

void HttpListenerMetrics::rejected(const std::string& reason) {
  std::lock_guard lock(impl_->mutex);
  auto& counter = impl_->rejected[reason];
  if (!counter) counter = &impl_->rejected_family->Add({{"listener", impl_->listener}, {"reason", reason}});
  counter->Increment();
}

}  // namespace hie::net
