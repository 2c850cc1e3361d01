#pragma once
// Query metrics: whole fan-outs and each exchange's part of them, labelled by configured
// exchange ids and fixed outcome words, never by anything about the patient asked for.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace prometheus {
class Registry;
}

namespace hie::routing {

class QueryMetrics {
 public:
  using Duration = std::chrono::steady_clock::duration;

  /// Registers the families; every outcome series of every exchange in `exchanges` exists from
  /// the start, so a rate over an outcome that never happened is 0 rather than absent.
  QueryMetrics(prometheus::Registry& registry, const std::vector<std::string>& exchanges);
  ~QueryMetrics();

  /// A query refused because max_in_flight queries were running.
  void refused();
  /// A query accepted (it is in flight until finished()).
  void started();
  /// outcome: complete (every exchange settled by itself), timed_out (the engine's own deadline
  /// settled the rest), error (the record locator or the consent could not be read).
  void finished(std::string_view outcome, Duration took);
  /// One exchange's part of a query; outcome is an ExchangeResult::Kind word.
  void exchange(const std::string& exchange, std::string_view outcome, Duration took);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hie::routing
