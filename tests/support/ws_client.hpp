#pragma once
// A blocking WebSocket-over-TLS client for tests over loopback (Beast): upgrades at a path with
// a client certificate or none, then sends and receives whole messages with deadlines.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "tls_client.hpp"

namespace hie::testing {

class WsClient {
 public:
  /// Connects to 127.0.0.1:port over TLS and asks to upgrade `target`. Never throws: see
  /// upgraded(), http_status() and error().
  WsClient(std::uint16_t port, const TlsClientOptions& options, const std::string& target = "/peer");
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  bool upgraded() const;
  /// The HTTP status of the upgrade response (101 when upgraded; 0 when none came).
  int http_status() const;
  /// The upgrade response's body when refused.
  const std::string& http_body() const;
  const std::string& error() const;

  bool send_text(const std::string& text);
  bool send_binary(const std::string& bytes);
  /// The next message, or nothing when the connection closed or `timeout` passed first (a
  /// timeout closes the connection: reads cannot be resumed).
  std::optional<std::string> read(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  /// The close code the server sent, once a read saw the connection close (0 before / none).
  int close_code() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hie::testing
