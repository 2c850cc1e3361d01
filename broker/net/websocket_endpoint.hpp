#pragma once
// What a WebSocket endpoint (today /peer) sees of its connections: messages in, messages out
// through a bounded outbox. The session owns the socket; the endpoint owns the meaning.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "broker/net/tls_identity.hpp"

namespace hie::net {

/// Who is on the other end of a WebSocket connection.
struct WebSocketPeer {
  std::string connection_id;
  std::string listener;
  std::string remote_address;                  ///< "127.0.0.1:50122"
  std::optional<PeerCertificate> certificate;  ///< the verified client certificate (TLS only)
  boost::asio::any_io_executor strand;         ///< the connection's strand: on_message runs here
};

/// The sending side of one connection. Thread-safe: replies, queries and events may be sent from
/// any thread. One write is in flight at a time; the rest wait in a bounded queue.
class WebSocketOutbox {
 public:
  virtual ~WebSocketOutbox() = default;
  /// Queues one text message. False when the connection is closing or gone, or when the queue
  /// is full: a peer that does not read its replies is then dropped, not buffered for.
  virtual bool send(std::string text) = 0;
  /// Closes with a WebSocket close code (RFC 6455 §7.4) once the queued messages are written.
  virtual void close(std::uint16_t code, std::string reason) = 0;
};

/// One open connection's protocol state.
class WebSocketConnection {
 public:
  virtual ~WebSocketConnection() = default;
  /// One message. Several may run at once (each on the connection's strand), up to a bound;
  /// beyond it the session stops reading, which slows the peer down.
  virtual boost::asio::awaitable<void> on_message(std::string text, bool binary) = 0;
  /// The connection has ended; no on_message runs any more.
  virtual void on_closed() = 0;
};

/// An HTTP refusal of the upgrade, with a short reason for the body (no patient data).
struct WebSocketRefusal {
  unsigned status = 403;
  std::string reason;
};

class WebSocketEndpoint {
 public:
  virtual ~WebSocketEndpoint() = default;
  /// Accepts an upgrade (returns the connection's state) or refuses it with an HTTP status.
  virtual std::variant<std::shared_ptr<WebSocketConnection>, WebSocketRefusal> open(
      const WebSocketPeer& peer, std::shared_ptr<WebSocketOutbox> outbox) = 0;
};

/// Endpoints by request path ("/peer").
using WebSocketRoutes = std::map<std::string, std::shared_ptr<WebSocketEndpoint>, std::less<>>;

}  // namespace hie::net
