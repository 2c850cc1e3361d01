#pragma once
// One HTTP/1.1 connection (plain or TLS): read a request within limits, hand it to the
// handler, write the response; repeat while keep-alive; hand an upgrade to a WebSocket
// endpoint over to a WebSocket session. Runs as one coroutine on its strand.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <functional>
#include <memory>
#include <string>

#include "broker/net/session.hpp"
#include "broker/net/http_types.hpp"
#include "broker/net/websocket_endpoint.hpp"

namespace hie::net {

/// What an HTTP connection serves: requests through the handler; upgrades to WebSocket at the
/// endpoints' paths.
struct HttpSessionRoutes {
  HttpHandler handler;
  WebSocketRoutes websockets;
  bool access_log = true;  ///< one info line per request answered (access_log.hpp)
};

/// Serves `socket` (whose executor is the session's strand) until the peer closes, an error,
/// a timeout, or shutdown. Never throws for network errors.
boost::asio::awaitable<void> run_http_session(boost::asio::ip::tcp::socket socket,
                                              std::shared_ptr<SessionControl> control,
                                              const SessionSettings& settings,
                                              const HttpSessionRoutes& routes, std::string connection_id);

/// run_http_session bound to `handler` and the WebSocket endpoints, for a Listener;
/// `access_log` false leaves out the per-request access lines (config `logging.access_log`).
SessionRunner http_session_runner(HttpHandler handler, WebSocketRoutes websockets = {}, bool access_log = true);

}  // namespace hie::net
