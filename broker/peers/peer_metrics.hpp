#pragma once
// Metrics of WebSocket peers, labelled by configured exchange id and by the protocol's fixed
// words (message types, nack reasons, query outcomes): nothing a peer chooses freely.

#include <memory>
#include <string>

namespace prometheus {
class Registry;
}

namespace hie::peers {

class PeerMetrics {
 public:
  explicit PeerMetrics(prometheus::Registry& registry);
  ~PeerMetrics();

  void connected(const std::string& exchange);
  void disconnected(const std::string& exchange);
  /// One message from a peer: its type ("unreadable" when it could not be read) and the outcome
  /// ("ok", or the nack reason).
  void message(const std::string& exchange, const std::string& type, const std::string& outcome);
  /// The peer sent something (any message, readable or not): hie_exchange_last_seen_timestamp_seconds.
  void seen(const std::string& exchange);
  /// One broker-to-peer query: answered, error, timed_out, not_connected, disconnected.
  void query(const std::string& exchange, const std::string& outcome);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hie::peers
