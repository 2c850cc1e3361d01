#pragma once
// A blocking TLS client for tests over loopback: presents a client certificate or none, can
// cap the protocol version to play an old client, then sends bytes and reads up to a terminator.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace hie::testing {

struct TlsClientOptions {
  std::string ca_cert;    ///< verify the server against this CA; empty: do not verify it
  std::string cert, key;  ///< the client certificate to present; empty: none
  int max_version = 0;    ///< e.g. TLS1_1_VERSION to play an old client; 0: OpenSSL's default
};

class TlsConnection {
 public:
  /// Connects to 127.0.0.1:port and runs the client side of the handshake within `timeout`;
  /// throws std::runtime_error only when the TCP connection cannot be made.
  TlsConnection(std::uint16_t port, const TlsClientOptions& options,
                std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~TlsConnection();
  TlsConnection(const TlsConnection&) = delete;
  TlsConnection& operator=(const TlsConnection&) = delete;

  /// True when the client side of the handshake completed. In TLS 1.3 the server checks a client
  /// certificate after that point, so its refusal shows as a closed connection on the next read.
  bool handshake_ok() const;
  /// OpenSSL's reason when the handshake failed.
  const std::string& handshake_error() const;
  bool send(const std::string& bytes);
  /// Bytes up to and including the first `terminator`, or nothing when the server closed the
  /// connection or `timeout` passed first.
  std::optional<std::string> read_until(const std::string& terminator,
                                        std::chrono::milliseconds timeout = std::chrono::seconds(10));
  /// Everything until the server closes the connection (or `timeout` passes).
  std::string read_to_end(std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct TlsResponse {
  int status = 0;  ///< 0 when the handshake or the request failed
  std::string body;
};

/// `GET target` over TLS with Connection: close.
TlsResponse tls_get(std::uint16_t port, const TlsClientOptions& options, const std::string& target = "/");

}  // namespace hie::testing
