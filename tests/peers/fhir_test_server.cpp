#include "tests/peers/fhir_test_server.hpp"

#include <openssl/x509.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <stdexcept>

namespace hie::peers::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

struct FhirTestServer::Impl {
  FhirHandler handler;
  std::shared_ptr<asio::ssl::context> tls;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::thread thread;

  mutable std::mutex mutex;
  std::vector<SeenRequest> requests;
  std::vector<std::string> bodies;
  std::size_t connections = 0;
  std::vector<std::string> server_names, client_names;

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(kTuple);
      if (ec) co_return;
      {
        std::lock_guard lock(mutex);
        ++connections;
      }
      asio::co_spawn(io, session(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> session(tcp::socket socket) {
    if (!tls) {
      beast::tcp_stream stream(std::move(socket));
      co_await serve(stream, false);
      co_return;
    }
    beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *tls);
    auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kTuple);
    if (ec) co_return;
    SSL* ssl = stream.native_handle();
    const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    std::string client;
    if (X509* cert = SSL_get1_peer_certificate(ssl)) {
      char cn[256] = {};
      X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof cn);
      client = cn;
      X509_free(cert);
    }
    {
      std::lock_guard lock(mutex);
      server_names.emplace_back(sni ? sni : "");
      client_names.push_back(client);
    }
    co_await serve(stream, true);
  }

  template <class Stream>
  asio::awaitable<void> serve(Stream& stream, bool secure) {
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> request;
      auto [ec, n] = co_await http::async_read(stream, buffer, request, kTuple);
      if (ec) co_return;
      SeenRequest seen{std::string(request.target()), std::string(request[http::field::accept]),
                       std::string(request[http::field::host]), secure};
      {
        std::lock_guard lock(mutex);
        requests.push_back(seen);
      }
      FhirReply reply = handler(seen);
      if (reply.never) {
        // Hold the connection open without a word until the client gives up.
        char sink[64];
        for (;;) {
          auto [read_ec, got] =
              co_await beast::get_lowest_layer(stream).async_read_some(asio::buffer(sink), kTuple);
          if (read_ec) co_return;
        }
      }
      http::response<http::string_body> response{static_cast<http::status>(reply.status), 11};
      response.set(http::field::content_type, reply.content_type);
      response.keep_alive(request.keep_alive());
      if (reply.head_padding > 0) {
        response.reason(std::string(reply.head_padding / 2, 'r'));
        response.set("X-Padding", std::string(reply.head_padding - reply.head_padding / 2, 'x'));
      }
      response.body() = reply.body;
      if (reply.chunked)
        response.chunked(true);
      else
        response.prepare_payload();
      if (reply.status / 100 == 2) {
        std::lock_guard lock(mutex);
        bodies.push_back(reply.body);
      }
      auto [write_ec, written] = co_await http::async_write(stream, response, kTuple);
      if (write_ec || !response.keep_alive()) co_return;
    }
  }
};

FhirTestServer::FhirTestServer(FhirHandler handler, std::shared_ptr<asio::ssl::context> tls,
                               const std::string& bind)
    : impl_(std::make_unique<Impl>()), tls_(tls != nullptr) {
  impl_->handler = std::move(handler);
  impl_->tls = std::move(tls);
  tcp::endpoint endpoint(asio::ip::make_address(bind), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  port_ = impl_->acceptor.local_endpoint().port();
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

FhirTestServer::~FhirTestServer() {
  impl_->io.stop();
  impl_->thread.join();
}

std::string FhirTestServer::base_url(const std::string& host) const {
  return std::string(tls_ ? "https" : "http") + "://" + host + ":" + std::to_string(port_) +
         "/fhir";
}

std::vector<SeenRequest> FhirTestServer::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

std::vector<std::string> FhirTestServer::targets() const {
  std::vector<std::string> out;
  for (const auto& request : requests()) out.push_back(request.target);
  return out;
}

std::vector<std::string> FhirTestServer::answered_bodies() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->bodies;
}

std::size_t FhirTestServer::connections() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->connections;
}

std::vector<std::string> FhirTestServer::server_names() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->server_names;
}

std::vector<std::string> FhirTestServer::client_names() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->client_names;
}

}  // namespace hie::peers::testing
