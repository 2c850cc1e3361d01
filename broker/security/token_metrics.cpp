#include "broker/security/token_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

#include <map>

#include "broker/security/token_error.hpp"

namespace hie::security {

struct TokenMetrics::Impl {
  std::map<std::string, prometheus::Counter*, std::less<>> outcomes;
  prometheus::Counter* hits = nullptr;
  prometheus::Counter* misses = nullptr;
  prometheus::Counter* ignored = nullptr;
};

TokenMetrics::TokenMetrics(prometheus::Registry& registry) : impl_(std::make_unique<Impl>()) {
  auto& verifications = prometheus::BuildCounter()
                            .Name("hie_jwt_verifications_total")
                            .Help("Bearer tokens checked, by outcome: accepted or the refusal")
                            .Register(registry);
  // Every series exists from the start, so a rate over a refusal that never happened is 0.
  impl_->outcomes.emplace("accepted", &verifications.Add({{"outcome", "accepted"}}));
  for (Refusal refusal : all_refusals())
    impl_->outcomes.emplace(std::string(word(refusal)),
                            &verifications.Add({{"outcome", std::string(word(refusal))}}));
  auto& cache = prometheus::BuildCounter()
                    .Name("hie_jwt_cache_lookups_total")
                    .Help("Verified-token cache lookups, by result")
                    .Register(registry);
  impl_->hits = &cache.Add({{"result", "hit"}});
  impl_->misses = &cache.Add({{"result", "miss"}});
  impl_->ignored =
      &prometheus::BuildCounter()
           .Name("hie_jwt_scope_words_ignored_total")
           .Help("Scope words in verified tokens that grant nothing here (not understood)")
           .Register(registry)
           .Add({});
}

TokenMetrics::~TokenMetrics() = default;

void TokenMetrics::verification(std::string_view outcome) {
  if (auto it = impl_->outcomes.find(outcome); it != impl_->outcomes.end()) it->second->Increment();
}

void TokenMetrics::cache_lookup(bool hit) { (hit ? impl_->hits : impl_->misses)->Increment(); }

void TokenMetrics::scope_words_ignored(std::size_t count) {
  if (count > 0) impl_->ignored->Increment(static_cast<double>(count));
}

}  // namespace hie::security
