#include "broker/net/websocket_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <deque>
#include <mutex>

#include "broker/logging/log.hpp"
#include "broker/net/listener_metrics.hpp"

namespace hie::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using namespace asio::experimental::awaitable_operators;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

/// Messages handled at once per connection; past this the reader waits, so the peer is slowed.
constexpr std::size_t kMaxInFlight = 256;
/// Replies and broker-sent messages waiting to be written; past this the peer is dropped.
constexpr std::size_t kMaxQueuedMessages = 1024;
constexpr std::size_t kMinQueuedBytes = 16u << 20;
/// Bytes read at a time while a message arrives.
constexpr std::size_t kReadChunk = 64u << 10;

/// A timer used as a wake-up signal on the strand: waiters wait, wake() cancels the wait.
struct Signal {
  explicit Signal(const asio::any_io_executor& executor) : timer(executor) {}
  asio::awaitable<void> wait() {
    timer.expires_at(asio::steady_timer::time_point::max());
    co_await timer.async_wait(kTuple);
  }
  void wake() { timer.cancel(); }
  asio::steady_timer timer;
};

/// The outbox of one session: a bounded queue filled from any thread, drained by the writer on
/// the strand. A full queue marks the peer a slow reader; the writer then drops the connection.
class SessionOutbox final : public WebSocketOutbox {
 public:
  SessionOutbox(asio::any_io_executor strand, std::weak_ptr<Signal> writer_signal, std::size_t max_bytes)
      : strand_(std::move(strand)), writer_signal_(std::move(writer_signal)), max_bytes_(max_bytes) {}

  bool send(std::string text) override {
    {
      std::lock_guard lock(mutex_);
      if (finished_ || close_ || overflowed_) return false;
      if (!queue_.empty() && (queue_.size() >= kMaxQueuedMessages || bytes_ + text.size() > max_bytes_)) {
        overflowed_ = true;
      } else {
        bytes_ += text.size();
        queue_.push_back(std::move(text));
      }
    }
    wake_writer();
    return !overflowed_now();
  }

  void close(std::uint16_t code, std::string reason) override {
    {
      std::lock_guard lock(mutex_);
      if (finished_ || close_) return;
      close_ = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
    }
    wake_writer();
  }

  /// What the writer does next.
  struct Next {
    enum Kind { wait, write, close, drop, stop } kind = wait;
    std::string text;
    websocket::close_reason reason;
  };
  Next take() {
    std::lock_guard lock(mutex_);
    if (overflowed_) return {Next::drop, {}, {}};
    if (!queue_.empty()) {
      Next next{Next::write, std::move(queue_.front()), {}};
      queue_.pop_front();
      bytes_ -= next.text.size();
      return next;
    }
    if (close_) return {Next::close, {}, *close_};
    if (finished_) return {Next::stop, {}, {}};
    return {};
  }

  /// No more messages are accepted; the writer stops once the queue is empty.
  void finish() {
    {
      std::lock_guard lock(mutex_);
      finished_ = true;
    }
    wake_writer();
  }

 private:
  bool overflowed_now() {
    std::lock_guard lock(mutex_);
    return overflowed_;
  }
  void wake_writer() {
    asio::post(strand_, [signal = writer_signal_] {
      if (auto s = signal.lock()) s->wake();
    });
  }

  asio::any_io_executor strand_;
  std::weak_ptr<Signal> writer_signal_;
  std::size_t max_bytes_;
  std::mutex mutex_;
  std::deque<std::string> queue_;
  std::size_t bytes_ = 0;
  bool finished_ = false, overflowed_ = false;
  std::optional<websocket::close_reason> close_;
};

/// Why a read ended, as a metric reason, or empty for an ordinary close.
std::string read_end_reason(const boost::system::error_code& ec) {
  if (ec == websocket::error::closed || ec == asio::error::eof || ec == asio::error::operation_aborted ||
      ec == asio::error::connection_reset || ec == asio::ssl::error::stream_truncated ||
      ec == asio::error::bad_descriptor)
    return "";
  if (ec == beast::error::timeout) return "idle_timeout";
  return "protocol_error";
}

template <class Stream>
struct Connection {
  websocket::stream<Stream> ws;
  std::shared_ptr<Signal> writer_signal;
  Signal reader_signal;
  std::shared_ptr<SessionOutbox> outbox;
  std::shared_ptr<WebSocketConnection> handler;
  const SessionSettings& settings;
  const std::string& connection_id;
  std::size_t in_flight = 0;
  bool draining = false;  // shutting down: nothing new is taken, what is in hand is answered

  /// Shutdown: the connection closes (1001) once the messages in hand are answered; messages
  /// that arrive meanwhile are not taken (no reply: the peer sends them again elsewhere or later).
  void drain() {
    draining = true;
    close_when_idle();
  }
  void close_when_idle() {
    if (draining && in_flight == 0)
      outbox->close(static_cast<std::uint16_t>(websocket::close_code::going_away), "broker shutting down");
  }

  asio::awaitable<void> read_loop() {
    auto executor = co_await asio::this_coro::executor;
    const std::size_t max_bytes = settings.limits.max_message_bytes;
    beast::flat_buffer buffer;
    bool too_large = false;  // then everything until the close reply is read and thrown away
    for (;;) {
      while (in_flight >= kMaxInFlight) co_await reader_signal.wait();
      // In pieces, so the size limit is ours to enforce and report (Beast's own limit would
      // hide behind the TLS teardown's error).
      auto [ec, n] = co_await ws.async_read_some(buffer, kReadChunk, kTuple);
      if (ec) {
        const std::string reason = read_end_reason(ec);
        if (!reason.empty() && !too_large) {
          if (settings.metrics) settings.metrics->rejected(reason);
          log::write(log::Level::info, {connection_id, {}}, "websocket connection ended",
                     {{"reason", reason}, {"error", ec.message()}});
        }
        break;
      }
      if (too_large || draining) {
        buffer.consume(buffer.size());
        continue;
      }
      if (buffer.size() > max_bytes) {
        too_large = true;
        buffer.consume(buffer.size());
        if (settings.metrics) settings.metrics->rejected("message_too_large");
        log::write(log::Level::info, {connection_id, {}}, "websocket message refused",
                   {{"reason", "message_too_large"}, {"limit", max_bytes}});
        outbox->close(static_cast<std::uint16_t>(websocket::close_code::too_big), "message too large");
        continue;
      }
      if (!ws.is_message_done()) continue;
      std::string text = beast::buffers_to_string(buffer.data());
      buffer.consume(buffer.size());
      ++in_flight;
      asio::co_spawn(executor, handler->on_message(std::move(text), ws.got_binary()),
                     [this](std::exception_ptr e) {
                       if (e) log::error({connection_id, {}}, "websocket message handler failed with an exception");
                       --in_flight;
                       reader_signal.wake();
                       close_when_idle();
                     });
    }
    // Handlers still running reply into the outbox; wait for them before the writer stops.
    while (in_flight > 0) co_await reader_signal.wait();
    outbox->finish();
  }

  asio::awaitable<void> write_loop() {
    for (;;) {
      auto next = outbox->take();
      switch (next.kind) {
        case SessionOutbox::Next::wait:
          co_await writer_signal->wait();
          continue;
        case SessionOutbox::Next::write: {
          ws.text(true);
          auto [ec, n] = co_await ws.async_write(asio::buffer(next.text), kTuple);
          if (ec) co_return stop_reading();
          continue;
        }
        case SessionOutbox::Next::close: {
          co_await ws.async_close(next.reason, kTuple);
          outbox->finish();
          co_return;  // the reader ends when the peer's close frame (or the timeout) arrives
        }
        case SessionOutbox::Next::drop:
          if (settings.metrics) settings.metrics->rejected("slow_reader");
          log::write(log::Level::warn, {connection_id, {}}, "websocket peer dropped",
                     {{"reason", "it does not read what is sent to it"}});
          co_return stop_reading();
        case SessionOutbox::Next::stop:
          co_return;
      }
    }
  }

  void stop_reading() {
    outbox->finish();
    boost::system::error_code ignored;
    beast::get_lowest_layer(ws).socket().close(ignored);
  }
};

template <class Stream>
asio::awaitable<void> refuse(Stream& stream, const HttpRequest& request, const WebSocketRefusal& refusal) {
  auto response = text_response(request, refusal.status, refusal.reason + "\n");
  if (refusal.status == 503) response.set(http::field::retry_after, "1");
  response.keep_alive(false);
  response.prepare_payload();
  co_await http::async_write(stream, response, kTuple);
}

void close_transport(beast::tcp_stream& stream) {
  boost::system::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
}
asio::awaitable<void> close_transport_async(beast::tcp_stream& stream, const SessionSettings&) {
  close_transport(stream);
  co_return;
}
asio::awaitable<void> close_transport_async(TlsStream& stream, const SessionSettings& settings) {
  beast::get_lowest_layer(stream).expires_after(settings.limits.handshake_timeout);
  co_await stream.async_shutdown(kTuple);
}

template <class Stream>
asio::awaitable<void> serve(Stream stream, WebSocketUpgrade upgrade, SessionControl& control,
                            const SessionSettings& settings) {
  auto executor = co_await asio::this_coro::executor;
  const std::string& connection_id = upgrade.peer.connection_id;
  auto writer_signal = std::make_shared<Signal>(executor);
  auto outbox = std::make_shared<SessionOutbox>(executor, writer_signal,
                                                std::max(kMinQueuedBytes, 2 * settings.limits.max_message_bytes));
  auto opened = control.draining ? WebSocketRefusal{503, "the broker is shutting down"}
                                 : upgrade.endpoint->open(upgrade.peer, outbox);
  if (auto* refusal = std::get_if<WebSocketRefusal>(&opened)) {
    if (settings.metrics) settings.metrics->rejected("upgrade_refused");
    log::write(log::Level::info, {connection_id, {}}, "websocket upgrade refused",
               {{"status", refusal->status}, {"reason", refusal->reason}});
    outbox->finish();
    beast::get_lowest_layer(stream).expires_after(settings.limits.request_timeout);
    co_await refuse(stream, upgrade.request, *refusal);
    co_await close_transport_async(stream, settings);
    co_return;
  }

  Connection<Stream> connection{websocket::stream<Stream>(std::move(stream)), writer_signal, Signal(executor),
                                outbox, std::get<0>(opened), settings, connection_id};
  auto& ws = connection.ws;
  beast::get_lowest_layer(ws).expires_never();  // the WebSocket stream keeps its own time
  // Keep-alive pings after half the idle time, so a silent peer is closed after the whole of it.
  ws.set_option(websocket::stream_base::timeout{settings.limits.handshake_timeout, settings.limits.idle_timeout / 2,
                                                true});
  ws.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& response) { response.set(http::field::server, "hiebroker"); }));
  ws.read_message_max(0);  // no limit of Beast's: read_loop enforces limits.max_message_bytes
  auto [ec] = co_await ws.async_accept(upgrade.request, kTuple);
  if (ec) {
    if (settings.metrics) settings.metrics->rejected("upgrade_failed");
    log::write(log::Level::info, {connection_id, {}}, "websocket upgrade failed", {{"reason", ec.message()}});
    outbox->finish();
    connection.handler->on_closed();
    co_return;
  }
  log::debug({connection_id, {}}, "websocket open on {}", upgrade.request.target());
  // A long-lived connection counts as idle: shutdown closes it at once (1001, going away).
  control.idle = true;
  control.cancel = [&connection] { connection.drain(); };
  if (control.draining) connection.drain();  // shutdown began during the upgrade
  co_await (connection.read_loop() && connection.write_loop());
  control.cancel = nullptr;
  connection.handler->on_closed();
}

}  // namespace

asio::awaitable<void> run_websocket_session(beast::tcp_stream stream, WebSocketUpgrade upgrade,
                                            SessionControl& control, const SessionSettings& settings) {
  return serve(std::move(stream), std::move(upgrade), control, settings);
}

asio::awaitable<void> run_websocket_session(TlsStream stream, WebSocketUpgrade upgrade, SessionControl& control,
                                            const SessionSettings& settings) {
  return serve(std::move(stream), std::move(upgrade), control, settings);
}

}  // namespace hie::net
