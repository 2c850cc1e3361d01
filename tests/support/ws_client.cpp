#include "ws_client.hpp"

#include "tls_client_context.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

namespace hie::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
namespace websocket = beast::websocket;

struct WsClient::Impl {
  explicit Impl(const TlsClientOptions& options) : context(client_tls_context(options)), ws(io, context) {}

  template <class Start>
  boost::system::error_code run(std::chrono::milliseconds timeout, Start start) {
    return run_with_deadline(io, timeout, std::move(start), [this] {
      boost::system::error_code ignored;
      beast::get_lowest_layer(ws).socket().close(ignored);
    });
  }

  asio::io_context io;
  ssl::context context;
  websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws;
  websocket::response_type response;
  bool upgraded = false;
  std::string error;
  int close_code = 0;
};

WsClient::WsClient(std::uint16_t port, const TlsClientOptions& options, const std::string& target)
    : impl_(std::make_unique<Impl>(options)) {
  auto& ws = impl_->ws;
  boost::system::error_code ec;
  beast::get_lowest_layer(ws).socket().connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  if (!ec) ec = impl_->run(std::chrono::seconds(10), [&](auto done) {
    ws.next_layer().async_handshake(ssl::stream_base::client, done);
  });
  if (!ec) ec = impl_->run(std::chrono::seconds(10), [&](auto done) {
    ws.async_handshake(impl_->response, "127.0.0.1", target, done);
  });
  impl_->upgraded = !ec;
  if (ec) impl_->error = ec.message();
}

WsClient::~WsClient() {
  if (!impl_->upgraded || impl_->close_code) return;
  impl_->run(std::chrono::seconds(2), [&](auto done) { impl_->ws.async_close(websocket::close_code::normal, done); });
}

bool WsClient::upgraded() const { return impl_->upgraded; }
int WsClient::http_status() const { return static_cast<int>(impl_->response.result_int()); }
const std::string& WsClient::http_body() const { return impl_->response.body(); }
const std::string& WsClient::error() const { return impl_->error; }
int WsClient::close_code() const { return impl_->close_code; }

bool WsClient::send_text(const std::string& text) {
  if (!impl_->upgraded) return false;
  impl_->ws.text(true);
  return !impl_->run(std::chrono::seconds(10),
                     [&](auto done) { impl_->ws.async_write(asio::buffer(text), done); });
}

bool WsClient::send_binary(const std::string& bytes) {
  if (!impl_->upgraded) return false;
  impl_->ws.binary(true);
  return !impl_->run(std::chrono::seconds(10),
                     [&](auto done) { impl_->ws.async_write(asio::buffer(bytes), done); });
}

std::optional<std::string> WsClient::read(std::chrono::milliseconds timeout) {
  if (!impl_->upgraded || impl_->close_code) return std::nullopt;
  beast::flat_buffer buffer;
  auto ec = impl_->run(timeout, [&](auto done) { impl_->ws.async_read(buffer, done); });
  if (ec == websocket::error::closed) impl_->close_code = impl_->ws.reason().code;
  if (ec) return std::nullopt;
  return beast::buffers_to_string(buffer.data());
}

}  // namespace hie::testing
