#include "broker/net/http_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "broker/logging/log.hpp"
#include "broker/net/access_log.hpp"
#include "broker/net/http_request_reading.hpp"
#include "broker/net/listener_metrics.hpp"
#include "broker/net/request_id.hpp"
#include "broker/net/tls_accept.hpp"
#include "broker/net/websocket_session.hpp"

namespace hie::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using namespace asio::experimental::awaitable_operators;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// Plaintext already decrypted inside OpenSSL would not wake a wait on the socket.
bool has_buffered_plaintext(beast::tcp_stream&) { return false; }
bool has_buffered_plaintext(TlsStream& stream) { return SSL_pending(stream.native_handle()) > 0; }

std::optional<PeerCertificate> certificate_of(beast::tcp_stream&) { return std::nullopt; }
std::optional<PeerCertificate> certificate_of(TlsStream& stream) { return peer_certificate(stream.native_handle()); }

/// The WebSocket endpoint an upgrade request asks for, if there is one at its path.
std::shared_ptr<WebSocketEndpoint> websocket_endpoint_for(const HttpRequest& request, const WebSocketRoutes& routes) {
  if (routes.empty() || !beast::websocket::is_upgrade(request)) return nullptr;
  std::string_view target = request.target();
  auto it = routes.find(target.substr(0, target.find('?')));
  return it == routes.end() ? nullptr : it->second;
}

/// Waits, without reading, until the peer sends something. False when the idle deadline
/// passes or shutdown cancels the wait: nothing is in hand, so the connection just closes.
asio::awaitable<bool> wait_for_next_request(beast::tcp_stream& tcp, std::chrono::milliseconds idle) {
  asio::steady_timer timer(co_await asio::this_coro::executor, idle);
  auto outcome = co_await (tcp.socket().async_wait(asio::socket_base::wait_read, kTuple) ||
                           timer.async_wait(kTuple));
  if (outcome.index() == 1) co_return false;
  auto [ec] = std::get<0>(outcome);
  co_return !ec;
}

/// Runs the handler with the request deadline; a handler that overruns it yields 503.
asio::awaitable<HttpResponse> handle_with_deadline(const HttpHandler& handler, HttpRequest& request,
                                                   const RequestContext& context, std::chrono::milliseconds limit) {
  asio::steady_timer timer(co_await asio::this_coro::executor, limit);
  auto outcome = co_await (handler(request, context) || timer.async_wait(kTuple));
  if (outcome.index() == 0) co_return std::move(std::get<0>(outcome));
  log::warn({context.connection_id, context.request_id}, "handler did not answer within {} ms", limit.count());
  auto response = text_response(request, 503, "the request took too long\n");
  response.set(http::field::retry_after, "1");
  co_return response;
}

template <class Stream>
asio::awaitable<void> write_error_and_stop(Stream& stream, unsigned status, const std::string& reason) {
  HttpRequest stub;
  stub.version(11);
  auto response = text_response(stub, status, reason + "\n");
  response.keep_alive(false);
  response.prepare_payload();
  co_await http::async_write(stream, response, kTuple);
}

/// Serves requests until the connection should close; returns the upgrade when a request asks
/// to become a WebSocket at a configured endpoint (the caller hands the stream over).
template <class Stream>
asio::awaitable<std::optional<WebSocketUpgrade>> serve_requests(Stream& stream, SessionControl& control,
                                                                const SessionSettings& settings,
                                                                const HttpSessionRoutes& routes,
                                                                const std::string& connection_id,
                                                                const std::string& peer) {
  auto& tcp = beast::get_lowest_layer(stream);
  beast::flat_buffer buffer;
  const std::optional<PeerCertificate> certificate = certificate_of(stream);  // once per connection
  control.cancel = [&tcp] {
    boost::system::error_code ignored;
    tcp.socket().cancel(ignored);
  };
  for (unsigned sequence = 1;; ++sequence) {
    if (control.draining) co_return std::nullopt;
    if (buffer.size() == 0 && !has_buffered_plaintext(stream)) {
      control.idle = true;
      const bool woke = co_await wait_for_next_request(tcp, settings.limits.idle_timeout);
      control.idle = false;
      if (!woke) co_return std::nullopt;
    }

    // From the first byte on, the request is in hand: shutdown lets it finish.
    const auto started = std::chrono::steady_clock::now();
    RequestParser parser;
    limit_request_parser(parser, settings.limits);
    tcp.expires_after(settings.limits.request_timeout);
    auto [ec, bytes] = co_await http::async_read_header(stream, buffer, parser, kTuple);
    if (!ec) ec = check_head_size(bytes, settings.limits.max_header_bytes);
    if (!ec && !parser.is_done()) {
      if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
        http::response<http::empty_body> go_on{http::status::continue_, 11};
        std::tie(ec, std::ignore) = co_await http::async_write(stream, go_on, kTuple);
      }
      if (!ec) std::tie(ec, std::ignore) = co_await http::async_read(stream, buffer, parser, kTuple);
    }
    if (ec) {
      std::string reason = read_failure_reason(ec, parser.got_some() || bytes > 0);
      if (reason.empty()) co_return std::nullopt;
      if (settings.metrics) settings.metrics->rejected(reason);
      log::write(log::Level::info, {connection_id, {}}, "http request refused", {{"reason", reason}});
      // After a timeout the stream has closed the socket itself: nothing can be written.
      if (reason != "truncated" && reason != "timeout") co_await write_error_and_stop(stream, refusal_status(reason), reason);
      co_return std::nullopt;
    }

    HttpRequest request = parser.release();
    if (auto endpoint = websocket_endpoint_for(request, routes.websockets)) {
      tcp.expires_never();
      control.cancel = nullptr;  // the stream is about to move to the WebSocket session
      co_return WebSocketUpgrade{std::move(request), {connection_id, settings.listener_name, peer, certificate, tcp.get_executor()},
                                 std::move(endpoint)};
    }
    RequestContext context{connection_id, request_id_for(request["X-Request-Id"], connection_id, sequence),
                           peer, std::is_same_v<Stream, TlsStream>, certificate};
    tcp.expires_never();
    HttpResponse response = co_await handle_with_deadline(routes.handler, request, context, settings.limits.request_timeout);
    const bool keep_alive = response.keep_alive() && request.keep_alive() && !control.draining;
    response.keep_alive(keep_alive);
    response.set("X-Request-Id", context.request_id);
    response.prepare_payload();
    if (request.method() == http::verb::head) response.body().clear();  // Content-Length stays
    tcp.expires_after(settings.limits.request_timeout);
    auto [write_ec, written] = co_await http::async_write(stream, response, kTuple);
    if (routes.access_log)
      log_access({connection_id, context.request_id, request.method_string(), request.target(), peer,
                  response.result_int(), write_ec ? 0 : response.body().size(), std::chrono::steady_clock::now() - started});
    if (write_ec || !keep_alive) co_return std::nullopt;
  }
}

/// Half-closes, then reads and discards what the peer still sends (bounded), so that unread
/// request bytes do not make the kernel reset the connection and destroy our last response.
asio::awaitable<void> linger_close(beast::tcp_stream& tcp, std::chrono::milliseconds limit) {
  boost::system::error_code ignored;
  tcp.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  tcp.expires_after(limit);
  char sink[4096];
  for (std::size_t total = 0; total < (1u << 20);) {
    auto [ec, n] = co_await tcp.async_read_some(asio::buffer(sink), kTuple);
    if (ec) break;
    total += n;
  }
}

}  // namespace

asio::awaitable<void> run_http_session(asio::ip::tcp::socket socket, std::shared_ptr<SessionControl> control,
                                       const SessionSettings& settings, const HttpSessionRoutes& routes,
                                       std::string connection_id) {
  // The stream lives in this frame: make sure nobody calls cancel on it once the frame is gone.
  struct ClearCancel {
    SessionControl& control;
    ~ClearCancel() { control.cancel = nullptr; }
  } clear_cancel{*control};
  boost::system::error_code ignored;
  auto remote = socket.remote_endpoint(ignored);
  std::string peer = remote.address().to_string() + ":" + std::to_string(remote.port());
  beast::tcp_stream tcp(std::move(socket));
  log::debug({connection_id, {}}, "connection opened from {}", peer);
  const auto linger = control->draining ? std::chrono::milliseconds(200) : std::chrono::milliseconds(1000);

  if (settings.over_capacity) {
    if (settings.metrics) settings.metrics->rejected("over_capacity");
    log::write(log::Level::warn, {connection_id, {}}, "connection refused", {{"reason", "over_capacity"}});
    if (!settings.tls) {
      HttpRequest stub;
      stub.version(11);
      auto response = text_response(stub, 503, "too many connections\n");
      response.set(http::field::retry_after, "1");
      response.keep_alive(false);
      tcp.expires_after(settings.limits.request_timeout);
      co_await http::async_write(tcp, response, kTuple);
      co_await linger_close(tcp, linger);
    }
    co_return;
  }

  if (!settings.tls) {
    if (auto upgrade = co_await serve_requests(tcp, *control, settings, routes, connection_id, peer))
      co_return co_await run_websocket_session(std::move(tcp), std::move(*upgrade), *control, settings);
    co_await linger_close(tcp, control->draining ? std::chrono::milliseconds(200) : linger);
    co_return;
  }

  TlsStream stream(std::move(tcp), *settings.tls);
  if (!co_await accept_tls(stream, *control, settings, connection_id)) co_return;
  if (auto upgrade = co_await serve_requests(stream, *control, settings, routes, connection_id, peer))
    co_return co_await run_websocket_session(std::move(stream), std::move(*upgrade), *control, settings);
  beast::get_lowest_layer(stream).expires_after(settings.limits.handshake_timeout);
  co_await stream.async_shutdown(kTuple);
}

SessionRunner http_session_runner(HttpHandler handler, WebSocketRoutes websockets, bool access_log) {
  auto routes = std::make_shared<const HttpSessionRoutes>(
      HttpSessionRoutes{std::move(handler), std::move(websockets), access_log});
  return [routes](asio::ip::tcp::socket socket, std::shared_ptr<SessionControl> control,
                  const SessionSettings& settings, std::string connection_id) {
    return run_http_session(std::move(socket), std::move(control), settings, *routes, std::move(connection_id));
  };
}

}  // namespace hie::net
