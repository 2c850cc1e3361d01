#pragma once
// Connection-level metrics of one listener: hie_<protocol>_connections_open and friends,
// labelled by listener name (never by client or patient).

#include <memory>
#include <string>

namespace prometheus {
class Registry;
}

namespace hie::net {

class ListenerMetrics {
 public:
  /// `protocol` names the metrics: "http" gives hie_http_connections_open.
  ListenerMetrics(prometheus::Registry& registry, const std::string& protocol, const std::string& listener);
  ~ListenerMetrics();

  void connection_opened();
  void connection_closed();
  /// A request refused before reaching a handler: reason is a fixed word such as
  /// "header_too_large", "body_too_large", "malformed", "tls_handshake", "over_capacity", "timeout".
  void rejected(const std::string& reason);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hie::net
