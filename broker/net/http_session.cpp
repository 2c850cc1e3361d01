#include "broker/net/http_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "broker/logging/log.hpp"
#include "broker/net/http_listener_metrics.hpp"

namespace hie::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

/// Why a read failed, as a metric reason, or empty for an ordinary close.
std::string read_failure_reason(const boost::system::error_code& ec, bool had_bytes) {
  if (ec == http::error::header_limit) return "header_too_large";
  if (ec == http::error::body_limit) return "body_too_large";
  if (ec == beast::error::timeout) return had_bytes ? "timeout" : "";
  if (ec == http::error::end_of_stream || ec == asio::error::eof ||
      ec == asio::error::operation_aborted || ec == asio::error::connection_reset)
    return had_bytes ? "truncated" : "";
  return "malformed";
}

unsigned status_for(const std::string& reason) {
  if (reason == "header_too_large") return 431;
  if (reason == "body_too_large") return 413;
  return 400;
}

template <class Stream>
asio::awaitable<void> write_and_close(Stream& stream, HttpResponse response) {
  response.keep_alive(false);
  response.prepare_payload();
  co_await http::async_write(stream, response, kTuple);
}

template <class Stream>
asio::awaitable<void> serve_requests(Stream& stream, SessionControl& control,
                                     const SessionSettings& settings, const HttpHandler& handler,
                                     const std::string& connection_id, const std::string& peer) {
  auto& tcp = beast::get_lowest_layer(stream);
  beast::flat_buffer buffer;
  control.cancel = [&tcp] { tcp.cancel(); };
  for (unsigned sequence = 1;; ++sequence) {
    if (control.draining) co_return;
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(settings.limits.max_header_bytes));
    parser.body_limit(settings.limits.max_body_bytes);

    control.idle = buffer.size() == 0;
    tcp.expires_after(control.idle ? settings.limits.idle_timeout : settings.limits.request_timeout);
    auto [ec, bytes] = co_await http::async_read(stream, buffer, parser, kTuple);
    bool had_bytes = parser.got_some() || bytes > 0;
    control.idle = false;
    if (ec) {
      std::string reason = read_failure_reason(ec, had_bytes);
      if (reason.empty()) co_return;
      if (settings.metrics) settings.metrics->rejected(reason);
      log::write(log::Level::info, {connection_id, {}}, "http request refused", {{"reason", reason}});
      HttpRequest stub;
      stub.version(11);
      // After a timeout the stream has already closed the socket: nothing can be written.
      if (reason != "truncated" && reason != "timeout" && !control.draining) {
        tcp.expires_after(settings.limits.request_timeout);
        co_await write_and_close(stream, text_response(stub, status_for(reason), reason + "\n"));
      }
      co_return;
    }

    HttpRequest request = parser.release();
    RequestContext context{connection_id, connection_id + "-" + std::to_string(sequence), peer};
    HttpResponse response = co_await handler(request, context);
    const bool keep_alive = request.keep_alive() && !control.draining;
    response.keep_alive(keep_alive);
    response.prepare_payload();
    tcp.expires_after(settings.limits.request_timeout);
    auto [write_ec, written] = co_await http::async_write(stream, response, kTuple);
    if (write_ec || !keep_alive) co_return;
  }
}

}  // namespace

HttpResponse text_response(const HttpRequest& request, unsigned status, std::string body,
                           std::string content_type) {
  HttpResponse response{static_cast<http::status>(status), request.version()};
  response.set(http::field::server, "hiebroker");
  response.set(http::field::content_type, content_type);
  response.keep_alive(request.keep_alive());
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

asio::awaitable<void> run_http_session(asio::ip::tcp::socket socket, std::shared_ptr<SessionControl> control,
                                       const SessionSettings& settings, const HttpHandler& handler,
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

  if (settings.over_capacity) {
    if (settings.metrics) settings.metrics->rejected("over_capacity");
    if (!settings.tls) {
      HttpRequest stub;
      stub.version(11);
      auto response = text_response(stub, 503, "too many connections\n");
      response.set(http::field::retry_after, "1");
      tcp.expires_after(settings.limits.request_timeout);
      co_await write_and_close(tcp, std::move(response));
    }
    co_return;
  }

  if (!settings.tls) {
    co_await serve_requests(tcp, *control, settings, handler, connection_id, peer);
    tcp.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    co_return;
  }

  beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp), *settings.tls);
  control->cancel = [&stream] { beast::get_lowest_layer(stream).cancel(); };
  beast::get_lowest_layer(stream).expires_after(settings.limits.handshake_timeout);
  auto [handshake_ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kTuple);
  if (handshake_ec) {
    if (settings.metrics) settings.metrics->rejected("tls_handshake");
    log::write(log::Level::info, {connection_id, {}}, "tls handshake failed", {{"reason", handshake_ec.message()}});
    co_return;
  }
  co_await serve_requests(stream, *control, settings, handler, connection_id, peer);
  beast::get_lowest_layer(stream).expires_after(settings.limits.handshake_timeout);
  co_await stream.async_shutdown(kTuple);
}

}  // namespace hie::net
