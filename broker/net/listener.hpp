#pragma once
// Accepts TCP connections on one address and runs a session coroutine per connection (HTTP,
// MLLP…), each on its own strand; counts and bounds them; shuts down by draining.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <memory>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "broker/config/config.hpp"
#include "broker/core/result.hpp"
#include "broker/net/session.hpp"

namespace prometheus {
class Registry;
}

namespace hie::net {

struct ListenerOptions {
  std::string name = "http";      ///< used in the `listening` line, logs and metric labels
  std::string protocol = "http";  ///< names the metrics: hie_<protocol>_connections_open
  std::string bind = "127.0.0.1";
  std::uint16_t port = 0;
  config::Limits limits;
  std::shared_ptr<boost::asio::ssl::context> tls;  ///< null: plain TCP
  /// With `tls`: refuses, in the handshake, client certificates it does not accept.
  ClientCertificateCheck accept_client_certificate;
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  /// Binds and listens; the error names the address when it cannot.
  static Result<std::shared_ptr<Listener>> open(boost::asio::io_context& io, ListenerOptions options,
                                                SessionRunner run_session, prometheus::Registry& registry);
  ~Listener();

  boost::asio::ip::tcp::endpoint local_endpoint() const;
  const std::string& name() const { return options_.name; }

  /// Starts accepting connections.
  void start();
  /// Stops accepting, closes idle connections, lets requests in flight finish. Thread-safe.
  void shutdown();
  std::size_t open_connections() const;

 private:
  Listener(boost::asio::io_context& io, ListenerOptions options, SessionRunner run_session,
           prometheus::Registry& registry);
  boost::asio::awaitable<void> accept_loop();
  void spawn_session(boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& io_;
  ListenerOptions options_;
  SessionRunner run_session_;
  std::unique_ptr<ListenerMetrics> metrics_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> next_connection_{1};
  mutable std::mutex mutex_;
  struct Tracked {
    std::shared_ptr<SessionControl> control;
    boost::asio::any_io_executor strand;
  };
  std::map<std::uint64_t, Tracked> sessions_;
};

}  // namespace hie::net
