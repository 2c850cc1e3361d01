#include "broker/api/operator_stats.hpp"

#include <gtest/gtest.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <rapidjson/document.h>

#include <chrono>
#include <thread>

#include "broker/peers/ingest_metrics.hpp"
#include "broker/peers/peer_metrics.hpp"

namespace hie::api {
namespace {

using namespace std::chrono_literals;

config::Exchange exchange(std::string id, config::Transport transport, std::string format) {
  config::Exchange e;
  e.id = std::move(id);
  e.transport = transport;
  e.format = std::move(format);
  return e;
}

rapidjson::Document parse(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  EXPECT_FALSE(d.HasParseError()) << json;
  return d;
}

const rapidjson::Value& exchange_in(const rapidjson::Document& d, const char* id) {
  for (const auto& e : d["exchanges"].GetArray())
    if (std::string(e["id"].GetString()) == id) return e;
  static const rapidjson::Value none;
  ADD_FAILURE() << "no exchange " << id;
  return none;
}

class OperatorStatsTest : public ::testing::Test {
 protected:
  std::shared_ptr<prometheus::Registry> registry_ = std::make_shared<prometheus::Registry>();
  peers::IngestMetrics ingest_{*registry_};
  peers::PeerMetrics peers_{*registry_};
  std::shared_ptr<OperatorStats> stats_ = std::make_shared<OperatorStats>(OperatorStatsSettings{
      registry_,
      {exchange("north-hie", config::Transport::mllp, "hl7v2"), exchange("city-hie", config::Transport::websocket, "csv"),
       exchange("remote-hie", config::Transport::fhir_rest, "fhir")},
      "1.2.3"});
};

TEST_F(OperatorStatsTest, ExchangesShowStateLastSeenAndCountersFromTheMetrics) {
  stats_->sample();
  auto before = parse(stats_->exchanges_json());
  EXPECT_STREQ(exchange_in(before, "north-hie")["state"].GetString(), "waiting");  // never seen
  EXPECT_TRUE(exchange_in(before, "north-hie")["last_seen"].IsNull());
  EXPECT_STREQ(exchange_in(before, "city-hie")["state"].GetString(), "disconnected");
  EXPECT_STREQ(exchange_in(before, "remote-hie")["state"].GetString(), "on-demand");

  for (int i = 0; i < 3; ++i) ingest_.message("north-hie", "hl7v2", "accepted", 100, 2ms);
  ingest_.message("north-hie", "hl7v2", "rejected", 50, 1ms);
  peers_.connected("city-hie");
  peers_.seen("city-hie");
  std::this_thread::sleep_for(20ms);
  stats_->sample();
  auto after = parse(stats_->exchanges_json());
  const auto& north = exchange_in(after, "north-hie");
  EXPECT_STREQ(north["state"].GetString(), "active");
  EXPECT_STREQ(north["transport"].GetString(), "mllp");
  EXPECT_EQ(north["messages_in"].GetInt64(), 4);
  EXPECT_EQ(north["bytes_in"].GetInt64(), 350);
  EXPECT_EQ(north["errors"].GetInt64(), 1);
  EXPECT_GT(north["messages_per_second"].GetDouble(), 0);
  ASSERT_TRUE(north["last_seen"].IsString());
  const auto& city = exchange_in(after, "city-hie");
  EXPECT_STREQ(city["state"].GetString(), "connected");
  EXPECT_EQ(city["connections"].GetInt64(), 1);
  EXPECT_EQ(city["messages_in"].GetInt64(), 0);
}

TEST_F(OperatorStatsTest, StatsCarryTotalsThroughputSeriesAndQueryPercentiles) {
  auto& queries = prometheus::BuildHistogram().Name("hie_query_duration_seconds").Help("q").Register(*registry_);
  auto& latency = queries.Add({}, prometheus::Histogram::BucketBoundaries{0.01, 0.1, 1});
  stats_->sample();
  ingest_.message("north-hie", "hl7v2", "accepted", 100, 2ms);
  for (int i = 0; i < 9; ++i) latency.Observe(0.005);
  latency.Observe(0.5);
  std::this_thread::sleep_for(20ms);
  stats_->sample();
  auto d = parse(stats_->stats_json());
  EXPECT_STREQ(d["version"].GetString(), "1.2.3");
  EXPECT_EQ(d["totals"]["messages_in"].GetInt64(), 1);
  EXPECT_EQ(d["totals"]["queries"].GetInt64(), 10);
  EXPECT_EQ(d["query_latency_ms"]["count"].GetInt64(), 10);
  // 9 of 10 under 10 ms: the median is inside the first bucket, the p99 inside the (0.1, 1] one.
  EXPECT_LE(d["query_latency_ms"]["p50"].GetDouble(), 10);
  EXPECT_GT(d["query_latency_ms"]["p99"].GetDouble(), 100);
  EXPECT_LE(d["query_latency_ms"]["p99"].GetDouble(), 1000);
  const auto& times = d["throughput"]["times"];
  const auto& north = d["throughput"]["messages_per_second"]["north-hie"];
  ASSERT_EQ(times.Size(), 1u);  // two readings: one interval
  ASSERT_EQ(north.Size(), 1u);
  EXPECT_GT(north[0].GetDouble(), 0);
  EXPECT_EQ(d["throughput"]["messages_per_second"]["city-hie"][0].GetDouble(), 0);
  EXPECT_EQ(d["exchanges"].Size(), 3u);
}

TEST_F(OperatorStatsTest, NoQueriesYetGivesNullPercentilesAndKeepsAtMostTheHistory) {
  auto short_history = std::make_shared<OperatorStats>(OperatorStatsSettings{registry_, {}, "v", 3});
  for (int i = 0; i < 10; ++i) short_history->sample();
  auto d = parse(short_history->stats_json());
  EXPECT_TRUE(d["query_latency_ms"]["p50"].IsNull());
  EXPECT_EQ(d["query_latency_ms"]["count"].GetInt64(), 0);
  EXPECT_EQ(d["throughput"]["times"].Size(), 2u);  // three readings kept, two intervals
}

}  // namespace
}  // namespace hie::api
