#include "broker/net/mllp_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <array>

#include "adapters/hl7v2/mllp_codec.hpp"
#include "broker/logging/log.hpp"
#include "broker/net/listener_metrics.hpp"
#include "broker/net/tls_accept.hpp"

namespace hie::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using adapters::hl7v2::MllpDecoder;
using adapters::hl7v2::MllpEventKind;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

beast::tcp_stream& tcp_of(beast::tcp_stream& stream) { return stream; }
beast::tcp_stream& tcp_of(TlsStream& stream) { return beast::get_lowest_layer(stream); }

/// A metric reason for a framing error: a fixed word, never input.
std::string framing_reason(const Error& error) {
  if (error.code() == Errc::limit_exceeded) return "frame_too_large";
  return "malformed_frame";
}

template <class Stream>
asio::awaitable<bool> send(Stream& stream, const std::string& payload, const SessionSettings& settings) {
  const std::string framed = adapters::hl7v2::mllp_frame(payload);
  tcp_of(stream).expires_after(settings.limits.request_timeout);
  auto [ec, written] = co_await asio::async_write(stream, asio::buffer(framed), kTuple);
  co_return !ec;
}

template <class Stream>
asio::awaitable<void> serve_frames(Stream& stream, SessionControl& control, const SessionSettings& settings,
                                   MllpHandler& handler, const MllpPeer& peer) {
  MllpDecoder decoder(settings.limits.max_message_bytes);
  std::array<char, 64 * 1024> buffer;
  control.cancel = [&stream] {
    boost::system::error_code ignored;
    tcp_of(stream).socket().cancel(ignored);
  };
  while (true) {
    // Between frames the connection may idle (idle_timeout); a frame once started must finish
    // within request_timeout, so a sender trickling bytes cannot hold the connection forever.
    const bool between_frames = decoder.buffered_bytes() == 0;
    control.idle = between_frames;
    if (control.draining && between_frames) break;
    tcp_of(stream).expires_after(between_frames ? settings.limits.idle_timeout : settings.limits.request_timeout);
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(buffer), kTuple);
    control.idle = false;
    if (ec) {
      if (!between_frames) {
        if (settings.metrics) settings.metrics->rejected(ec == beast::error::timeout ? "timeout" : "truncated");
        log::write(log::Level::info, {peer.connection_id, {}}, "connection ended inside a frame",
                   {{"reason", ec.message()}, {"bytes", std::to_string(decoder.buffered_bytes())}});
      }
      break;
    }
    decoder.feed(std::string_view(buffer.data(), n));
    while (true) {
      auto event = decoder.next();
      if (!event) {
        if (settings.metrics) settings.metrics->rejected(framing_reason(event.error()));
        log::write(log::Level::warn, {peer.connection_id, {}}, "mllp frame refused",
                   {{"reason", event.error().message()}, {"where", event.error().location()}});
        if (auto reply = handler.on_framing_error(event.error(), peer))
          if (!co_await send(stream, *reply, settings)) co_return;
        continue;
      }
      if (event->kind == MllpEventKind::need_more) break;
      if (event->kind == MllpEventKind::junk) {
        if (settings.metrics) settings.metrics->rejected("junk_bytes");
        log::write(log::Level::info, {peer.connection_id, {}}, "bytes outside any mllp frame skipped",
                   {{"bytes", std::to_string(event->junk_bytes)}});
        continue;
      }
      // The payload view dies with the next decoder call: the handler gets its own copy.
      auto reply = co_await handler.on_frame(std::string(event->payload), peer);
      if (reply && !co_await send(stream, *reply, settings)) co_return;
    }
  }
}

/// Asks the handler whether to serve the connection, and tells it when the connection ends.
struct Opened {
  Opened(MllpHandler& handler, const MllpPeer& peer, const SessionSettings& settings) : handler(handler), peer(peer) {
    auto refusal = handler.on_open(peer);
    accepted = !refusal;
    if (accepted) return;
    // MLLP cannot say why: the sender sees the close; the log and the metric say it.
    if (settings.metrics) settings.metrics->rejected("exchange_connection_limit");
    log::write(log::Level::warn, {peer.connection_id, {}}, "connection refused", {{"reason", *refusal}});
  }
  ~Opened() {
    if (accepted) handler.on_close(peer);
  }
  MllpHandler& handler;
  const MllpPeer& peer;
  bool accepted = false;
};

asio::awaitable<void> run_mllp_session(asio::ip::tcp::socket socket, std::shared_ptr<SessionControl> control,
                                       const SessionSettings& settings, std::shared_ptr<MllpHandler> handler,
                                       std::string connection_id) {
  struct ClearCancel {
    SessionControl& control;
    ~ClearCancel() { control.cancel = nullptr; }
  } clear_cancel{*control};
  MllpPeer peer;
  peer.connection_id = connection_id;
  peer.listener = settings.listener_name;
  boost::system::error_code ignored;
  const auto remote = socket.remote_endpoint(ignored);
  peer.remote_address = remote.address().to_string() + ":" + std::to_string(remote.port());
  beast::tcp_stream tcp(std::move(socket));
  log::debug({connection_id, {}}, "mllp connection opened from {}", peer.remote_address);

  if (settings.over_capacity) {
    // MLLP has no way to say "busy": the sender sees the close and retries later.
    if (settings.metrics) settings.metrics->rejected("over_capacity");
    log::write(log::Level::warn, {connection_id, {}}, "connection refused", {{"reason", "over_capacity"}});
    co_return;
  }
  if (!settings.tls) {
    const Opened opened(*handler, peer, settings);
    if (!opened.accepted) co_return;
    co_await serve_frames(tcp, *control, settings, *handler, peer);
    tcp.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    co_return;
  }
  TlsStream stream(std::move(tcp), *settings.tls);
  if (!co_await accept_tls(stream, *control, settings, connection_id)) co_return;
  peer.certificate = peer_certificate(stream.native_handle());
  const Opened opened(*handler, peer, settings);
  if (!opened.accepted) {
    beast::get_lowest_layer(stream).expires_after(settings.limits.handshake_timeout);
    co_await stream.async_shutdown(kTuple);
    co_return;
  }
  co_await serve_frames(stream, *control, settings, *handler, peer);
  beast::get_lowest_layer(stream).expires_after(settings.limits.handshake_timeout);
  co_await stream.async_shutdown(kTuple);
}

}  // namespace

SessionRunner mllp_session_runner(std::shared_ptr<MllpHandler> handler) {
  return [handler = std::move(handler)](asio::ip::tcp::socket socket, std::shared_ptr<SessionControl> control,
                                        const SessionSettings& settings, std::string connection_id) {
    return run_mllp_session(std::move(socket), std::move(control), settings, handler, std::move(connection_id));
  };
}

}  // namespace hie::net
