#pragma once
// Standard process_* metrics (CPU, memory, open files), read from /proc at scrape time.

#include <memory>

namespace prometheus {
class Registry;
}

namespace hie::metrics {

class ProcessMetrics {
 public:
  explicit ProcessMetrics(prometheus::Registry& registry);
  ~ProcessMetrics();
  /// Refreshes the gauges; call just before serialising.
  void update();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hie::metrics
