// The broker's side of a query, asked of a real hie-sim: the /peer endpoint in this process (the
// query engine that will drive it is not built yet), hie-sim as a separate process over
// WebSocket + mutual TLS, answering from config/sim/valley.json in its own format (C-CDA), or
// failing, or keeping silent, as it is told.
#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <signal.h>

#include <future>
#include <thread>

#include "broker/net/tls_context.hpp"
#include "broker/peers/peer_endpoint.hpp"
#include "broker/store/sqlite_store.hpp"
#include "tests/net/test_server.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace hie::testing {
namespace {

using namespace std::chrono_literals;
using peers::PeerAnswer;

const std::string kSim = std::string(HIE_BINARY_DIR) + "/bin/hie-sim";
const std::string kGenDevCerts = std::string(HIE_SOURCE_DIR) + "/scripts/gen-dev-certs";
// valley.json links this NHS number to the patient of two of its C-CDA documents.
const store::PatientIdentity kJaneDoe{"https://fhir.nhs.uk/Id/nhs-number", "3870146052"};

class HieSimQuery : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(run_command({kGenDevCerts, "--out", dir_.path("dev-certs")}).exit_code, 0);
    auto opened = store::SqliteStore::open({.path = dir_.path("broker.db")});
    ASSERT_TRUE(opened);
    store_ = std::move(*opened);
    config::Exchange valley;
    valley.id = "valley-hie";
    valley.format = "cda";
    valley.transport = config::Transport::websocket;
    valley.credentials.cert_subject_cn = "valley-hie";
    endpoint_ = std::make_shared<peers::PeerEndpoint>(
        peers::PeerEndpointSettings{}, std::make_shared<const peers::ExchangeDirectory>(std::vector{valley}),
        *store_, std::make_shared<peers::IngestMetrics>(registry_), std::make_shared<peers::PeerMetrics>(registry_));
    config::TlsSettings tls;
    tls.cert = dir_.path("dev-certs/broker.crt");
    tls.key = dir_.path("dev-certs/broker.key");
    tls.ca = dir_.path("dev-certs/ca.crt");
    auto context = net::make_server_tls_context(tls);
    ASSERT_TRUE(context);
    server_ = std::make_unique<net::testing::TestServer>(
        config::Limits{}, net::http_session_runner(net::testing::echo_handler(), {{"/peer", endpoint_}}), "http",
        *context);
  }

  /// hie-sim for valley-hie with `options`, once it has said hello.
  std::unique_ptr<ChildProcess> start_sim(std::vector<std::string> options) {
    std::vector<std::string> argv = {kSim,      "peer",
                                     "--url",   "wss://127.0.0.1:" + std::to_string(server_->port()) + "/peer",
                                     "--dataset", std::string(HIE_SOURCE_DIR) + "/config/sim/valley.json",
                                     "--cert",  dir_.path("dev-certs/valley-hie.crt"),
                                     "--key",   dir_.path("dev-certs/valley-hie.key"),
                                     "--ca",    dir_.path("dev-certs/ca.crt"),
                                     "--no-announce"};
    argv.insert(argv.end(), options.begin(), options.end());
    auto sim = std::make_unique<ChildProcess>(argv, dir_.path("sim.log"));
    for (int i = 0; i < 200; ++i) {
      // Until hello is acknowledged the endpoint says nobody is connected.
      if (ask(kJaneDoe, 1s).outcome != PeerAnswer::Outcome::not_connected) break;
      std::this_thread::sleep_for(50ms);
    }
    return sim;
  }

  PeerAnswer ask(const store::PatientIdentity& who, std::chrono::milliseconds deadline) {
    std::promise<PeerAnswer> answer;
    peers::protocol::QueryRequest request;
    request.patient = {who};
    request.deadline = deadline;
    endpoint_->query("valley-hie", request, [&answer](PeerAnswer a) { answer.set_value(std::move(a)); });
    auto future = answer.get_future();
    EXPECT_EQ(future.wait_for(deadline + 5s), std::future_status::ready);
    return future.get();
  }

  void stop(std::unique_ptr<ChildProcess>& sim) {
    sim->signal(SIGTERM);
    EXPECT_EQ(sim->wait(10s), 0) << dir_.read("sim.log");
    for (int i = 0; i < 200 && endpoint_->connections("valley-hie") > 0; ++i) std::this_thread::sleep_for(10ms);
  }

  TempDir dir_;
  prometheus::Registry registry_;
  std::unique_ptr<store::SqliteStore> store_;
  std::shared_ptr<peers::PeerEndpoint> endpoint_;
  std::unique_ptr<net::testing::TestServer> server_;
};

TEST_F(HieSimQuery, ThePeerAnswersInItsOwnFormatOrSaysNotFound) {
  auto sim = start_sim({});
  auto found = ask(kJaneDoe, 5s);
  ASSERT_EQ(found.outcome, PeerAnswer::Outcome::answered) << found.error << "\n" << dir_.read("sim.log");
  EXPECT_EQ(found.format, "cda");
  ASSERT_EQ(found.payloads.size(), 2u);  // the discharge summary and the history and physical
  for (const auto& document : found.payloads) EXPECT_NE(document.find("<ClinicalDocument"), std::string::npos);

  auto nobody = ask({"https://fhir.nhs.uk/Id/nhs-number", "9434765919"}, 5s);
  EXPECT_EQ(nobody.outcome, PeerAnswer::Outcome::error);
  EXPECT_EQ(nobody.error, "not-found");
  stop(sim);
}

TEST_F(HieSimQuery, ErrorsLatencyAndSilenceReachTheBrokerAsConfigured) {
  auto failing = start_sim({"--error-rate", "1"});
  auto error = ask(kJaneDoe, 5s);
  EXPECT_EQ(error.outcome, PeerAnswer::Outcome::error);
  EXPECT_EQ(error.error, "unavailable");
  stop(failing);

  auto slow = start_sim({"--latency-ms", "400"});
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(ask(kJaneDoe, 5s).outcome, PeerAnswer::Outcome::answered);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 400ms);
  EXPECT_EQ(ask(kJaneDoe, 100ms).outcome, PeerAnswer::Outcome::timed_out);  // its deadline comes first
  stop(slow);

  auto silent = start_sim({"--silent"});
  EXPECT_EQ(ask(kJaneDoe, 300ms).outcome, PeerAnswer::Outcome::timed_out);
  stop(silent);
}

}  // namespace
}  // namespace hie::testing
