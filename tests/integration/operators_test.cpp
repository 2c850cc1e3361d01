// What operators see, end to end: the real hiebroker on config/demo.json with valley-hie and
// city-hie connected as hie-sim peers and north-hie sending HL7 v2 over MLLP. /admin/stats and
// /admin/exchanges over HTTP with operator tokens; disconnecting a peer; and /dashboard in headless
// Chromium (playwright-core), whose numbers must move while hie-sim sends.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include "tests/integration/demo_broker.hpp"
#include "tests/integration/dev_token.hpp"
#include "tests/integration/system_token.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/raw_http_client.hpp"
#include "tests/support/temp_dir.hpp"

namespace hie::testing {
namespace {

using namespace std::chrono_literals;


rapidjson::Document parse(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  EXPECT_FALSE(d.HasParseError()) << json.substr(0, 300);
  return d;
}

/// The exchange `id`'s object in an /admin/exchanges or /admin/stats document (null when absent).
const rapidjson::Value* exchange_in(const rapidjson::Document& d, const std::string& id) {
  if (!d.IsObject() || !d.HasMember("exchanges")) return nullptr;
  for (const auto& e : d["exchanges"].GetArray())
    if (id == e["id"].GetString()) return &e;
  return nullptr;
}

class Operators : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    broker_ = new DemoBroker();
    ASSERT_EQ(broker_->start(), "");
    http_port_ = broker_->http_port();
    for (std::string exchange : {"valley", "city"}) sims_.push_back(broker_->start_peer(exchange));
    operator_token_ = system_token(broker_->issuer_key(), "system/Endpoint.ru");
    // Until both peers have said hello.
    for (int i = 0; i < 200 && !both_connected(); ++i) std::this_thread::sleep_for(100ms);
  }
  static void TearDownTestSuite() {
    sims_.clear();
    delete broker_;
  }

  static bool both_connected() {
    auto r = http_request(http_port_, "GET", "/admin/exchanges", operator_token_);
    if (r.status != 200) return false;
    auto d = parse(r.body);
    for (const char* id : {"valley-hie", "city-hie"}) {
      const auto* e = exchange_in(d, id);
      if (!e || std::string((*e)["state"].GetString()) != "connected") return false;
    }
    return true;
  }

  static std::vector<std::string> north_sender(int repeat, double rate) {
    return broker_->north_feed_argv({"--repeat", std::to_string(repeat), "--rate", std::to_string(rate)});
  }

  static inline DemoBroker* broker_ = nullptr;
  static inline std::vector<std::unique_ptr<ChildProcess>> sims_;
  static inline std::uint16_t http_port_ = 0;
  static inline std::string operator_token_;
};

TEST_F(Operators, StatsAndExchangesNeedAnOperatorsTokenWithTheEndpointScope) {
  for (const char* target : {"/admin/stats", "/admin/exchanges"}) {
    EXPECT_EQ(http_request(http_port_, "GET", target).status, 401) << target;
    EXPECT_EQ(http_request(http_port_, "GET", target, system_token(broker_->issuer_key(), "system/Subscription.r")).status, 403)
        << target;
    EXPECT_EQ(http_request(http_port_, "GET", target, operator_token_).status, 200) << target;
  }
  auto reader = system_token(broker_->issuer_key(), "system/Endpoint.r");
  EXPECT_EQ(http_request(http_port_, "POST", "/admin/exchanges/city-hie/disconnect", reader).status, 403);
  EXPECT_EQ(http_request(http_port_, "POST", "/admin/exchanges/nowhere-hie/disconnect", operator_token_).status, 404);
  EXPECT_EQ(http_request(http_port_, "POST", "/admin/exchanges/city-hie/close", operator_token_).status, 404);
}

TEST_F(Operators, ExchangesListEveryConfiguredExchangeWithStateLastSeenAndCounters) {
  ASSERT_TRUE(both_connected()) << "see " << broker_->log();
  ASSERT_EQ(run_command(north_sender(1, 0)).exit_code, 0);
  const std::size_t sent = DemoBroker::north_files().size();
  // The MLLP counters are read from the metrics once a second.
  rapidjson::Document d;
  for (int i = 0; i < 50; ++i) {
    d = parse(http_request(http_port_, "GET", "/admin/exchanges", operator_token_).body);
    const auto* north = exchange_in(d, "north-hie");
    if (north && (*north)["messages_in"].GetInt64() >= static_cast<std::int64_t>(sent)) break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(d["exchanges"].Size(), 3u);
  const auto* north = exchange_in(d, "north-hie");
  ASSERT_TRUE(north);
  EXPECT_STREQ((*north)["transport"].GetString(), "mllp");
  EXPECT_STREQ((*north)["format"].GetString(), "hl7v2");
  EXPECT_STREQ((*north)["state"].GetString(), "active");
  EXPECT_GE((*north)["messages_in"].GetInt64(), static_cast<std::int64_t>(sent));
  EXPECT_GT((*north)["bytes_in"].GetInt64(), 0);
  EXPECT_EQ((*north)["errors"].GetInt64(), 0);
  ASSERT_TRUE((*north)["last_seen"].IsString());
  EXPECT_EQ(std::string((*north)["last_seen"].GetString()).size(), 24u);  // 2026-11-27T07:01:02.345Z
  for (const char* id : {"valley-hie", "city-hie"}) {
    const auto* peer = exchange_in(d, id);
    ASSERT_TRUE(peer) << id;
    EXPECT_STREQ((*peer)["transport"].GetString(), "websocket");
    EXPECT_STREQ((*peer)["state"].GetString(), "connected");
    EXPECT_EQ((*peer)["connections"].GetInt64(), 1);
    EXPECT_TRUE((*peer)["last_seen"].IsString()) << id;  // hello, announce, pings
  }
  // /admin/stats carries the same exchanges and the totals around them; no patient data.
  auto stats = http_request(http_port_, "GET", "/admin/stats", operator_token_);
  auto s = parse(stats.body);
  EXPECT_GE(s["totals"]["messages_in"].GetInt64(), static_cast<std::int64_t>(sent));
  EXPECT_TRUE(s["query_latency_ms"].HasMember("p99"));
  EXPECT_TRUE(s["throughput"]["messages_per_second"].HasMember("north-hie"));
  EXPECT_EQ(s["throughput"]["times"].Size(), s["throughput"]["messages_per_second"]["north-hie"].Size());
  EXPECT_EQ(stats.body.find("3870146052"), std::string::npos);  // Jane Doe's NHS number
  EXPECT_EQ(stats.body.find("DOE"), std::string::npos);
  EXPECT_NE(header_value(stats.head, "cache-control").value_or(""), "");
}

TEST_F(Operators, DisconnectClosesTheExchangesPeerConnection) {
  ASSERT_TRUE(both_connected()) << "see " << broker_->log();
  auto r = http_request(http_port_, "POST", "/admin/exchanges/city-hie/disconnect", operator_token_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = parse(r.body);
  EXPECT_STREQ(d["exchange"].GetString(), "city-hie");
  EXPECT_EQ(d["closed"].GetInt(), 1);
  // The connection goes (hie-sim then reconnects after its backoff, as a real peer would).
  bool closed = false;
  for (int i = 0; i < 50 && !closed; ++i) {
    auto metrics = http_get(http_port_, "/metrics").body;
    closed = metrics.find("hie_peer_connections{exchange=\"city-hie\"} 0") != std::string::npos;
    if (!closed) std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(closed);
  std::ifstream log(broker_->log());
  std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("operator disconnected an exchange"), std::string::npos);
  // Back before the next test (hie-sim's reconnect backoff).
  for (int i = 0; i < 300 && !both_connected(); ++i) std::this_thread::sleep_for(100ms);
}

TEST_F(Operators, DashboardListsTheExchangesAndItsNumbersMoveWhileHieSimSends) {
  ASSERT_TRUE(both_connected()) << "see " << broker_->log();
  auto page = http_get(http_port_, "/dashboard");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(header_value(page.head, "content-type").value_or("").find("text/html"), std::string::npos);
  EXPECT_NE(header_value(page.head, "content-security-policy").value_or("").find("connect-src 'self'"),
            std::string::npos);
  EXPECT_EQ(page.body.find("http://"), std::string::npos);  // nothing loaded from elsewhere
  EXPECT_EQ(page.body.find("https://"), std::string::npos);

  const std::string artifacts = std::string(HIE_BINARY_DIR) + "/test-artifacts";
  std::filesystem::create_directories(artifacts);
  const std::string screenshot = artifacts + "/dashboard.png";
  std::filesystem::remove(screenshot);
  std::vector<std::string> argv = {"node", std::string(HIE_SOURCE_DIR) + "/tests/integration/dashboard_check.mjs",
                                   "http://127.0.0.1:" + std::to_string(http_port_) + "/dashboard", operator_token_,
                                   screenshot, "north-hie", "--"};
  for (auto& word : north_sender(4, 20)) argv.push_back(word);
  auto run = run_command(argv, 120s);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto seen = parse(run.out);
  std::map<std::string, std::string> states;
  for (const auto& e : seen["exchanges"].GetArray()) states[e["id"].GetString()] = e["state"].GetString();
  EXPECT_EQ(states.size(), 3u) << run.out;
  EXPECT_TRUE(states["valley-hie"].starts_with("connected")) << run.out;
  EXPECT_TRUE(states["city-hie"].starts_with("connected")) << run.out;
  EXPECT_TRUE(states.contains("north-hie")) << run.out;
  EXPECT_EQ(seen["senderExit"].GetInt(), 0);
  EXPECT_GT(seen["after"].GetInt64(), seen["before"].GetInt64()) << run.out;
  EXPECT_GT(seen["rate"].GetDouble(), 0) << run.out;
  EXPECT_GE(seen["updates"].GetInt(), 3) << run.out;  // it refreshed on its own
  EXPECT_GT(seen["chartPainted"].GetInt(), 0) << run.out;
  EXPECT_FALSE(seen["tokenInAddress"].GetBool());
  EXPECT_EQ(seen["consoleErrors"].Size(), 0u) << run.out;
  std::ifstream png(screenshot, std::ios::binary);
  char signature[8] = {};
  png.read(signature, 8);
  EXPECT_EQ(std::string(signature + 1, 3), "PNG") << screenshot;
}

/// Metric names used by a Grafana dashboard or Prometheus rules file: histogram series
/// (_bucket, _sum, _count) by their family's name.
std::set<std::string> metric_names_used(const std::string& text) {
  std::set<std::string> names;
  static const std::regex name(R"(\b((?:hie|process)_[a-z0-9_]+))");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), name); it != std::sregex_iterator(); ++it) {
    std::string n = (*it)[1];
    for (const char* suffix : {"_bucket", "_sum", "_count"})
      if (n.ends_with(suffix) && !n.ends_with("_total")) n.resize(n.size() - std::string_view(suffix).size());
    names.insert(n);
  }
  return names;
}

TEST_F(Operators, EveryMetricTheGrafanaDashboardAndAlertRulesUseIsExposed) {
  // One query and one message, so that the query and store families have series.
  const std::string patient_token = patient_dev_token(broker_->config_flags(), "3870146052");
  ASSERT_FALSE(patient_token.empty());
  EXPECT_EQ(http_request(http_port_, "GET", "/fhir/Patient/3870146052/$everything", patient_token).status, 200);
  ASSERT_EQ(run_command(north_sender(1, 0)).exit_code, 0);

  const std::string metrics = http_get(http_port_, "/metrics").body;
  std::set<std::string> exposed;
  static const std::regex type_line(R"(# TYPE ([a-z0-9_]+) )");
  for (auto it = std::sregex_iterator(metrics.begin(), metrics.end(), type_line); it != std::sregex_iterator(); ++it)
    exposed.insert((*it)[1]);
  for (const char* file : {"config/grafana-dashboard.json", "config/prometheus-alerts.yml"}) {
    std::ifstream in(std::string(HIE_SOURCE_DIR) + "/" + file);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto used = metric_names_used(text);
    EXPECT_GE(used.size(), 10u) << file;
    for (const auto& name : used) EXPECT_TRUE(exposed.contains(name)) << file << " uses " << name << ", which /metrics lacks";
  }
}

}  // namespace
}  // namespace hie::testing
