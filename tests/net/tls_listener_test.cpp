#include <gtest/gtest.h>

#include <openssl/ssl.h>

#include "broker/net/tls_context.hpp"
#include "test_server.hpp"
#include "tests/support/raw_http_client.hpp"
#include "tests/support/test_certificates.hpp"
#include "tests/support/tls_client.hpp"

namespace hie::net {
namespace {

using namespace std::chrono_literals;
using hie::testing::anonymous_client;
using hie::testing::north_hie_client;
using hie::testing::stranger_client;
using hie::testing::tls_get;
using testing::test_tls_context;

/// What a listener's directory of exchanges would say: only north-hie is known.
bool knows_north_hie(const PeerCertificate& certificate) { return certificate.subject_cn == "north-hie"; }

config::Limits limits() {
  config::Limits l;
  // Long enough that a starved machine (sanitizers, two ctest jobs) does not time a client out
  // between its handshake and its request; no test here waits for these to pass.
  l.handshake_timeout = 10s;
  l.idle_timeout = 10s;
  return l;
}

TEST(TlsListener, ServesHttpsWithTls12OrLater) {
  testing::TestServer server(limits(), testing::echo_handler(), test_tls_context(false));
  EXPECT_EQ(tls_get(server.port(), anonymous_client()).status, 200);
  EXPECT_EQ(tls_get(server.port(), anonymous_client(TLS1_2_VERSION)).status, 200);
}

TEST(TlsListener, RefusesTls11) {
  testing::TestServer server(limits(), testing::echo_handler(), test_tls_context(false));
  EXPECT_EQ(tls_get(server.port(), anonymous_client(TLS1_1_VERSION)).status, 0);
  EXPECT_TRUE(server.metrics_eventually_contain(R"(reason="tls_handshake"} 1)"));
}

TEST(TlsListener, PlainHttpOnTlsPortGetsNoHttpAnswer) {
  testing::TestServer server(limits(), testing::echo_handler(), test_tls_context(false));
  hie::testing::RawConnection c(server.port());
  c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(c.read_response(3s).status, 0);
}

TEST(TlsListener, MutualTlsNeedsACertificateFromTheConfiguredCa) {
  testing::TestServer server(limits(), testing::echo_handler(), test_tls_context(true));
  EXPECT_EQ(tls_get(server.port(), north_hie_client()).status, 200);
  EXPECT_EQ(tls_get(server.port(), anonymous_client()).status, 0);
}

TEST(TlsListener, AKnownClientCertificateIsServedOverTls12And13) {
  testing::TestServer server(limits(), testing::echo_handler(), test_tls_context(true), knows_north_hie);
  EXPECT_EQ(tls_get(server.port(), north_hie_client()).status, 200);
  EXPECT_EQ(tls_get(server.port(), north_hie_client(TLS1_2_VERSION)).status, 200);
}

TEST(TlsListener, AnUnknownClientCertificateOfTheSameCaFailsTheHandshake) {
  testing::TestServer server(limits(), testing::echo_handler(), test_tls_context(true), knows_north_hie);
  // TLS 1.2: the server checks the certificate before it finishes, so the client sees the failure.
  hie::testing::TlsConnection tls12(server.port(), stranger_client(TLS1_2_VERSION));
  EXPECT_FALSE(tls12.handshake_ok());
  // TLS 1.3: the client has finished before the server reads its certificate; the server's
  // handshake fails all the same and nothing is served.
  EXPECT_EQ(tls_get(server.port(), stranger_client()).status, 0);
  EXPECT_TRUE(server.metrics_eventually_contain(R"(hie_http_rejected_total{listener="http",reason="tls_handshake"} 2)"));
}

TEST(TlsListener, ATls11ClientWithAKnownCertificateIsRefused) {
  testing::TestServer server(limits(), testing::echo_handler(), test_tls_context(true), knows_north_hie);
  hie::testing::TlsConnection old(server.port(), north_hie_client(TLS1_1_VERSION));
  EXPECT_FALSE(old.handshake_ok());
  EXPECT_TRUE(server.metrics_eventually_contain(R"(hie_http_rejected_total{listener="http",reason="tls_handshake"} 1)"));
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
