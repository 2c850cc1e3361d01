#include "broker/peers/fhir_http_channel.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <tuple>

#include "broker/net/http_request_reading.hpp"
#include "broker/net/tls_server_identity.hpp"

namespace hie::peers::fhir_rest {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

Error aborted() { return make_error(Errc::io_error, "the query ended"); }

}  // namespace

FhirHttpChannel::FhirHttpChannel(asio::any_io_executor executor, HttpUrl origin,
                                 std::shared_ptr<asio::ssl::context> tls, ChannelLimits limits)
    : executor_(executor),
      origin_(std::move(origin)),
      tls_(std::move(tls)),
      limits_(std::move(limits)),
      resolver_(executor) {}

beast::tcp_stream* FhirHttpChannel::tcp() {
  if (secure_) return &beast::get_lowest_layer(*secure_);
  return plain_.get();
}

void FhirHttpChannel::close() {
  if (auto* stream = tcp()) {
    boost::system::error_code ignored;
    stream->socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    stream->close();
  }
  connected_ = false;
  buffer_.clear();
}

void FhirHttpChannel::abort() {
  aborted_ = true;
  resolver_.cancel();
  close();
}

asio::awaitable<Status> FhirHttpChannel::connect() {
  secure_.reset();
  plain_.reset();
  auto [resolve_ec, endpoints] =
      co_await resolver_.async_resolve(origin_.host, std::to_string(origin_.port), kTuple);
  if (aborted_) co_return aborted();
  if (resolve_ec)
    co_return make_error(Errc::io_error,
                         "cannot resolve the server's name: " + resolve_ec.message());

  if (tls_) {
    secure_ = std::make_unique<TlsStream>(beast::tcp_stream(executor_), *tls_);
    if (auto named = net::expect_server_identity(secure_->native_handle(), origin_.host); !named)
      co_return named.error();
  } else {
    plain_ = std::make_unique<beast::tcp_stream>(executor_);
  }
  auto [connect_ec, endpoint] = co_await tcp()->async_connect(endpoints, kTuple);
  if (aborted_) co_return aborted();
  if (connect_ec) co_return make_error(Errc::io_error, "cannot connect: " + connect_ec.message());
  if (secure_) {
    auto [handshake_ec] = co_await secure_->async_handshake(asio::ssl::stream_base::client, kTuple);
    if (aborted_) co_return aborted();
    if (handshake_ec)
      co_return make_error(Errc::io_error,
                           net::client_handshake_failure(secure_->native_handle(), handshake_ec));
  }
  connected_ = true;
  co_return Status{};
}

template <class Stream>
asio::awaitable<Result<HttpReply>> FhirHttpChannel::exchange(Stream& stream,
                                                             const std::string& target,
                                                             bool& nothing_received,
                                                             bool& keep_alive) {
  http::request<http::empty_body> request{http::verb::get, target, 11};
  request.set(http::field::host, origin_.authority());
  request.set(http::field::accept, "application/fhir+json");
  request.set(http::field::user_agent, limits_.user_agent);
  nothing_received = true;
  auto [write_ec, written] = co_await http::async_write(stream, request, kTuple);
  if (aborted_) co_return aborted();
  if (write_ec)
    co_return make_error(Errc::io_error, "cannot send the request: " + write_ec.message());

  http::response_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(limits_.max_header_bytes));
  parser.body_limit(limits_.max_body_bytes);
  // The head first, to check its whole size as the listener does (net::check_head_size).
  auto [read_ec, head_bytes] = co_await http::async_read_header(stream, buffer_, parser, kTuple);
  if (!read_ec) read_ec = net::check_head_size(head_bytes, limits_.max_header_bytes);
  if (!read_ec && !parser.is_done())
    std::tie(read_ec, std::ignore) = co_await http::async_read(stream, buffer_, parser, kTuple);
  if (aborted_) co_return aborted();
  nothing_received = !parser.got_some();
  if (read_ec == http::error::body_limit)
    co_return make_error(
        Errc::limit_exceeded,
        "the response body is over the " + std::to_string(limits_.max_body_bytes) + "-byte limit");
  if (read_ec == http::error::header_limit)
    co_return make_error(Errc::limit_exceeded, "the response header is over the " +
                                                   std::to_string(limits_.max_header_bytes) +
                                                   "-byte limit");
  if (read_ec) co_return make_error(Errc::io_error, "no complete response: " + read_ec.message());
  auto response = parser.release();
  keep_alive = response.keep_alive();
  co_return HttpReply{response.result_int(), std::string(response[http::field::content_type]),
                      std::move(response.body())};
}

asio::awaitable<Result<HttpReply>> FhirHttpChannel::get(std::string target) {
  for (int attempt = 0;; ++attempt) {
    if (aborted_) co_return aborted();
    const bool reused = connected_;
    if (!connected_)
      if (auto connected = co_await connect(); !connected) {
        close();
        co_return connected.error();
      }
    bool nothing_received = false, keep_alive = false;
    // Not a ?: with a co_await in each branch: GCC 12 destroys the chosen result twice.
    Result<HttpReply> reply = make_error(Errc::internal, "no exchange");
    if (secure_)
      reply = co_await exchange(*secure_, target, nothing_received, keep_alive);
    else
      reply = co_await exchange(*plain_, target, nothing_received, keep_alive);
    if (!reply || !keep_alive) close();
    // A kept-alive connection the server closed meanwhile fails before any byte of an answer:
    // a GET is safe to send again, once, on a new connection.
    if (!reply && reused && nothing_received && attempt == 0 && !aborted_) continue;
    co_return reply;
  }
}

}  // namespace hie::peers::fhir_rest
