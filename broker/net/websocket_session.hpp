#pragma once
// A WebSocket connection taken over from an HTTP session after an upgrade request: the endpoint
// accepts or refuses it, then one reader and one writer run on the connection's strand until
// either side closes, the idle timeout, or shutdown (close 1001).

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <memory>

#include "broker/net/http_types.hpp"
#include "broker/net/session.hpp"
#include "broker/net/tls_accept.hpp"
#include "broker/net/websocket_endpoint.hpp"

namespace hie::net {

struct WebSocketUpgrade {
  HttpRequest request;
  WebSocketPeer peer;
  std::shared_ptr<WebSocketEndpoint> endpoint;
};

/// Serves the upgraded connection; the stream is owned (and closed) here. Never throws for
/// network errors.
boost::asio::awaitable<void> run_websocket_session(boost::beast::tcp_stream stream, WebSocketUpgrade upgrade,
                                                   SessionControl& control, const SessionSettings& settings);
boost::asio::awaitable<void> run_websocket_session(TlsStream stream, WebSocketUpgrade upgrade,
                                                   SessionControl& control, const SessionSettings& settings);

}  // namespace hie::net
