#include "broker/routing/query_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <set>

#include "broker/routing/query_engine.hpp"

namespace hie::routing {
namespace {

double seconds(QueryMetrics::Duration d) { return std::chrono::duration<double>(d).count(); }

// Exchange deadlines default to 5 s and may be set longer: buckets reach past them.
const prometheus::Histogram::BucketBoundaries& buckets() {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
  return kBuckets;
}

// Every ExchangeResult::Kind, for the series made up front (skipped_by_consent is the last).
std::vector<std::string_view> exchange_outcomes() {
  std::vector<std::string_view> words;
  for (int k = 0; k <= static_cast<int>(ExchangeResult::Kind::skipped_by_consent); ++k)
    words.push_back(to_string(static_cast<ExchangeResult::Kind>(k)));
  return words;
}

}  // namespace

struct QueryMetrics::Impl {
  prometheus::Family<prometheus::Histogram>* duration = nullptr;
  prometheus::Family<prometheus::Histogram>* exchange_seconds = nullptr;
  prometheus::Family<prometheus::Counter>* exchange_outcomes = nullptr;
  prometheus::Counter* refused = nullptr;
  prometheus::Gauge* in_flight = nullptr;
  std::set<std::string, std::less<>>
      known;  // configured exchange ids; read-only after construction
};

QueryMetrics::QueryMetrics(prometheus::Registry& registry,
                           const std::vector<std::string>& exchanges)
    : impl_(std::make_unique<Impl>()) {
  impl_->duration =
      &prometheus::BuildHistogram()
           .Name("hie_query_duration_seconds")
           .Help(
               "Shared-care-record queries, from acceptance to the last exchange settled, by "
               "outcome (complete, timed_out, error)")
           .Register(registry);
  impl_->exchange_seconds =
      &prometheus::BuildHistogram()
           .Name("hie_query_exchange_seconds")
           .Help(
               "From a query's fan-out to one exchange's part being settled, by exchange "
               "and outcome")
           .Register(registry);
  impl_->exchange_outcomes =
      &prometheus::BuildCounter()
           .Name("hie_query_exchange_outcomes_total")
           .Help(
               "Exchanges' parts of queries, by exchange and outcome (answered, stored, "
               "not_found, failed, timed_out, not_connected, skipped_by_consent)")
           .Register(registry);
  impl_->refused =
      &prometheus::BuildCounter()
           .Name("hie_query_refused_total")
           .Help("Queries refused because query_engine max_in_flight queries were running")
           .Register(registry)
           .Add({});
  impl_->in_flight = &prometheus::BuildGauge()
                          .Name("hie_query_in_flight")
                          .Help("Shared-care-record queries running now")
                          .Register(registry)
                          .Add({});
  impl_->known.insert(exchanges.begin(), exchanges.end());
  for (const auto& id : exchanges)
    for (std::string_view outcome : exchange_outcomes())
      impl_->exchange_outcomes->Add({{"exchange", id}, {"outcome", std::string(outcome)}});
}

QueryMetrics::~QueryMetrics() = default;

void QueryMetrics::refused() { impl_->refused->Increment(); }

void QueryMetrics::started() { impl_->in_flight->Increment(); }

void QueryMetrics::finished(std::string_view outcome, Duration took) {
  impl_->in_flight->Decrement();
  impl_->duration->Add({{"outcome", std::string(outcome)}}, buckets()).Observe(seconds(took));
}

void QueryMetrics::exchange(const std::string& exchange, std::string_view outcome, Duration took) {
  // The locator may still name an exchange that is no longer configured: one series for all such.
  const std::string id = impl_->known.contains(exchange) ? exchange : "unknown";
  const std::string word(outcome);
  impl_->exchange_outcomes->Add({{"exchange", id}, {"outcome", word}}).Increment();
  impl_->exchange_seconds->Add({{"exchange", id}, {"outcome", word}}, buckets())
      .Observe(seconds(took));
}

}  // namespace hie::routing
