// The real broker with a TLS listener beside its plain one: an exchange connects to /peer with
// its client certificate, publishes a real sample, gets its ack after the commit, sees the
// message translated in the journal, and is closed with 1001 when the broker stops.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "tests/integration/broker_process.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/json_text.hpp"
#include "tests/support/test_certificates.hpp"
#include "tests/support/ws_client.hpp"

namespace hie::testing {
namespace {

using namespace std::chrono_literals;

/// `--set listeners.https=...` on the test PKI.
std::vector<std::string> https_listener() {
  const auto& pki = test_certificates();
  return {"--set", R"(listeners.https={"bind":"127.0.0.1","port":0,"tls":{"cert":")" + pki.server_cert +
                       R"(","key":")" + pki.server_key + R"(","ca":")" + pki.ca_cert + R"("}})"};
}

TEST(PeerIntegration, AnExchangePublishesOverWebSocketAndTheJournalHasItTranslated) {
  TempDir dir;
  ChildProcess broker(serve_argv(dir, https_listener()), dir.path("stderr.log"));
  auto https = read_listening_port(broker, "https");
  ASSERT_TRUE(https) << dir.read("stderr.log");

  std::ifstream in(std::string(HIE_SOURCE_DIR) + "/tests/data/hl7v2/fhir-converter/ADT-A01-01.hl7", std::ios::binary);
  std::ostringstream sample;
  sample << in.rdbuf();

  WsClient peer(*https, north_hie_client());
  ASSERT_TRUE(peer.upgraded()) << peer.error();
  peer.send_text(R"({"type":"hello","id":"h1","protocol":1,"exchange":"north-hie","formats":["hl7v2"]})");
  auto hello = peer.read();
  ASSERT_TRUE(hello);
  EXPECT_NE(hello->find(R"("re":"h1","protocol":1,"broker":"hiebroker )"), std::string::npos) << *hello;
  peer.send_text(R"({"type":"publish","id":"p1","format":"hl7v2","control_id":"ws-0001","payload":)" +
                 json_quoted(sample.str()) + "}");
  auto ack = peer.read();
  ASSERT_TRUE(ack);
  EXPECT_NE(ack->find(R"("re":"p1","journal_id":1,"duplicate":false)"), std::string::npos) << *ack;

  // Translated after the ack, by the broker's translator thread.
  std::string journal;
  for (int i = 0; i < 100 && journal.find(R"("translation":"translated")") == std::string::npos; ++i) {
    std::this_thread::sleep_for(100ms);
    journal = run_command(journal_argv(dir)).out;
  }
  EXPECT_NE(journal.find(R"("exchange":"north-hie","control_id":"ws-0001","format":"hl7v2")"), std::string::npos)
      << journal;
  EXPECT_NE(journal.find(R"("translation":"translated")"), std::string::npos) << journal;

  broker.signal(SIGTERM);
  EXPECT_FALSE(peer.read());
  EXPECT_EQ(peer.close_code(), 1001);
  EXPECT_EQ(broker.wait(20s), 0) << dir.read("stderr.log");
  const std::string log = dir.read("stderr.log");
  EXPECT_NE(log.find("peer said hello"), std::string::npos) << log;
  // The payload's patient never reaches an info-level log.
  EXPECT_EQ(log.find("EVERYMAN"), std::string::npos);
}

}  // namespace
}  // namespace hie::testing
