// Events through the real broker: an admission sent over MLLP by north-hie reaches the
// subscribed exchanges (two hie-sim peers over WebSocket + mutual TLS, one MLLP receiver); an
// offline subscriber gets its backlog in order; a subscriber that never acks ends in the dead
// letters and an operator's replay over /admin/events delivers it; SIGKILL during delivery
// loses nothing.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <thread>

#include "broker/store/journal.hpp"
#include "tests/integration/broker_process.hpp"
#include "tests/integration/system_token.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/fhir_validator.hpp"
#include "tests/support/mllp_test_server.hpp"
#include "tests/support/raw_http_client.hpp"
#include "tests/support/sqlite_rows.hpp"
#include "tests/support/temp_dir.hpp"

namespace hie::testing {
namespace {

using namespace std::chrono_literals;

const std::string kSim = std::string(HIE_BINARY_DIR) + "/bin/hie-sim";
const std::string kSource = HIE_SOURCE_DIR;
// Jane Doe, NHS number 3870146052: held by all three demo exchanges (config/sim/*.json).
constexpr const char* kJane = "3870146052";

/// Polls `done` every 50 ms until it holds or `timeout` passes.
template <class Predicate>
bool eventually(Predicate done, std::chrono::milliseconds timeout = 30s) {
  for (auto end = std::chrono::steady_clock::now() + timeout; std::chrono::steady_clock::now() < end;) {
    if (done()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return done();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

/// The segments of an HL7 v2 message, each split into fields (MSH-n is fields[n - 1]).
std::vector<std::vector<std::string>> segments_of(const std::string& message) {
  std::vector<std::vector<std::string>> out;
  std::istringstream in(message);
  for (std::string segment; std::getline(in, segment, '\r');) {
    std::vector<std::string> fields;
    std::istringstream f(segment);
    for (std::string field; std::getline(f, field, '|');) fields.push_back(field);
    if (!fields.empty()) out.push_back(fields);
  }
  return out;
}

std::string msh10(const std::string& message) {
  auto segments = segments_of(message);
  return !segments.empty() && segments[0].size() > 9 ? segments[0][9] : "";
}

/// The journal row number in an event id "ev-<journal>-<n>".
long journal_of(const std::string& event_id) {
  auto dash = event_id.find('-', 3);
  return event_id.starts_with("ev-") && dash != std::string::npos ? std::stol(event_id.substr(3, dash - 3)) : -1;
}

/// North's ADT^A01 for Jane (config/sim/data/north/adt_a01.hl7) as another trigger and control id.
std::string jane_adt(const std::string& trigger, const std::string& control_id) {
  std::ifstream in(kSource + "/config/sim/data/north/adt_a01.hl7", std::ios::binary);
  std::string message((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto replace = [&](const std::string& from, const std::string& to) {
    auto at = message.find(from);
    if (at != std::string::npos) message.replace(at, from.size(), to);
  };
  replace("|ADT^A01^9.3-DEF|7|", "|ADT^" + trigger + "|" + control_id + "|");
  replace("EVN|A01|", "EVN|" + trigger + "|");
  return message;
}

/// The broker with north-hie (HL7 v2 over MLLP, the sender), city-hie and valley-hie (peers over
/// /peer) and gp-hie (an MLLP receiver the broker connects to), each a subscriber of Jane's
/// admissions, transfers and discharges: valley-hie and gp-hie by configuration, city-hie by the
/// peer protocol (hie-sim --subscribe).
class Events : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certs_ = new TempDir();
    auto made = run_command({kSource + "/scripts/gen-dev-certs", "--out", certs_->path("dev-certs")});
    ASSERT_EQ(made.exit_code, 0) << made.err;
  }
  static void TearDownTestSuite() { delete certs_; }

  void TearDown() override {
    sims_.clear();
    if (broker_) {
      broker_->signal(SIGTERM);
      EXPECT_EQ(broker_->wait(20s), 0) << dir_.read("broker.log");
    }
  }

  std::string cert(const std::string& file) const { return certs_->path("dev-certs/" + file); }

  /// Writes the configuration (`events` = the top-level events settings) and starts the broker.
  void start_broker(const std::string& events = "{}") {
    config_ = dir_.file("events.json", R"({
      "listeners": {
        "http": {"bind": "127.0.0.1", "port": 0},
        "https": {"bind": "127.0.0.1", "port": 0,
                  "tls": {"cert": ")" + cert("broker.crt") + R"(", "key": ")" + cert("broker.key") +
                                              R"(", "ca": ")" + cert("ca.crt") + R"("}},
        "mllp": {"bind": "127.0.0.1", "port": 0, "default_exchange": "north-hie"}
      },
      "store": {"sqlite": {"path": "broker.db"}},
      "identifier_systems": {"PAS": "urn:oid:2.16.840.1.113883.2.1.3.2.4.18.48"},
      "exchanges": [
        {"id": "north-hie", "format": "hl7v2", "transport": "mllp", "mode": "stored",
         "default_utc_offset": "+00:00",
         "identifier_systems": {"HOSP": "https://north-hie.example/Id/mrn"}},
        {"id": "city-hie", "format": "csv", "mapping": ")" + kSource + R"(/config/mappings/city-hie.json",
         "transport": "websocket", "mode": "live", "credentials": {"cert_subject_cn": "city-hie"}},
        {"id": "valley-hie", "format": "cda", "transport": "websocket", "mode": "live",
         "credentials": {"cert_subject_cn": "valley-hie"},
         "subscriptions": [{"events": ["admission", "transfer", "discharge"], "patients": "listed",
                            "nhs_numbers": [")" + std::string(kJane) + R"("]}]},
        {"id": "gp-hie", "format": "hl7v2", "transport": "mllp", "mode": "stored",
         "mllp_delivery": {"host": "127.0.0.1", "port": )" + std::to_string(gp_.port()) + R"(},
         "subscriptions": [{"events": ["admission", "transfer", "discharge"], "patients": "all"}]}
      ],
      "events": )" + events + R"(,
      "security": {"jwt": {"dev_issuer": {"issuer": "https://hiebroker.dev/issuer", "audience": "hiebroker-dev",
                                          "private_key": ")" + cert("dev-issuer.key") + R"(", "kid": "dev"}}}
    })");
    restart_broker();
  }

  /// Starts (again) the broker on the configuration and store start_broker wrote.
  void restart_broker() {
    broker_ = std::make_unique<ChildProcess>(std::vector<std::string>{kBinary, "serve", "--config", config_},
                                             dir_.path("broker.log"));
    auto http = read_listening_port(*broker_, "http");
    auto https = read_listening_port(*broker_, "https");
    auto mllp = read_listening_port(*broker_, "mllp");
    ASSERT_TRUE(http && https && mllp) << dir_.read("broker.log");
    http_ = *http;
    https_ = *https;
    mllp_ = *mllp;
  }

  /// hie-sim peer for `exchange` (city or valley) writing its events to <exchange>.jsonl;
  /// returns once the broker accepted its hello (and its subscribe, with --subscribe).
  void start_peer(const std::string& exchange, std::vector<std::string> extra = {}) {
    const std::string log = exchange + "-sim-" + std::to_string(sims_.size()) + ".log";
    std::vector<std::string> argv = {kSim, "peer", "--url", "wss://127.0.0.1:" + std::to_string(https_) + "/peer",
                                     "--dataset", kSource + "/config/sim/" + exchange + ".json",
                                     "--cert", cert(exchange + "-hie.crt"), "--key", cert(exchange + "-hie.key"),
                                     "--ca", cert("ca.crt"), "--events-out", dir_.path(exchange + ".jsonl")};
    argv.insert(argv.end(), extra.begin(), extra.end());
    const bool subscribes = std::find(extra.begin(), extra.end(), "--subscribe") != extra.end();
    sims_.push_back(std::make_unique<ChildProcess>(argv, dir_.path(log)));
    const std::string ready = subscribes ? "subscribed to" : "announce acknowledged";
    ASSERT_TRUE(eventually([&] { return dir_.read(log).find(ready) != std::string::npos; }, 20s))
        << dir_.read(log);
  }

  /// Sends HL7 v2 files as north-hie over MLLP (hie-sim mllp); every one must be accepted.
  void send_north(std::vector<std::string> files, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {kSim, "mllp", "--host", "127.0.0.1", "--port", std::to_string(mllp_)};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.insert(argv.end(), files.begin(), files.end());
    auto sent = run_command(argv, 60s);
    ASSERT_EQ(sent.exit_code, 0) << sent.err;
    ASSERT_NE(sent.out.find("\"refused\":0"), std::string::npos) << sent.out;
  }

  /// The events hie-sim wrote for `exchange`, one parsed JSON object per line.
  std::vector<rapidjson::Document> events_of(const std::string& exchange) const {
    std::vector<rapidjson::Document> out;
    for (const auto& line : lines_of(dir_.read(exchange + ".jsonl"))) {
      out.emplace_back();
      out.back().Parse(line.c_str(), line.size());
    }
    return out;
  }

  std::int64_t deliveries(const std::string& where) const {
    return count_rows(dir_.path("broker.db"), where, "deliveries");
  }

  TempDir dir_;
  MllpTestServer gp_;
  std::unique_ptr<ChildProcess> broker_;
  std::vector<std::unique_ptr<ChildProcess>> sims_;
  std::string config_;
  std::uint16_t http_ = 0, https_ = 0, mllp_ = 0;
  static inline TempDir* certs_ = nullptr;
};

TEST_F(Events, AnAdmissionSentToNorthReachesBothPeersAndTheMllpSubscriberWithOneEventId) {
  start_broker();
  start_peer("valley");
  start_peer("city", {"--subscribe", "admission", "--subscribe-patients", "held"});
  send_north({kSource + "/config/sim/data/north/adt_a01.hl7"});

  ASSERT_TRUE(eventually([&] { return events_of("city").size() == 1 && events_of("valley").size() == 1; }))
      << dir_.read("broker.log");
  ASSERT_TRUE(gp_.wait_for(1, 30s)) << dir_.read("broker.log");

  // The peers get the FHIR Bundle: one event id, the admission of Jane from north-hie.
  auto city = events_of("city");
  auto valley = events_of("valley");
  const std::string id = city[0]["id"].GetString();
  EXPECT_TRUE(id.starts_with("ev-")) << id;
  EXPECT_EQ(std::string(valley[0]["id"].GetString()), id);
  for (const auto* event : {&city[0], &valley[0]}) {
    EXPECT_EQ(std::string((*event)["kind"].GetString()), "admission");
    EXPECT_EQ(std::string((*event)["format"].GetString()), "fhir");
    EXPECT_EQ(std::string((*event)["source"].GetString()), "north-hie");
    EXPECT_EQ((*event)["attempt"].GetUint64(), 1u);
  }
  const std::string bundle = city[0]["payload"].GetString();
  EXPECT_NE(bundle.find(R"("type":"collection")"), std::string::npos) << bundle;
  EXPECT_NE(bundle.find(R"("id":")" + id + "\""), std::string::npos) << bundle;
  EXPECT_NE(bundle.find(kJane), std::string::npos) << bundle;
  EXPECT_NE(bundle.find(R"("resourceType":"Encounter")"), std::string::npos) << bundle;
  EXPECT_TRUE(is_valid_fhir(bundle));

  // gp-hie speaks HL7 v2: an ADT^A01 whose control id is the event id, read back by an outside
  // parser (python3-hl7).
  const std::string message = gp_.messages().at(0);
  EXPECT_EQ(msh10(message), id);
  const std::string file = dir_.file("gp.hl7", message);
  auto parsed = run_command({"/usr/bin/python3", "-c",
                             "import hl7, sys\n"
                             "m = hl7.parse(open(sys.argv[1], newline='').read())\n"
                             "print(m.segment('MSH')[9], m.segment('MSH')[10], m.segment('EVN')[1])\n"
                             "print(m.segment('PID')[3])\n",
                             file});
  ASSERT_EQ(parsed.exit_code, 0) << parsed.err;
  auto printed = lines_of(parsed.out);
  ASSERT_EQ(printed.size(), 2u) << parsed.out;
  EXPECT_EQ(printed[0], "ADT^A01^ADT_A01 " + id + " A01");
  EXPECT_NE(printed[1].find(kJane), std::string::npos) << printed[1];

  // Every delivery is settled delivered at the first attempt, and nothing is sent twice.
  ASSERT_TRUE(eventually([&] { return deliveries("state = 'delivered' AND attempts = 1") == 3; }))
      << deliveries("1") << " deliveries";
  EXPECT_EQ(deliveries("1"), 3);
  EXPECT_EQ(events_of("city").size(), 1u);
  EXPECT_EQ(gp_.messages().size(), 1u);

  // An operator replays the last hour to gp-hie: the same event, with the same id, once more.
  const std::string replayer = system_token(cert("dev-issuer.key"), "system/Subscription.u");
  const auto now = std::chrono::system_clock::now();
  const std::string range = R"({"subscriber": "gp-hie", "from": ")" + store::format_utc(now - 1h) + R"(", "to": ")" +
                            store::format_utc(now + 1min) + R"("})";
  auto replayed = http_request(http_, "POST", "/admin/events/replay", replayer, range);
  ASSERT_EQ(replayed.status, 200) << replayed.body;
  EXPECT_EQ(replayed.body, R"({"replayed":1})");
  ASSERT_TRUE(gp_.wait_for(2, 30s)) << dir_.read("broker.log");
  EXPECT_EQ(msh10(gp_.messages()[1]), id);
  auto bad = http_request(http_, "POST", "/admin/events/replay", replayer, R"({"subscriber": "gp-hie", "from": "yesterday"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("from and to: UTC instants"), std::string::npos) << bad.body;

  // No patient data in the broker's log at info.
  EXPECT_EQ(dir_.read("broker.log").find("Doe"), std::string::npos);
}

TEST_F(Events, AnOfflineSubscriberGetsItsBacklogInOrderWhenItConnects) {
  start_broker();
  const std::vector<std::pair<std::string, std::string>> sent = {
      {"A01", "admission"}, {"A02", "transfer"}, {"A03", "discharge"}, {"A01", "admission"}};
  std::vector<std::string> files;
  for (std::size_t i = 0; i < sent.size(); ++i)
    files.push_back(dir_.file("m" + std::to_string(i) + ".hl7", jane_adt(sent[i].first, "EV-" + std::to_string(i))));
  send_north(files);

  // valley-hie is not connected: its four deliveries wait on disk, and the admin API says so.
  ASSERT_TRUE(eventually([&] { return deliveries("subscriber = 'valley-hie' AND state = 'pending'") == 4; }));
  const std::string reader = system_token(cert("dev-issuer.key"), "system/Subscription.r");
  auto backlog = http_request(http_, "GET", "/admin/events/backlog", reader);
  ASSERT_EQ(backlog.status, 200) << backlog.body;
  EXPECT_NE(backlog.body.find(R"("subscriber":"valley-hie","pending":4)"), std::string::npos) << backlog.body;
  EXPECT_EQ(deliveries("subscriber = 'valley-hie' AND attempts > 0"), 0) << "an offline subscriber is charged";

  start_peer("valley");
  ASSERT_TRUE(eventually([&] { return events_of("valley").size() >= sent.size(); })) << dir_.read("broker.log");
  auto events = events_of("valley");
  ASSERT_EQ(events.size(), sent.size());
  long previous = 0;
  for (std::size_t i = 0; i < sent.size(); ++i) {
    EXPECT_EQ(std::string(events[i]["kind"].GetString()), sent[i].second) << i;
    const long journal = journal_of(events[i]["id"].GetString());
    EXPECT_GT(journal, previous) << "out of order at " << i;
    previous = journal;
  }
  // gp-hie, reachable all along, got the same four in the same order.
  ASSERT_TRUE(gp_.wait_for(4, 30s));
  for (std::size_t i = 0; i < sent.size(); ++i)
    EXPECT_EQ(msh10(gp_.messages()[i]), events[i]["id"].GetString()) << i;
}

TEST_F(Events, ASubscriberThatNeverAcksEndsInTheDeadLettersAndAReplayDeliversIt) {
  start_broker(R"({"ack_timeout_ms": 300, "max_attempts": 3, "retry_initial_ms": 50, "retry_max_ms": 100})");
  start_peer("valley", {"--event-ack", "never"});
  send_north({kSource + "/config/sim/data/north/adt_a01.hl7"});

  const std::string reader = system_token(cert("dev-issuer.key"), "system/Subscription.r");
  const std::string replayer = system_token(cert("dev-issuer.key"), "system/Subscription.u");
  RawResponse dead;
  ASSERT_TRUE(eventually([&] {
    dead = http_request(http_, "GET", "/admin/events/dead-letters?subscriber=valley-hie", reader);
    return dead.status == 200 && dead.body.find(R"("seq":)") != std::string::npos;
  })) << dead.status << " " << dead.body;
  // Three attempts, the same event id each time, then the dead letter with its last error.
  auto attempts = events_of("valley");
  ASSERT_EQ(attempts.size(), 3u);
  const std::string id = attempts[0]["id"].GetString();
  for (std::uint64_t i = 0; i < 3; ++i) {
    EXPECT_EQ(std::string(attempts[i]["id"].GetString()), id);
    EXPECT_EQ(attempts[i]["attempt"].GetUint64(), i + 1);
  }
  EXPECT_NE(dead.body.find(id), std::string::npos) << dead.body;
  EXPECT_EQ(dead.body.find(kJane), std::string::npos) << "patient data in the dead letters";
  EXPECT_EQ(deliveries("subscriber = 'valley-hie' AND state = 'dead' AND attempts = 3"), 1);
  // The gauges are refreshed from the store once a second.
  EXPECT_TRUE(eventually([&] {
    return http_get(http_, "/metrics").body.find("hie_event_dead_letters{subscriber=\"valley-hie\"} 1") !=
           std::string::npos;
  }, 5s));

  // Replaying needs .u; a patient-less reader's token is refused.
  const std::string body = R"({"subscriber": "valley-hie"})";
  EXPECT_EQ(http_request(http_, "POST", "/admin/events/dead-letters/replay", reader, body).status, 403);
  EXPECT_EQ(http_request(http_, "POST", "/admin/events/dead-letters/replay", "", body).status, 401);

  // valley-hie acks again: the replay delivers the same event, at attempt 1 of its new round.
  sims_.clear();
  std::filesystem::remove(dir_.path("valley.jsonl"));
  start_peer("valley");
  auto replayed = http_request(http_, "POST", "/admin/events/dead-letters/replay", replayer, body);
  ASSERT_EQ(replayed.status, 200) << replayed.body;
  ASSERT_TRUE(eventually([&] { return events_of("valley").size() == 1; })) << dir_.read("broker.log");
  EXPECT_EQ(std::string(events_of("valley")[0]["id"].GetString()), id);
  ASSERT_TRUE(eventually([&] { return deliveries("subscriber = 'valley-hie' AND state = 'delivered'") == 1; }));
  EXPECT_EQ(deliveries("state = 'dead'"), 0);
}

TEST_F(Events, SigkillDuringDeliveryLosesNoEventAndRepeatsKeepTheirIds) {
  constexpr std::size_t kAdmissions = 60;
  // gp-hie stops answering at its 20th delivery, so the broker dies waiting for that ACK.
  constexpr std::size_t kAnswered = 19;
  gp_.set_policy_from(kAnswered + 1, MllpPolicy::silent);
  start_broker();
  send_north({kSource + "/config/sim/data/north/adt_a01.hl7"}, {"--repeat", std::to_string(kAdmissions)});
  ASSERT_TRUE(gp_.wait_for(kAnswered + 1, 30s)) << dir_.read("broker.log");
  const std::size_t before_kill = gp_.messages().size();
  broker_->signal(SIGKILL);
  broker_->wait(10s);
  gp_.set_policy_from(SIZE_MAX, MllpPolicy::accept);
  gp_.set_policy(MllpPolicy::accept);
  restart_broker();

  ASSERT_TRUE(eventually(
      [&] { return deliveries("subscriber = 'gp-hie' AND state = 'delivered'") == static_cast<std::int64_t>(kAdmissions); },
      60s))
      << deliveries("subscriber = 'gp-hie' AND state = 'pending'") << " pending";
  // Every event arrived; an event arrived twice only if its first delivery was unacknowledged
  // when the broker died, and in order of the journal either way.
  auto messages = gp_.messages();
  std::vector<std::string> ids;
  for (const auto& m : messages) ids.push_back(msh10(m));
  const std::set<std::string> distinct(ids.begin(), ids.end());
  EXPECT_EQ(distinct.size(), kAdmissions);
  EXPECT_EQ(count_rows(dir_.path("broker.db"), "1", "events"), static_cast<std::int64_t>(kAdmissions));
  long previous = 0;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const long journal = journal_of(ids[i]);
    if (seen.contains(ids[i])) {
      EXPECT_GE(i, before_kill) << ids[i] << " repeated before the broker died";
      continue;
    }
    EXPECT_GT(journal, previous) << "out of order at " << i << ": " << ids[i];
    previous = journal;
    seen.insert(ids[i]);
  }
  // MLLP delivers one message at a time: exactly the one unanswered at the kill comes again.
  EXPECT_EQ(before_kill, kAnswered + 1);
  EXPECT_EQ(ids.size() - distinct.size(), 1u);
  EXPECT_EQ(ids[kAnswered + 1], ids[kAnswered]);
}

}  // namespace
}  // namespace hie::testing
