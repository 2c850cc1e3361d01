// Mutual TLS end to end: scripts/gen-dev-certs makes the development PKI, the real broker runs
// config/demo-tls.json on it, and only a configured exchange's certificate gets a connection.
#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <signal.h>

#include <filesystem>
#include <map>
#include <thread>

#include "adapters/hl7v2/mllp_codec.hpp"
#include "tests/integration/broker_process.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/tls_client.hpp"

namespace hie::testing {
namespace {

using namespace std::chrono_literals;
namespace v2 = adapters::hl7v2;

const std::string kGenDevCerts = std::string(HIE_SOURCE_DIR) + "/scripts/gen-dev-certs";

/// Every file in `folder` with its contents, to see whether a run changed anything.
std::map<std::string, std::string> snapshot(const TempDir& dir, const std::string& folder) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path(folder)))
    files[entry.path().filename().string()] = dir.read(folder + "/" + entry.path().filename().string());
  return files;
}

TlsClientOptions client_of(const TempDir& dir, const std::string& exchange, int max_version = 0) {
  return {.ca_cert = dir.path("dev-certs/ca.crt"),
          .cert = dir.path("dev-certs/" + exchange + ".crt"),
          .key = dir.path("dev-certs/" + exchange + ".key"),
          .max_version = max_version};
}

TEST(TlsIdentity, GenDevCertsMakesWhatDemoTlsNeedsOnceAndServeNamesAMissingFile) {
  TempDir dir;
  const std::string config = copy_demo_tls_config(dir);
  auto missing = run_command(serve_argv(dir, {}, config));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("file not found: " + dir.path("dev-certs/broker.crt")), std::string::npos)
      << missing.err;

  auto first = run_command({kGenDevCerts, "--out", dir.path("dev-certs")});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  for (std::string name : {"ca", "broker", "north-hie", "city-hie", "valley-hie"})
    EXPECT_NE(first.out.find("wrote " + dir.path("dev-certs/" + name + ".crt")), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("wrote " + dir.path("dev-certs/dev-issuer.key")), std::string::npos) << first.out;
  const auto made = snapshot(dir, "dev-certs");
  EXPECT_EQ(made.size(), 11u);  // five certificates, their keys, and the development token issuer's key

  auto again = run_command({kGenDevCerts, "--out", dir.path("dev-certs")});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out.find("wrote"), std::string::npos) << again.out;
  EXPECT_EQ(snapshot(dir, "dev-certs"), made);

  auto check = run_command({kBinary, "check-config", config});
  EXPECT_EQ(check.exit_code, 0) << check.err;
}

TEST(TlsIdentity, OnlyAConfiguredExchangesCertificateGetsAnMllpConnection) {
  TempDir dir;
  const std::string config = copy_demo_tls_config(dir);
  ASSERT_EQ(run_command({kGenDevCerts, "--out", dir.path("dev-certs")}).exit_code, 0);
  // Signed by the same development CA, but no exchange of that name is configured.
  auto stranger = run_command({kGenDevCerts, "--out", dir.path("dev-certs"), "stranger-hie"});
  ASSERT_EQ(stranger.exit_code, 0) << stranger.err;
  EXPECT_EQ(stranger.out, "wrote " + dir.path("dev-certs/stranger-hie.crt") + " and stranger-hie.key\n");

  ChildProcess broker(serve_argv(dir, {}, config), dir.path("stderr.log"));
  auto https = read_listening_port(broker, "http");
  ASSERT_TRUE(https) << dir.read("stderr.log");
  auto mllp = read_listening_port(broker, "mllp");
  ASSERT_TRUE(mllp) << dir.read("stderr.log");
  TlsClientOptions anonymous;
  anonymous.ca_cert = dir.path("dev-certs/ca.crt");
  EXPECT_EQ(tls_get(*https, anonymous, "/healthz").status, 200);

  const std::string end_block{v2::kMllpEndBlock, v2::kMllpCarriageReturn};
  {
    TlsConnection north(*mllp, client_of(dir, "north-hie"));
    ASSERT_TRUE(north.handshake_ok()) << north.handshake_error();
    // MSH-4 names no exchange and the listener has no default: the certificate places it.
    north.send(v2::mllp_frame("MSH|^~\\&|PAS|ANYFAC|HIE|HIE|20240102030405||ADT^A08|TLS-1|P|2.5.1\r"
                              "PID|1||943476591^^^NHS^NH||SMITH^JOHN\r"));
    auto ack = north.read_until(end_block);
    ASSERT_TRUE(ack);
    EXPECT_NE(ack->find("MSA|AA|TLS-1"), std::string::npos) << *ack;
  }
  {
    TlsConnection refused(*mllp, client_of(dir, "stranger-hie"));
    refused.send(v2::mllp_frame("MSH|^~\\&|PAS|ANYFAC|HIE|HIE|20240102030405||ADT^A08|TLS-2|P|2.5.1\r"));
    EXPECT_FALSE(refused.read_until(end_block, 5s));
    TlsConnection old(*mllp, client_of(dir, "north-hie", TLS1_1_VERSION));
    EXPECT_FALSE(old.handshake_ok());
  }
  // The broker may count a refusal just after the client saw the connection close.
  const std::string counted = R"(hie_mllp_rejected_total{listener="mllp",reason="tls_handshake"} 2)";
  std::string metrics;
  for (int i = 0; i < 50 && metrics.find(counted) == std::string::npos; ++i) {
    std::this_thread::sleep_for(100ms);
    metrics = tls_get(*https, anonymous, "/metrics").body;
  }
  EXPECT_NE(metrics.find(counted), std::string::npos) << metrics;

  broker.signal(SIGTERM);
  EXPECT_EQ(broker.wait(20s), 0) << dir.read("stderr.log");
  const std::string log = dir.read("stderr.log");
  EXPECT_NE(log.find("client certificate refused"), std::string::npos) << log;
  EXPECT_NE(log.find("stranger-hie"), std::string::npos) << log;

  auto journal = run_command(journal_argv(dir));
  ASSERT_EQ(journal.exit_code, 0) << journal.err;
  EXPECT_NE(journal.out.find(R"("exchange":"north-hie","control_id":"TLS-1")"), std::string::npos) << journal.out;
  EXPECT_EQ(journal.out.find("TLS-2"), std::string::npos) << journal.out;
}

TEST(TlsIdentity, AnOperatorsCertificateOpensTheAdminApiWithoutATokenAndNothingElse) {
  TempDir dir;
  const std::string config = copy_demo_tls_config(dir);
  ASSERT_EQ(run_command({kGenDevCerts, "--out", dir.path("dev-certs")}).exit_code, 0);
  for (const char* name : {"night-operator", "stranger-hie"})
    ASSERT_EQ(run_command({kGenDevCerts, "--out", dir.path("dev-certs"), name}).exit_code, 0);
  ChildProcess broker(serve_argv(dir,
                                 {"--set", R"(security.operators=[{"name": "night", "cert_subject_cn": "night-operator",)"
                                           R"( "scope": "system/Endpoint.r"}])"},
                                 config),
                      dir.path("stderr.log"));
  auto https = read_listening_port(broker, "http");
  ASSERT_TRUE(https) << dir.read("stderr.log");
  const auto night = client_of(dir, "night-operator");
  auto exchanges = tls_get(*https, night, "/admin/exchanges");
  EXPECT_EQ(exchanges.status, 200) << exchanges.body;
  EXPECT_NE(exchanges.body.find("\"north-hie\""), std::string::npos) << exchanges.body;
  // Only the scopes configured for the operator, and only under /admin.
  EXPECT_EQ(tls_get(*https, night, "/admin/events/backlog").status, 403);
  EXPECT_EQ(tls_get(*https, night, "/fhir/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9434765919").status, 401);
  // No certificate, an exchange's certificate, or a stranger's: a token is needed.
  TlsClientOptions anonymous;
  anonymous.ca_cert = dir.path("dev-certs/ca.crt");
  EXPECT_EQ(tls_get(*https, anonymous, "/admin/exchanges").status, 401);
  EXPECT_EQ(tls_get(*https, client_of(dir, "north-hie"), "/admin/exchanges").status, 401);
  EXPECT_EQ(tls_get(*https, client_of(dir, "stranger-hie"), "/admin/exchanges").status, 401);
  EXPECT_NE(dir.read("stderr.log").find("operator by client certificate"), std::string::npos);
  broker.signal(SIGTERM);
  EXPECT_EQ(broker.wait(20s), 0) << dir.read("stderr.log");
}

}  // namespace
}  // namespace hie::testing
