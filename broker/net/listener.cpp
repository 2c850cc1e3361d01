#include "broker/net/listener.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "broker/logging/log.hpp"
#include "broker/net/listener_metrics.hpp"

namespace hie::net {

namespace asio = boost::asio;
using asio::ip::tcp;

Listener::Listener(asio::io_context& io, ListenerOptions options, SessionRunner run_session,
                   prometheus::Registry& registry)
    : io_(io),
      options_(std::move(options)),
      run_session_(std::move(run_session)),
      metrics_(std::make_unique<ListenerMetrics>(registry, options_.protocol, options_.name)),
      acceptor_(asio::make_strand(io)) {}

Listener::~Listener() = default;

Result<std::shared_ptr<Listener>> Listener::open(asio::io_context& io, ListenerOptions options,
                                                 SessionRunner run_session, prometheus::Registry& registry) {
  const std::string where = "listeners." + options.name;
  boost::system::error_code ec;
  auto address = asio::ip::make_address(options.bind, ec);
  if (ec) return make_error(Errc::config_error, "not an IP address: " + options.bind, where + ".bind");
  tcp::endpoint endpoint(address, options.port);

  std::shared_ptr<Listener> listener(new Listener(io, std::move(options), std::move(run_session), registry));
  auto& acceptor = listener->acceptor_;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return make_error(Errc::io_error,
                      "cannot listen on " + endpoint.address().to_string() + ":" +
                          std::to_string(endpoint.port()) + ": " + ec.message(),
                      where);
  return listener;
}

tcp::endpoint Listener::local_endpoint() const {
  boost::system::error_code ec;
  return acceptor_.local_endpoint(ec);
}

void Listener::start() {
  asio::co_spawn(acceptor_.get_executor(), accept_loop(), [self = shared_from_this()](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log::error({}, "accept loop of {} failed: {}", self->options_.name, ex.what());
    } catch (...) {
      log::error({}, "accept loop of {} failed", self->options_.name);
    }
  });
}

asio::awaitable<void> Listener::accept_loop() {
  while (!stopping_) {
    // Each connection gets its own strand: the session and its control block live on it.
    auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(io_),
                                                        asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted || stopping_) break;
    if (ec) {
      // Out of file descriptors and the like: log, pause briefly, keep serving.
      log::warn({}, "accept failed on {}: {}", options_.name, ec.message());
      asio::steady_timer pause(acceptor_.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    spawn_session(std::move(socket));
  }
}

void Listener::spawn_session(tcp::socket socket) {
  const std::uint64_t number = next_connection_++;
  auto control = std::make_shared<SessionControl>();
  auto settings = std::make_shared<SessionSettings>();
  settings->listener_name = options_.name;
  settings->limits = options_.limits;
  settings->tls = options_.tls;
  settings->accept_client_certificate = options_.accept_client_certificate;
  settings->metrics = metrics_.get();
  auto strand = socket.get_executor();
  {
    // Under the same lock as shutdown(): a connection accepted while shutting down drains at once.
    std::lock_guard lock(mutex_);
    control->draining = stopping_;
    settings->over_capacity = sessions_.size() >= options_.limits.max_connections;
    sessions_.emplace(number, Tracked{control, strand});
  }
  metrics_->connection_opened();
  std::string id = "c" + std::to_string(number);
  asio::co_spawn(strand, run_session_(std::move(socket), control, *settings, id),
                 [self = shared_from_this(), settings, number, id](std::exception_ptr e) {
                   if (e) {
                     try {
                       std::rethrow_exception(e);
                     } catch (const std::exception& ex) {
                       log::error({id, {}}, "session failed with an exception");
                       log::debug({id, {}}, "session exception: {}", ex.what());
                     } catch (...) {
                       log::error({id, {}}, "session failed with a non-standard exception");
                     }
                   }
                   self->metrics_->connection_closed();
                   std::lock_guard lock(self->mutex_);
                   self->sessions_.erase(number);
                 });
}

void Listener::shutdown() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->acceptor_.close(ignored);
  });
  std::lock_guard lock(mutex_);
  for (auto& [number, tracked] : sessions_) {
    asio::post(tracked.strand, [control = tracked.control] {
      control->draining = true;
      if (control->idle && control->cancel) control->cancel();
    });
  }
}

std::size_t Listener::open_connections() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace hie::net
