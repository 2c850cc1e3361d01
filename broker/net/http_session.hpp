#pragma once
// One HTTP/1.1 connection (plain or TLS): read a request within limits, hand it to the
// handler, write the response; repeat while keep-alive. Runs as one coroutine on its strand.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <functional>
#include <memory>
#include <string>

#include "broker/config/config.hpp"
#include "broker/net/http_types.hpp"

namespace boost::asio::ssl {
class context;
}

namespace hie::net {

class HttpListenerMetrics;

/// Shared between a session and its listener. Touched only on the session's strand.
struct SessionControl {
  bool idle = false;      ///< waiting for the next request, nothing in hand
  bool draining = false;  ///< shutting down: finish the request in hand, then close
  std::function<void()> cancel;  ///< aborts the pending read; set by the session
};

struct SessionSettings {
  std::string listener_name;
  config::Limits limits;
  std::shared_ptr<boost::asio::ssl::context> tls;  ///< null: plain HTTP
  HttpListenerMetrics* metrics = nullptr;
  bool over_capacity = false;  ///< answer 503 and close: the listener is full
};

/// Serves `socket` (whose executor is the session's strand) until the peer closes, an error,
/// a timeout, or shutdown. Never throws for network errors.
boost::asio::awaitable<void> run_http_session(boost::asio::ip::tcp::socket socket,
                                              std::shared_ptr<SessionControl> control,
                                              const SessionSettings& settings,
                                              const HttpHandler& handler, std::string connection_id);

}  // namespace hie::net
