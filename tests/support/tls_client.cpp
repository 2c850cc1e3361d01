#include "tls_client.hpp"

#include "tls_client_context.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <openssl/ssl.h>

#include <stdexcept>
#include <utility>

namespace hie::testing {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using asio::ip::tcp;

ssl::context client_tls_context(const TlsClientOptions& options) {
  ssl::context ctx(ssl::context::tls_client);
  if (!options.ca_cert.empty()) {
    ctx.load_verify_file(options.ca_cert);
    ctx.set_verify_mode(ssl::verify_peer);
  }
  if (!options.cert.empty()) {
    ctx.use_certificate_chain_file(options.cert);
    ctx.use_private_key_file(options.key, ssl::context::pem);
  }
  if (options.max_version) {
    // OpenSSL 3 will not even offer TLS 1.1 at the default security level.
    SSL_CTX_set_security_level(ctx.native_handle(), 0);
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_VERSION);
    SSL_CTX_set_max_proto_version(ctx.native_handle(), options.max_version);
  }
  return ctx;
}

struct TlsConnection::Impl {
  explicit Impl(const TlsClientOptions& options) : context(client_tls_context(options)), stream(io, context) {}

  asio::io_context io;
  ssl::context context;
  ssl::stream<tcp::socket> stream;
  bool handshake_ok = false;
  std::string handshake_error;
  std::string buffer;

  template <class Start>
  boost::system::error_code run(std::chrono::milliseconds timeout, Start start) {
    return run_with_deadline(io, timeout, std::move(start), [this] {
      boost::system::error_code ignored;
      stream.lowest_layer().close(ignored);
    });
  }
};

TlsConnection::TlsConnection(std::uint16_t port, const TlsClientOptions& options, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>(options)) {
  boost::system::error_code ec;
  impl_->stream.lowest_layer().connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  if (ec) throw std::runtime_error("connect() to port " + std::to_string(port) + " failed: " + ec.message());
  ec = impl_->run(timeout, [&](auto done) { impl_->stream.async_handshake(ssl::stream_base::client, done); });
  impl_->handshake_ok = !ec;
  if (ec) impl_->handshake_error = ec.message();
}

TlsConnection::~TlsConnection() = default;

bool TlsConnection::handshake_ok() const { return impl_->handshake_ok; }
const std::string& TlsConnection::handshake_error() const { return impl_->handshake_error; }

bool TlsConnection::send(const std::string& bytes) {
  if (!impl_->handshake_ok) return false;
  auto ec = impl_->run(std::chrono::seconds(10),
                       [&](auto done) { asio::async_write(impl_->stream, asio::buffer(bytes), done); });
  return !ec;
}

std::optional<std::string> TlsConnection::read_until(const std::string& terminator,
                                                     std::chrono::milliseconds timeout) {
  if (!impl_->handshake_ok) return std::nullopt;
  std::size_t length = 0;
  auto ec = impl_->run(timeout, [&](auto done) {
    asio::async_read_until(impl_->stream, asio::dynamic_buffer(impl_->buffer), terminator,
                           [&length, done](boost::system::error_code ec, std::size_t n) mutable {
                             length = n;
                             done(ec);
                           });
  });
  if (ec) return std::nullopt;
  std::string out = impl_->buffer.substr(0, length);
  impl_->buffer.erase(0, length);
  return out;
}

std::string TlsConnection::read_to_end(std::chrono::milliseconds timeout) {
  if (!impl_->handshake_ok) return {};
  // Ends with eof, or stream_truncated from a server that closes without close_notify.
  impl_->run(timeout, [&](auto done) { asio::async_read(impl_->stream, asio::dynamic_buffer(impl_->buffer), done); });
  return std::exchange(impl_->buffer, {});
}

TlsResponse tls_get(std::uint16_t port, const TlsClientOptions& options, const std::string& target) {
  TlsConnection connection(port, options);
  if (!connection.send("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")) return {};
  const std::string response = connection.read_to_end();
  const auto head_end = response.find("\r\n\r\n");
  if (head_end == std::string::npos || response.rfind("HTTP/1.1 ", 0) != 0) return {};
  return {std::stoi(response.substr(9, 3)), response.substr(head_end + 4)};
}

}  // namespace hie::testing
