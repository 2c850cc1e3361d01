#pragma once
// Bearer token metrics: verifications by outcome ("accepted" or a refusal word), cache hits
// and misses, and scope words ignored. Labelled by fixed words only, never by token content.

#include <memory>
#include <string_view>

namespace prometheus {
class Registry;
}

namespace hie::security {

class TokenMetrics {
 public:
  explicit TokenMetrics(prometheus::Registry& registry);
  ~TokenMetrics();

  /// outcome: "accepted" or a refusal word (token_error.hpp).
  void verification(std::string_view outcome);
  void cache_lookup(bool hit);
  void scope_words_ignored(std::size_t count);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hie::security
