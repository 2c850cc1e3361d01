#pragma once
// What a listener shares with each connection it runs, whatever the protocol.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <functional>
#include <memory>
#include <string>

#include "broker/config/config.hpp"
#include "broker/net/tls_identity.hpp"

namespace boost::asio::ssl {
class context;
}

namespace hie::net {

class ListenerMetrics;

/// Shared between a session and its listener. Touched only on the session's strand.
struct SessionControl {
  bool idle = false;      ///< waiting for the next request, nothing in hand
  bool draining = false;  ///< shutting down: finish the request in hand, then close
  std::function<void()> cancel;  ///< aborts the pending read; set by the session
};

struct SessionSettings {
  std::string listener_name;
  config::Limits limits;
  std::shared_ptr<boost::asio::ssl::context> tls;  ///< null: plain TCP
  ClientCertificateCheck accept_client_certificate;  ///< empty: any certificate the CA verifies
  ListenerMetrics* metrics = nullptr;
  bool over_capacity = false;  ///< refuse and close: the listener is full
};

/// Runs one connection until the peer closes, an error, a timeout, or shutdown. Runs on the
/// socket's executor (the connection's strand); `settings` outlives the coroutine. Never throws
/// for network errors.
using SessionRunner = std::function<boost::asio::awaitable<void>(
    boost::asio::ip::tcp::socket socket, std::shared_ptr<SessionControl> control, const SessionSettings& settings,
    std::string connection_id)>;

}  // namespace hie::net
