#include "tools/hie-sim/peer_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <algorithm>
#include <deque>

#include "broker/logging/log.hpp"
#include "tools/hie-sim/tls_client_context.hpp"

namespace hie::sim {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using namespace std::chrono_literals;
using namespace asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;
using Websocket = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;
/// A message for the writer; `drop_midway` (--drop-mid-answer): send its first half, then drop.
struct Outgoing {
  std::string text;
  bool drop_midway = false;
};
using Outbound = asio::experimental::channel<void(boost::system::error_code, Outgoing)>;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr auto kConnectTimeout = 10s;  // TCP connect, TLS handshake, WebSocket upgrade, close
constexpr auto kHelloTimeout = 10s;
constexpr auto kIdleTimeout = 20s;  // Beast pings after half of it, so the broker sees traffic
constexpr auto kFirstBackoff = 500ms;
constexpr auto kMaxBackoff = 10s;
constexpr unsigned kMaxFailuresInARow = 8;
constexpr std::size_t kOutboundBound = 4096;  // messages queued for the writer
constexpr std::size_t kMaxMessageBytes = 64 << 20;

/// Wakes the one coroutine that waits on it; a wait also ends at its deadline.
class Wakeup {
 public:
  explicit Wakeup(const asio::any_io_executor& executor) : timer_(executor) {}
  void notify() { timer_.cancel(); }
  asio::awaitable<void> wait_until(Clock::time_point deadline) {
    timer_.expires_at(deadline);
    co_await timer_.async_wait(kTuple);
  }

 private:
  asio::steady_timer timer_;
};

asio::awaitable<bool> cancelled() {
  auto state = co_await asio::this_coro::cancellation_state;
  co_return state.cancelled() != asio::cancellation_type::none;
}

}  // namespace

struct PeerClient::State {
  State(asio::any_io_executor ex, std::shared_ptr<ssl::context> context, const PeerOptions& opts,
        const Dataset& data, PeerProtocol::EventSink keep_event)
      : executor(std::move(ex)),
        tls(std::move(context)),
        options(opts),
        dataset(data),
        protocol(opts, data, std::move(keep_event)),
        conversation_wake(executor),
        backoff_wake(executor),
        delayed_wake(executor) {}

  asio::awaitable<int> run();
  asio::awaitable<bool> connect(Websocket& ws);
  asio::awaitable<void> session(Websocket& ws);
  asio::awaitable<void> read_loop(Websocket& ws);
  asio::awaitable<void> write_loop(Websocket& ws, Outbound& outbound);
  asio::awaitable<void> delayed_loop();
  asio::awaitable<void> conversation(Websocket& ws);
  asio::awaitable<void> close(Websocket& ws);
  void send(std::string message, bool drop_midway = false);
  void react(PeerProtocol::Reaction reaction);
  void stop();

  asio::any_io_executor executor;
  std::shared_ptr<ssl::context> tls;
  const PeerOptions& options;
  const Dataset& dataset;
  PeerProtocol protocol;

  bool stopping = false;
  bool finished = false;  // --exit-after-publish: everything answered
  std::string fatal;      // a refusal that reconnecting cannot fix
  Websocket* ws = nullptr;
  bool connecting = false;
  Outbound* outbound = nullptr;
  std::deque<std::pair<Clock::time_point, std::string>> delayed;  // answers held for --latency-ms
  Wakeup conversation_wake, backoff_wake, delayed_wake;
};

asio::awaitable<int> PeerClient::State::run() {
  unsigned failures = 0;
  while (!stopping) {
    Websocket socket(executor, *tls);
    ws = &socket;
    connecting = true;
    const bool connected = co_await connect(socket);
    connecting = false;
    if (connected) co_await session(socket);
    ws = nullptr;
    if (protocol.hello() == PeerProtocol::Hello::refused)
      fatal = "the broker refused hello: " + protocol.refusal();
    if (!fatal.empty()) {
      log::error({}, "{}", fatal);
      co_return 1;
    }
    if (finished) co_return protocol.any_nacked() ? 1 : 0;
    if (stopping) break;
    if (protocol.hello() == PeerProtocol::Hello::accepted) failures = 0;
    if (++failures >= kMaxFailuresInARow) {
      log::error({}, "giving up after {} failed connection attempts in a row", failures);
      co_return 1;
    }
    const auto delay =
        std::min<Clock::duration>(kFirstBackoff * (1u << std::min(failures - 1, 8u)), kMaxBackoff);
    log::info({}, "reconnecting in {} ms",
              std::chrono::duration_cast<std::chrono::milliseconds>(delay).count());
    co_await backoff_wake.wait_until(Clock::now() + delay);
  }
  co_return options.exit_after_publish && !protocol.all_answered() ? 1 : 0;
}

asio::awaitable<bool> PeerClient::State::connect(Websocket& socket) {
  const auto& endpoint = options.endpoint;
  asio::ip::tcp::resolver resolver(executor);
  auto [resolve_ec, addresses] =
      co_await resolver.async_resolve(endpoint.host, endpoint.port, kTuple);
  if (resolve_ec) {
    log::warn({}, "cannot resolve {}: {}", endpoint.host, resolve_ec.message());
    co_return false;
  }
  auto& tcp = beast::get_lowest_layer(socket);
  tcp.expires_after(kConnectTimeout);
  auto [connect_ec, connected_to] = co_await tcp.async_connect(addresses, kTuple);
  if (connect_ec) {
    log::warn({}, "cannot connect to {}: {}", options.url, connect_ec.message());
    co_return false;
  }
  if (!prepare_client_ssl(socket.next_layer().native_handle(), endpoint.host)) {
    fatal = "OpenSSL refused the host name " + endpoint.host;
    co_return false;
  }
  tcp.expires_after(kConnectTimeout);
  auto [tls_ec] = co_await socket.next_layer().async_handshake(ssl::stream_base::client, kTuple);
  if (tls_ec) {
    fatal = untrusted_broker_reason(socket.next_layer().native_handle());
    if (fatal.empty())
      log::warn({}, "TLS handshake with {} failed: {}", options.url, tls_ec.message());
    co_return false;
  }
  // From here on the WebSocket stream keeps its own time.
  tcp.expires_never();
  websocket::stream_base::timeout timeouts;
  timeouts.handshake_timeout = kConnectTimeout;
  timeouts.idle_timeout = kIdleTimeout;
  timeouts.keep_alive_pings = true;
  socket.set_option(timeouts);
  socket.set_option(websocket::stream_base::decorator([](websocket::request_type& request) {
    request.set(beast::http::field::user_agent, "hie-sim/" HIE_VERSION);
  }));
  socket.read_message_max(kMaxMessageBytes);
  const std::string host =
      endpoint.host.find(':') != std::string::npos ? "[" + endpoint.host + "]" : endpoint.host;
  websocket::response_type response;
  auto [upgrade_ec] = co_await socket.async_handshake(response, host + ":" + endpoint.port,
                                                      endpoint.target, kTuple);
  if (upgrade_ec) {
    const unsigned status = response.result_int();
    // A 4xx answer (no /peer, certificate refused) will not change by asking again.
    if (status >= 400 && status < 500)
      fatal = "the broker refused the WebSocket upgrade at " + options.url + ": HTTP " +
              std::to_string(status);
    else
      log::warn({}, "WebSocket upgrade at {} failed: {}", options.url, upgrade_ec.message());
    co_return false;
  }
  log::info({}, "connected to {} as {}", options.url, dataset.exchange);
  co_return true;
}

asio::awaitable<void> PeerClient::State::session(Websocket& socket) {
  Outbound channel(executor, kOutboundBound);
  outbound = &channel;
  delayed.clear();
  send(protocol.begin_connection());
  co_await (read_loop(socket) || write_loop(socket, channel) || delayed_loop() ||
            conversation(socket));
  outbound = nullptr;
  delayed.clear();
}

asio::awaitable<void> PeerClient::State::read_loop(Websocket& socket) {
  beast::flat_buffer buffer;
  while (true) {
    auto [ec, n] = co_await socket.async_read(buffer, kTuple);
    if (ec) {
      if (ec != websocket::error::closed && ec != asio::error::operation_aborted && !stopping &&
          !finished)
        log::warn({}, "connection to {} lost: {}", options.url, ec.message());
      co_return;
    }
    if (socket.got_text()) {
      react(protocol.on_message({static_cast<const char*>(buffer.data().data()), buffer.size()}));
    } else {
      log::warn({}, "binary frame of {} bytes ignored: the protocol uses text frames", n);
    }
    buffer.consume(buffer.size());
    conversation_wake.notify();
  }
}

asio::awaitable<void> PeerClient::State::write_loop(Websocket& socket, Outbound& channel) {
  socket.text(true);
  while (true) {
    auto [ec, message] = co_await channel.async_receive(kTuple);
    if (ec) co_return;
    if (message.drop_midway) {
      // A first fragment of the answer, then the TCP connection gone: an answer cut off midway.
      auto [fragment_ec, sent] =
          co_await socket.async_write_some(false, asio::buffer(message.text.data(), message.text.size() / 2), kTuple);
      log::info({}, "dropping the connection after {} bytes of an answer (--drop-mid-answer)", sent);
      boost::system::error_code ignored;
      beast::get_lowest_layer(socket).socket().close(ignored);
      co_return;
    }
    auto [write_ec, n] = co_await socket.async_write(asio::buffer(message.text), kTuple);
    if (write_ec) co_return;
  }
}

asio::awaitable<void> PeerClient::State::delayed_loop() {
  while (true) {
    if (!delayed.empty() && delayed.front().first <= Clock::now()) {
      send(std::move(delayed.front().second));
      delayed.pop_front();
      continue;
    }
    // (The deadline is a variable of its own: g++ 12 miscompiles a ?: inside a co_await.)
    const auto deadline = delayed.empty() ? Clock::time_point::max() : delayed.front().first;
    co_await delayed_wake.wait_until(deadline);
    if (co_await cancelled()) co_return;
  }
}

asio::awaitable<void> PeerClient::State::conversation(Websocket& socket) {
  const auto hello_deadline = Clock::now() + kHelloTimeout;
  while (protocol.hello() == PeerProtocol::Hello::waiting && !stopping) {
    if (Clock::now() >= hello_deadline) {
      log::warn({}, "no reply to hello within {} s", kHelloTimeout.count());
      co_await close(socket);
      co_return;
    }
    co_await conversation_wake.wait_until(hello_deadline);
    if (co_await cancelled()) co_return;
  }
  if (protocol.hello() == PeerProtocol::Hello::refused) {
    co_await close(socket);
    co_return;
  }
  for (auto& announce : protocol.announce_messages()) send(std::move(announce));

  const double rate = options.pacing.rate;
  const auto interval =
      rate > 0
          ? std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / rate))
          : Clock::duration::zero();
  auto next_due = Clock::now();
  while (!stopping) {
    // Once the announce is answered; publishes need not wait for it.
    if (auto subscribe = protocol.next_subscribe()) send(std::move(*subscribe));
    const auto now = Clock::now();
    if (rate > 0 && now < next_due) {
      co_await conversation_wake.wait_until(next_due);
      if (co_await cancelled()) co_return;
      continue;
    }
    if (auto publish = protocol.next_publish()) {
      send(std::move(*publish));
      // After a stall (publishes in flight at the limit), resume the rate rather than catch up.
      next_due = std::max(next_due + interval, now - interval);
      continue;
    }
    if (options.exit_after_publish && protocol.all_answered()) {
      finished = true;
      break;
    }
    co_await conversation_wake.wait_until(Clock::time_point::max());
    if (co_await cancelled()) co_return;
  }
  co_await close(socket);
}

asio::awaitable<void> PeerClient::State::close(Websocket& socket) {
  if (!socket.is_open()) co_return;
  auto [ec] = co_await socket.async_close(websocket::close_code::normal, kTuple);
  if (ec) log::debug({}, "closing the connection: {}", ec.message());
}

void PeerClient::State::send(std::string message, bool drop_midway) {
  if (!outbound) return;
  if (!outbound->try_send(boost::system::error_code{}, Outgoing{std::move(message), drop_midway})) {
    // The broker is not reading: drop the connection rather than queue without bound.
    log::error({}, "{} messages queued for the broker: dropping the connection", kOutboundBound);
    boost::system::error_code ignored;
    beast::get_lowest_layer(*ws).socket().close(ignored);
  }
}

void PeerClient::State::react(PeerProtocol::Reaction reaction) {
  for (auto& message : reaction.send) send(std::move(message));
  if (reaction.send_half_then_drop) send(std::move(*reaction.send_half_then_drop), true);
  if (!reaction.send_after_delay) return;
  if (delayed.size() >= kOutboundBound) {
    log::warn({}, "{} answers already held for --latency-ms: one dropped", delayed.size());
    return;
  }
  const bool was_empty = delayed.empty();
  delayed.emplace_back(Clock::now() + std::chrono::milliseconds(options.queries.latency_ms),
                       std::move(*reaction.send_after_delay));
  if (was_empty) delayed_wake.notify();
}

void PeerClient::State::stop() {
  if (stopping) return;
  stopping = true;
  log::info({}, "stopping");
  conversation_wake.notify();
  backoff_wake.notify();
  if (connecting && ws) {
    boost::system::error_code ignored;
    beast::get_lowest_layer(*ws).socket().close(ignored);
  }
}

PeerClient::PeerClient(asio::any_io_executor executor, std::shared_ptr<ssl::context> tls,
                       const PeerOptions& options, const Dataset& dataset,
                       PeerProtocol::EventSink keep_event)
    : state_(std::make_unique<State>(std::move(executor), std::move(tls), options, dataset,
                                     std::move(keep_event))) {}

PeerClient::~PeerClient() = default;

asio::awaitable<int> PeerClient::run() { return state_->run(); }

void PeerClient::stop() { state_->stop(); }

const PeerSummary& PeerClient::summary() const { return state_->protocol.summary(); }

}  // namespace hie::sim
