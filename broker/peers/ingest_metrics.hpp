#pragma once
// Ingest metrics, labelled by exchange id (configured ids only, or "unknown") and format:
// never by anything a sender chooses freely, never by patient data.

#include <chrono>
#include <memory>
#include <string>

namespace prometheus {
class Registry;
}

namespace hie::peers {

class IngestMetrics {
 public:
  explicit IngestMetrics(prometheus::Registry& registry);
  ~IngestMetrics();

  /// outcome: accepted, duplicate, rejected, store_error.
  void message(const std::string& exchange, const std::string& format, const std::string& outcome,
               std::size_t bytes, std::chrono::steady_clock::duration ack_latency);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hie::peers
