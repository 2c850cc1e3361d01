// hie-sim, the real binary, against the real broker: the north dataset over MLLP (plain and
// mutual TLS) into the journal, and the exit codes of a wrong command line or dataset.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <set>
#include <thread>

#include "tests/integration/broker_process.hpp"
#include "tests/support/child_process.hpp"

namespace hie::testing {
namespace {

using namespace std::chrono_literals;

const std::string kSim = std::string(HIE_BINARY_DIR) + "/bin/hie-sim";
const std::string kSimConfig = std::string(HIE_SOURCE_DIR) + "/config/sim/";
const std::string kGenDevCerts = std::string(HIE_SOURCE_DIR) + "/scripts/gen-dev-certs";

/// MSH-10 of every message in config/sim/data/north/.
const std::set<std::string> kNorthControlIds = {"7",
                                                "112",
                                                "599102",
                                                "182",
                                                "MSGID20060307110114",
                                                "CNTRL-3456",
                                                "331",
                                                "NIST-IZ-AD-2.1_Send_V04_Z22"};

std::vector<std::string> north_files() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(kSimConfig + "data/north"))
    if (entry.path().extension() == ".hl7") files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> mllp_argv(std::uint16_t port, std::vector<std::string> extra = {}) {
  std::vector<std::string> argv = {kSim,        "mllp",   "--host",
                                   "127.0.0.1", "--port", std::to_string(port)};
  argv.insert(argv.end(), extra.begin(), extra.end());
  for (auto& f : north_files()) argv.push_back(f);
  return argv;
}

/// The control ids of the journal's rows, once translation has caught up.
std::multiset<std::string> journal_control_ids(const std::vector<std::string>& journal_argv,
                                               std::string& out) {
  CommandResult journal;
  for (int i = 0; i < 100; ++i) {
    journal = run_command(journal_argv);
    if (journal.exit_code != 0 ||
        journal.out.find(R"("translation":"pending")") == std::string::npos)
      break;
    std::this_thread::sleep_for(200ms);
  }
  out = journal.out;
  std::multiset<std::string> ids;
  const std::string key = R"("control_id":")";
  for (auto at = journal.out.find(key); at != std::string::npos;
       at = journal.out.find(key, at + 1)) {
    const auto start = at + key.size();
    ids.insert(journal.out.substr(start, journal.out.find('"', start) - start));
  }
  return ids;
}

TEST(HieSim, MllpSendsTheNorthDatasetAndEveryMessageIsJournaled) {
  TempDir dir;
  ChildProcess broker(serve_argv(dir), dir.path("stderr.log"));
  ASSERT_TRUE(read_listening_port(broker, "http")) << dir.read("stderr.log");
  auto port = read_listening_port(broker, "mllp");
  ASSERT_TRUE(port) << dir.read("stderr.log");

  auto sent = run_command(mllp_argv(*port));
  EXPECT_EQ(sent.exit_code, 0) << sent.err;
  EXPECT_EQ(sent.out, R"({"mode":"mllp","sent":8,"accepted":8,"refused":0})"
                      "\n");
  EXPECT_NE(sent.err.find("8 messages sent: 8 accepted, 0 refused"), std::string::npos) << sent.err;
  EXPECT_EQ(sent.err.find("Doe"), std::string::npos) << "patient data on stderr";

  std::string journal;
  auto ids = journal_control_ids(journal_argv(dir), journal);
  EXPECT_EQ(ids, std::multiset<std::string>(kNorthControlIds.begin(), kNorthControlIds.end()))
      << journal;
  EXPECT_NE(journal.find(R"("exchange":"north-hie")"), std::string::npos);
  EXPECT_EQ(journal.find(R"("status":"rejected")"), std::string::npos) << journal;

  // Sent again: acknowledged again, stored once. A second round gets its own control ids.
  auto again = run_command(mllp_argv(*port, {"--repeat", "2", "--rate", "50"}));
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, R"({"mode":"mllp","sent":16,"accepted":16,"refused":0})"
                       "\n");
  ids = journal_control_ids(journal_argv(dir), journal);
  EXPECT_EQ(ids.size(), 16u) << journal;
  EXPECT_EQ(ids.count("NIST-IZ-AD-2.1_Send_V04_Z22-R2"), 1u) << journal;
  EXPECT_EQ(ids.count("7"), 1u) << journal;

  broker.signal(SIGTERM);
  EXPECT_EQ(broker.wait(20s), 0) << dir.read("stderr.log");
}

TEST(HieSim, MllpOverMutualTlsPresentsTheExchangesCertificate) {
  TempDir dir;
  copy_demo_tls_config(dir);
  auto certs = run_command({kGenDevCerts, "--out", dir.path("dev-certs")});
  ASSERT_EQ(certs.exit_code, 0) << certs.err;
  ChildProcess broker(serve_argv(dir, {}, dir.path("demo-tls.json")), dir.path("stderr.log"));
  ASSERT_TRUE(read_listening_port(broker, "http")) << dir.read("stderr.log");
  auto port = read_listening_port(broker, "mllp");
  ASSERT_TRUE(port) << dir.read("stderr.log");

  auto sent = run_command(mllp_argv(
      *port, {"--tls", "--cert", dir.path("dev-certs/north-hie.crt"), "--key",
              dir.path("dev-certs/north-hie.key"), "--ca", dir.path("dev-certs/ca.crt")}));
  EXPECT_EQ(sent.exit_code, 0) << sent.err;
  EXPECT_EQ(sent.out, R"({"mode":"mllp","sent":8,"accepted":8,"refused":0})"
                      "\n");
  EXPECT_NE(sent.err.find("(TLS)"), std::string::npos) << sent.err;

  // Trusting another CA, the sim refuses the broker: nothing is sent.
  auto untrusted =
      run_command(mllp_argv(*port, {"--tls", "--ca", dir.path("dev-certs/north-hie.crt")}));
  EXPECT_EQ(untrusted.exit_code, 1) << untrusted.err;
  EXPECT_EQ(untrusted.out, R"({"mode":"mllp","sent":0,"accepted":0,"refused":0})"
                           "\n");
  EXPECT_NE(untrusted.err.find("the broker's certificate is not trusted"), std::string::npos)
      << untrusted.err;

  broker.signal(SIGTERM);
  EXPECT_EQ(broker.wait(20s), 0) << dir.read("stderr.log");
}

/// The broker on config/demo-tls.json (its HTTPS listener serves /peer) with scripts/gen-dev-certs'
/// certificates, one per exchange.
class HieSimPeer : public ::testing::Test {
 protected:
  void SetUp() override {
    copy_demo_tls_config(dir_);
    auto certs = run_command({kGenDevCerts, "--out", dir_.path("dev-certs")});
    ASSERT_EQ(certs.exit_code, 0) << certs.err;
    broker_ = std::make_unique<ChildProcess>(serve_argv(dir_, {}, dir_.path("demo-tls.json")),
                                             dir_.path("stderr.log"));
    auto port = read_listening_port(*broker_, "http");
    ASSERT_TRUE(port) << dir_.read("stderr.log");
    url_ = "wss://127.0.0.1:" + std::to_string(*port) + "/peer";
  }
  void TearDown() override {
    if (!broker_) return;
    broker_->signal(SIGTERM);
    EXPECT_EQ(broker_->wait(20s), 0) << dir_.read("stderr.log");
  }

  /// `hie-sim peer --exit-after-publish` for `exchange` with config/sim/<dataset>.json.
  CommandResult publish(const std::string& exchange, const std::string& dataset,
                        std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {kSim,
                                     "peer",
                                     "--url",
                                     url_,
                                     "--dataset",
                                     kSimConfig + dataset + ".json",
                                     "--cert",
                                     dir_.path("dev-certs/" + exchange + ".crt"),
                                     "--key",
                                     dir_.path("dev-certs/" + exchange + ".key"),
                                     "--ca",
                                     dir_.path("dev-certs/ca.crt"),
                                     "--exit-after-publish"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run_command(argv, 60s);
  }

  TempDir dir_;
  std::unique_ptr<ChildProcess> broker_;
  std::string url_;
};

TEST_F(HieSimPeer, EveryRecordOfEachDatasetIsAckedJournaledAndOnASecondRunADuplicate) {
  struct Run {
    std::string exchange, dataset;
    int records;
  };
  const Run runs[] = {
      {"valley-hie", "valley", 5}, {"city-hie", "city", 9}, {"north-hie", "north", 8}};
  for (const auto& run : runs) {
    auto first = publish(run.exchange, run.dataset);
    EXPECT_EQ(first.exit_code, 0) << first.err;
    const std::string counts = std::to_string(run.records);
    EXPECT_EQ(first.out, R"({"mode":"peer","exchange":")" + run.exchange + R"(","published":)" +
                             counts + R"(,"acked":)" + counts +
                             R"(,"duplicates":0,"nacked":{},"queries":0,"answered":0})"
                             "\n")
        << first.err;
    EXPECT_NE(first.err.find("hello accepted by hiebroker"), std::string::npos) << first.err;
    EXPECT_NE(first.err.find("announce acknowledged"), std::string::npos) << first.err;
  }

  std::string journal;
  auto ids = journal_control_ids(journal_argv(dir_), journal);
  EXPECT_EQ(ids.size(), 22u) << journal;
  for (const char* id : {"valley-hie:Discharge_Summary.xml:1", "city-hie:lab-results-C1002.csv:1",
                         "north-hie:adt_a01.hl7:1"})
    EXPECT_EQ(ids.count(id), 1u) << id << "\n" << journal;
  EXPECT_NE(
      journal.find(
          R"("exchange":"valley-hie","control_id":"valley-hie:Care_Plan.xml:1","format":"cda")"),
      std::string::npos)
      << journal;
  EXPECT_EQ(journal.find(R"("status":"rejected")"), std::string::npos) << journal;

  auto again = publish("valley-hie", "valley", {"--no-announce"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out,
            R"({"mode":"peer","exchange":"valley-hie","published":5,"acked":5,"duplicates":5,)"
            R"("nacked":{},"queries":0,"answered":0})"
            "\n");
  EXPECT_EQ(journal_control_ids(journal_argv(dir_), journal).size(), 22u) << journal;
  // Nothing of the patients on the sim's stderr.
  EXPECT_EQ(again.err.find("Isabella"), std::string::npos) << again.err;
}

TEST_F(HieSimPeer, TheWrongExchangesCertificateIsRefusedAtHello) {
  // north-hie's certificate with valley's dataset: hello names valley-hie.
  auto refused = publish("north-hie", "valley");
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_NE(refused.err.find("the broker refused hello: exchange-mismatch"), std::string::npos)
      << refused.err;
  EXPECT_EQ(refused.out,
            R"({"mode":"peer","exchange":"valley-hie","published":0,"acked":0,"duplicates":0,)"
            R"("nacked":{},"queries":0,"answered":0})"
            "\n");
}

TEST(HieSim, AWrongCommandLineOrDatasetExits2WithTheReason) {
  auto ws = run_command({kSim, "peer", "--url", "ws://127.0.0.1:8080/peer", "--dataset", "d",
                         "--cert", "c", "--key", "k", "--ca", "ca"});
  EXPECT_EQ(ws.exit_code, 2);
  EXPECT_EQ(ws.err.substr(0, ws.err.find('\n')),
            "hie-sim: --url: ws:// is not accepted, the peer protocol runs over TLS (use wss://)");
  EXPECT_NE(ws.err.find("usage: hie-sim peer --url wss://HOST:PORT/peer"), std::string::npos)
      << ws.err;
  EXPECT_EQ(ws.out, "");

  TempDir dir;
  const std::string dataset =
      dir.file("d.json",
               "{\"exchange\": \"x\",\n \"format\": \"hl7v2\",\n \"patients\": [\n"
               "  {\"identifiers\": [{\"system\": \"urn:x\", \"value\": \"1\"}],\n"
               "   \"records\": [\"gone.hl7\"]}]}");
  auto bad = run_command({kSim, "peer", "--url", "wss://127.0.0.1:1/peer", "--dataset", dataset,
                          "--cert", "c", "--key", "k", "--ca", "ca"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err, "hie-sim: " + dataset + ":5: patients[0].records[0]: file not found: " +
                         dir.path("gone.hl7") + "\n");

  auto help = run_command({kSim, "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--garbage-rate P"), std::string::npos);
}

}  // namespace
}  // namespace hie::testing
