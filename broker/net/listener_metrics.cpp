#include "broker/net/listener_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <cctype>
#include <map>
#include <mutex>

namespace hie::net {

struct ListenerMetrics::Impl {
  prometheus::Gauge* open = nullptr;
  prometheus::Counter* accepted = nullptr;
  prometheus::Family<prometheus::Counter>* rejected_family = nullptr;
  std::string listener;
  std::mutex mutex;
  std::map<std::string, prometheus::Counter*> rejected;
};

ListenerMetrics::ListenerMetrics(prometheus::Registry& registry, const std::string& protocol,
                                 const std::string& listener)
    : impl_(std::make_unique<Impl>()) {
  impl_->listener = listener;
  const std::string prefix = "hie_" + protocol;
  std::string upper = protocol;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  impl_->open = &prometheus::BuildGauge()
                     .Name(prefix + "_connections_open")
                     .Help(upper + " connections currently open, per listener")
                     .Register(registry)
                     .Add({{"listener", listener}});
  impl_->accepted = &prometheus::BuildCounter()
                         .Name(prefix + "_connections_accepted_total")
                         .Help(upper + " connections accepted, per listener")
                         .Register(registry)
                         .Add({{"listener", listener}});
  impl_->rejected_family =
      &prometheus::BuildCounter()
           .Name(prefix + "_rejected_total")
           .Help(upper + " requests, frames or connections refused before a handler saw them, by reason")
           .Register(registry);
}

ListenerMetrics::~ListenerMetrics() = default;

void ListenerMetrics::connection_opened() {
  impl_->open->Increment();
  impl_->accepted->Increment();
}

void ListenerMetrics::connection_closed() { impl_->open->Decrement(); }

void ListenerMetrics::rejected(const std::string& reason) {
  std::lock_guard lock(impl_->mutex);
  auto& counter = impl_->rejected[reason];
  if (!counter) counter = &impl_->rejected_family->Add({{"listener", impl_->listener}, {"reason", reason}});
  counter->Increment();
}

}  // namespace hie::net
