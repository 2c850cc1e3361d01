#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <openssl/ssl.h>

#include "broker/net/tls_context.hpp"
#include "test_server.hpp"
#include "tests/support/raw_http_client.hpp"
#include "tests/support/test_certificates.hpp"

namespace hie::net {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace http = boost::beast::http;
using namespace std::chrono_literals;

struct ClientOptions {
  bool present_certificate = false;
  bool trust_server = true;
  int max_version = 0;  // 0: OpenSSL's default
};

/// GET /tls over TLS; the status, or 0 when the handshake or the exchange failed.
int tls_get(std::uint16_t port, const ClientOptions& options) {
  const auto& pki = hie::testing::test_certificates();
  ssl::context ctx(ssl::context::tls_client);
  if (options.trust_server) ctx.load_verify_file(pki.ca_cert);
  ctx.set_verify_mode(options.trust_server ? ssl::verify_peer : ssl::verify_none);
  if (options.present_certificate) {
    ctx.use_certificate_chain_file(pki.client_cert);
    ctx.use_private_key_file(pki.client_key, ssl::context::pem);
  }
  if (options.max_version) {
    SSL_CTX_set_security_level(ctx.native_handle(), 0);
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_VERSION);
    SSL_CTX_set_max_proto_version(ctx.native_handle(), options.max_version);
  }
  asio::io_context io;
  ssl::stream<asio::ip::tcp::socket> stream(io, ctx);
  boost::system::error_code ec;
  stream.lowest_layer().connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  if (ec) return 0;
  stream.handshake(ssl::stream_base::client, ec);
  if (ec) return 0;
  http::request<http::string_body> request{http::verb::get, "/tls", 11};
  request.set(http::field::host, "localhost");
  http::write(stream, request, ec);
  if (ec) return 0;
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response, ec);
  if (ec) return 0;
  return response.result_int();
}

std::shared_ptr<ssl::context> server_context(bool require_client_cert) {
  const auto& pki = hie::testing::test_certificates();
  config::TlsSettings settings;
  settings.cert = pki.server_cert;
  settings.key = pki.server_key;
  settings.ca = pki.ca_cert;
  settings.require_client_cert = require_client_cert;
  auto ctx = make_server_tls_context(settings);
  if (!ctx) throw std::runtime_error(ctx.error().describe());
  return *ctx;
}

config::Limits limits() {
  config::Limits l;
  l.handshake_timeout = 2s;
  l.idle_timeout = 2s;
  return l;
}

TEST(TlsListener, ServesHttpsWithTls12OrLater) {
  testing::TestServer server(limits(), testing::echo_handler(), server_context(false));
  EXPECT_EQ(tls_get(server.port(), {}), 200);
  EXPECT_EQ(tls_get(server.port(), {.max_version = TLS1_2_VERSION}), 200);
}

TEST(TlsListener, RefusesTls11) {
  testing::TestServer server(limits(), testing::echo_handler(), server_context(false));
  EXPECT_EQ(tls_get(server.port(), {.max_version = TLS1_1_VERSION}), 0);
  EXPECT_TRUE(server.metrics_eventually_contain(R"(reason="tls_handshake"} 1)"));
}

TEST(TlsListener, PlainHttpOnTlsPortGetsNoHttpAnswer) {
  testing::TestServer server(limits(), testing::echo_handler(), server_context(false));
  hie::testing::RawConnection c(server.port());
  c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(c.read_response(3s).status, 0);
}

TEST(TlsListener, MutualTlsNeedsACertificateFromTheConfiguredCa) {
  testing::TestServer server(limits(), testing::echo_handler(), server_context(true));
  EXPECT_EQ(tls_get(server.port(), {.present_certificate = true}), 200);
  EXPECT_EQ(tls_get(server.port(), {.present_certificate = false}), 0);
}

TEST(TlsListener, MissingKeyFileIsNamed) {
  const auto& pki = hie::testing::test_certificates();
  config::TlsSettings settings;
  settings.cert = pki.server_cert;
  settings.key = pki.dir + "/absent.key";
  auto ctx = make_server_tls_context(settings);
  ASSERT_FALSE(ctx);
  EXPECT_EQ(ctx.error().location(), pki.dir + "/absent.key");
}

TEST(TlsListener, MismatchedKeyIsRefused) {
  const auto& pki = hie::testing::test_certificates();
  config::TlsSettings settings;
  settings.cert = pki.server_cert;
  settings.key = pki.client_key;
  auto ctx = make_server_tls_context(settings);
  ASSERT_FALSE(ctx);
  EXPECT_EQ(ctx.error().location(), pki.client_key) << ctx.error().describe();
}

}  // namespace
}  // namespace hie::net
