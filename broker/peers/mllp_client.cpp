#include "broker/peers/mllp_client.hpp"

#include <poll.h>

#include <array>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <optional>

#include "adapters/hl7v2/message.hpp"
#include "adapters/hl7v2/mllp_codec.hpp"
#include "broker/logging/log.hpp"
#include "broker/net/tls_server_identity.hpp"

namespace hie::peers {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace v2 = adapters::hl7v2;
using Clock = std::chrono::steady_clock;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

/// The message's MSH-10, when it is fit to be framed and sent.
Result<std::string> control_id_of(std::string_view message) {
  if (message.find_first_of("\x0B\x1C") != std::string_view::npos)
    return make_error(Errc::invalid_argument,
                      "the message holds an MLLP framing byte (0x0B or 0x1C)");
  auto parsed = v2::Message::parse(message);
  if (!parsed)
    return make_error(Errc::invalid_argument,
                      "the message is not HL7 v2: " + parsed.error().describe());
  if (parsed->control_id().empty())
    return make_error(Errc::invalid_argument, "the message has no MSH-10 control id", "MSH-10");
  return std::string(parsed->control_id());
}

std::string milliseconds(std::chrono::milliseconds ms) {
  return std::to_string(ms.count()) + " ms";
}

/// "host:port" ("[::1]:2575" for an IPv6 address), as errors name the receiver.
std::string host_and_port(const MllpEndpoint& endpoint) {
  const bool ipv6 = endpoint.host.find(':') != std::string::npos;
  return (ipv6 ? "[" + endpoint.host + "]" : endpoint.host) + ":" + std::to_string(endpoint.port);
}

bool connection_ended(const boost::system::error_code& ec) {
  return ec == asio::error::eof || ec == asio::ssl::error::stream_truncated ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe;
}

}  // namespace

struct MllpClient::State {
  State(asio::any_io_executor executor, MllpEndpoint endpoint_in, MllpClientLimits limits_in)
      : strand(asio::make_strand(executor)),
        endpoint(std::move(endpoint_in)),
        limits(limits_in),
        where(host_and_port(endpoint)),
        server_name(endpoint.server_name.empty() ? endpoint.host : endpoint.server_name),
        resolver(strand) {}

  asio::awaitable<Result<MllpReply>> deliver(std::string message);
  asio::awaitable<Status> connect();
  template <class Stream>
  asio::awaitable<Result<std::string>> round_trip(Stream& stream, const std::string& framed);

  beast::tcp_stream* tcp() {
    if (secure) return &beast::get_lowest_layer(*secure);
    return plain.get();
  }
  /// Whether the kept connection can carry the next message: the receiver has neither closed
  /// it nor sent anything since the last ACK (either way it is out of step with us).
  bool idle_connection_usable() {
    if (secure && SSL_pending(secure->native_handle()) > 0) return false;
    pollfd fd{tcp()->socket().native_handle(), POLLIN, 0};
    return ::poll(&fd, 1, 0) == 0;
  }
  void drop() {
    if (auto* stream = tcp()) stream->close();
    connected = false;
  }
  Error error(Errc code, std::string message) const {
    return make_error(code, std::move(message), where);
  }
  /// `e` with the endpoint in front of its location ("127.0.0.1:2575 MSA-2").
  Error located(const Error& e) const {
    if (e.location().empty()) return make_error(e.code(), e.message(), where);
    return e.within(where + " ");
  }
  Error closed_error() const { return error(Errc::io_error, "the MLLP client was closed"); }

  asio::any_io_executor strand;
  const MllpEndpoint endpoint;
  const MllpClientLimits limits;
  const std::string where;        // "host:port", the location of every error
  const std::string server_name;  // what the receiver's certificate must name
  asio::ip::tcp::resolver resolver;
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<TlsStream> secure;
  std::optional<v2::MllpDecoder> decoder;  // one per connection
  bool connected = false;
  bool closed = false;             // on the strand only
  std::atomic<bool> busy = false;  // a send() has not called its `done` yet
};

asio::awaitable<Result<MllpReply>> MllpClient::State::deliver(std::string message) {
  auto control_id = control_id_of(message);
  if (!control_id) co_return control_id.error();
  if (closed) co_return closed_error();
  if (connected && !idle_connection_usable()) {
    log::debug({}, "mllp client: {} closed the idle connection or sent unasked; reconnecting",
               where);
    drop();
  }
  if (!connected)
    if (auto opened = co_await connect(); !opened) {
      drop();
      co_return opened.error();
    }
  const std::string framed = v2::mllp_frame(message);
  // Not a ?: with a co_await in each branch: GCC 12 destroys the chosen result twice.
  Result<std::string> payload = make_error(Errc::internal, "no exchange");
  if (secure)
    payload = co_await round_trip(*secure, framed);
  else
    payload = co_await round_trip(*plain, framed);
  if (!payload) {
    drop();
    co_return payload.error();
  }
  auto reply = read_mllp_reply(*payload, *control_id);
  if (!reply) {
    drop();
    co_return located(reply.error());
  }
  co_return reply;
}

asio::awaitable<Status> MllpClient::State::connect() {
  connected = false;
  secure.reset();
  plain.reset();
  const auto deadline = Clock::now() + limits.connect_timeout;
  auto [resolve_ec, addresses] =
      co_await resolver.async_resolve(endpoint.host, std::to_string(endpoint.port), kTuple);
  if (closed) co_return closed_error();
  if (resolve_ec)
    co_return error(Errc::unavailable, "cannot resolve the host: " + resolve_ec.message());

  if (endpoint.tls) {
    secure = std::make_unique<TlsStream>(beast::tcp_stream(strand), *endpoint.tls);
    if (auto named = net::expect_server_identity(secure->native_handle(), server_name); !named)
      co_return named.error();
  } else {
    plain = std::make_unique<beast::tcp_stream>(strand);
  }
  tcp()->expires_at(deadline);
  auto [connect_ec, address] = co_await tcp()->async_connect(addresses, kTuple);
  if (closed) co_return closed_error();
  if (connect_ec == beast::error::timeout)
    co_return error(Errc::unavailable,
                    "cannot connect within " + milliseconds(limits.connect_timeout));
  if (connect_ec) co_return error(Errc::unavailable, "cannot connect: " + connect_ec.message());
  boost::system::error_code ignored;
  tcp()->socket().set_option(asio::ip::tcp::no_delay(true), ignored);
  if (secure) {
    tcp()->expires_at(deadline);
    auto [handshake_ec] = co_await secure->async_handshake(asio::ssl::stream_base::client, kTuple);
    if (closed) co_return closed_error();
    if (handshake_ec == beast::error::timeout)
      co_return error(Errc::unavailable,
                      "TLS handshake not done within " + milliseconds(limits.connect_timeout));
    if (handshake_ec)
      co_return error(Errc::unavailable,
                      net::client_handshake_failure(secure->native_handle(), handshake_ec));
  }
  tcp()->expires_never();
  decoder.emplace(limits.max_reply_bytes);
  connected = true;
  log::debug({}, "mllp client connected to {}{}", where, secure ? " over TLS" : "");
  co_return Status{};
}

template <class Stream>
asio::awaitable<Result<std::string>> MllpClient::State::round_trip(Stream& stream,
                                                                   const std::string& framed) {
  const auto deadline = Clock::now() + limits.reply_timeout;
  const Error timed_out =
      error(Errc::limit_exceeded, "no ACK within " + milliseconds(limits.reply_timeout));
  tcp()->expires_at(deadline);
  auto [write_ec, written] = co_await asio::async_write(stream, asio::buffer(framed), kTuple);
  if (closed) co_return closed_error();
  if (write_ec == beast::error::timeout) co_return timed_out;
  if (write_ec) co_return error(Errc::unavailable, "cannot send the message: " + write_ec.message());

  std::array<char, 16 * 1024> buffer;
  std::size_t received = 0;
  std::optional<std::string> ack;
  bool unasked = false;  // more than one ACK's worth arrived
  for (;;) {
    tcp()->expires_at(deadline);
    auto [read_ec, n] = co_await stream.async_read_some(asio::buffer(buffer), kTuple);
    if (closed) co_return closed_error();
    if (read_ec == beast::error::timeout) co_return timed_out;
    if (connection_ended(read_ec))
      co_return error(Errc::io_error, "the connection closed before the ACK");
    if (read_ec)
      co_return error(Errc::io_error, "the connection failed before the ACK: " + read_ec.message());
    received += n;
    // The three framing bytes aside, every byte counts: junk between frames too.
    if (received > limits.max_reply_bytes + 3)
      co_return error(
          Errc::limit_exceeded,
          "the reply is over the " + std::to_string(limits.max_reply_bytes) + "-byte limit");
    decoder->feed(std::string_view(buffer.data(), n));
    std::optional<Error> framing;
    for (;;) {  // drained to need_more before the next feed, as the decoder requires
      auto event = decoder->next();
      if (!event) {
        if (!framing) framing = event.error();
        continue;
      }
      if (event->kind == v2::MllpEventKind::need_more) break;
      if (event->kind != v2::MllpEventKind::frame) continue;
      if (ack)
        unasked = true;
      else
        ack = std::string(event->payload);
    }
    if (framing && framing->code() == Errc::limit_exceeded)
      co_return error(
          Errc::limit_exceeded,
          "the reply is over the " + std::to_string(limits.max_reply_bytes) + "-byte limit");
    if (framing)
      co_return error(Errc::parse_error, "a malformed MLLP frame: " + framing->message());
    if (!ack) continue;
    // Bytes beyond the ACK mean the receiver is out of step: the next message gets a new
    // connection.
    if (unasked || decoder->buffered_bytes() > 0) drop();
    tcp()->expires_never();  // the connection may idle for longer than a reply may take
    co_return std::move(*ack);
  }
}

MllpClient::MllpClient(asio::any_io_executor executor, MllpEndpoint endpoint,
                       MllpClientLimits limits)
    : state_(std::make_shared<State>(std::move(executor), std::move(endpoint), limits)) {}

MllpClient::~MllpClient() {
  if (state_) close();
}

MllpClient& MllpClient::operator=(MllpClient&& other) noexcept {
  if (this == &other) return *this;
  if (state_) close();
  state_ = std::move(other.state_);
  return *this;
}

void MllpClient::send(std::string message, Done done) {
  auto state = state_;
  if (state->busy.exchange(true)) {
    asio::post(state->strand, [done = std::move(done)]() mutable {
      done(make_error(Errc::invalid_argument,
                      "a message is still in flight: call send() again once its done has run"));
    });
    return;
  }
  asio::co_spawn(
      state->strand, state->deliver(std::move(message)),
      [state, done = std::move(done)](std::exception_ptr thrown, Result<MllpReply> result) mutable {
        if (thrown) {
          try {
            std::rethrow_exception(thrown);
          } catch (const std::exception& e) {
            log::error({}, "mllp client to {} failed: {}", state->where, e.what());
          } catch (...) {
            log::error({}, "mllp client to {} failed", state->where);
          }
          state->drop();
          result = state->error(Errc::internal, "internal error");
        }
        state->busy = false;
        done(std::move(result));
      });
}

void MllpClient::close() {
  asio::post(state_->strand, [state = state_] {
    state->closed = true;
    state->resolver.cancel();
    state->drop();
  });
}

}  // namespace hie::peers
