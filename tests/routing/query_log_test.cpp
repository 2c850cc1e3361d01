// The query engine's log lines: an id per query, carried to the exchanges' requests, and one
// info line per query with the outcomes and no patient identifier.
#include "broker/routing/query_log.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <spdlog/sinks/ostream_sink.h>

#include <future>
#include <mutex>
#include <regex>
#include <sstream>

#include "adapters/registry.hpp"
#include "broker/logging/log.hpp"
#include "broker/store/sqlite_store.hpp"
#include "tests/support/temp_dir.hpp"

namespace hie::routing {
namespace {

constexpr const char* kNhs = "https://fhir.nhs.uk/Id/nhs-number";
constexpr const char* kNumber = "9434765919";

/// A live FHIR REST exchange: asked on every query, so no locator knowledge is needed.
config::Exchange fhir_rest(std::string id) {
  config::Exchange e;
  e.id = std::move(id);
  e.format = "fhir";
  e.transport = config::Transport::fhir_rest;
  e.mode = config::ExchangeMode::live;
  return e;
}

class QueryLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::SqliteStore::open({.path = dir_.path("broker.db")});
    ASSERT_TRUE(opened) << opened.error().describe();
    store_ = std::move(*opened);
    locator_ = std::make_unique<RecordLocator>(*store_, 100);
    exchanges_ = {fhir_rest("east"), fhir_rest("west")};
    std::vector<std::string> problems;
    adapters_ = ExchangeAdapters::build(exchanges_, adapters::all_adapters(), problems);
    ASSERT_TRUE(problems.empty()) << problems.front();
    log::configure("info", true, std::make_shared<spdlog::sinks::ostream_sink_mt>(out_));
  }
  void TearDown() override { log::configure("info", false); }

  /// East does not hold the patient; west is not connected.
  AskExchange transport() {
    return [this](const config::Exchange& e, peers::protocol::QueryRequest request,
                  std::function<void(peers::PeerAnswer)> done) {
      {
        std::lock_guard lock(mutex_);
        query_ids_.push_back(request.query_id);
      }
      if (e.id == "east")
        done({peers::PeerAnswer::Outcome::error, "not-found", {}, {}});
      else
        done({peers::PeerAnswer::Outcome::not_connected, "no peer of this exchange is connected", {}, {}});
    };
  }

  Result<QueryResult> run(QueryEngine& engine, PatientQuery query) {
    std::promise<Result<QueryResult>> answer;
    engine.run(std::move(query), [&](Result<QueryResult> r) { answer.set_value(std::move(r)); });
    return answer.get_future().get();
  }

  /// The captured lines whose msg is `msg`, parsed; every captured line must be JSON.
  std::vector<rapidjson::Document> lines(std::string_view msg) {
    std::vector<rapidjson::Document> found;
    std::istringstream in(out_.str());
    for (std::string line; std::getline(in, line);) {
      rapidjson::Document d;
      d.Parse(line.c_str());
      EXPECT_FALSE(d.HasParseError()) << line;
      if (!d.HasParseError() && d["msg"].GetString() == msg) found.push_back(std::move(d));
    }
    return found;
  }

  hie::testing::TempDir dir_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<RecordLocator> locator_;
  std::vector<config::Exchange> exchanges_;
  ExchangeAdapters adapters_;
  std::ostringstream out_;
  std::mutex mutex_;
  std::vector<std::string> query_ids_;
};

TEST_F(QueryLogTest, OneInfoLinePerQueryWithOutcomesAndTheIdTheExchangesSaw) {
  QueryEngine engine({}, exchanges_, adapters_, *store_, *locator_, transport());
  PatientQuery query;
  query.identity = {kNhs, kNumber};
  query.request_id = "c9-4";
  auto result = run(engine, query);
  ASSERT_TRUE(result) << result.error().describe();

  auto finished = lines("query finished");
  ASSERT_EQ(finished.size(), 1u) << out_.str();
  const auto& d = finished[0];
  EXPECT_STREQ(d["level"].GetString(), "info");
  EXPECT_STREQ(d["req"].GetString(), "c9-4");
  const std::string id = d["query"].GetString();
  EXPECT_TRUE(std::regex_match(id, std::regex("[0-9a-f]{4}-[0-9a-f]+"))) << id;
  EXPECT_EQ(d["exchanges"].GetInt(), 2);
  EXPECT_EQ(d["not_found"].GetInt(), 1);
  EXPECT_EQ(d["not_connected"].GetInt(), 1);
  EXPECT_FALSE(d.HasMember("answered"));  // outcomes that did not occur are left out
  EXPECT_EQ(d["resources"].GetInt(), 0);
  EXPECT_TRUE(d["ms"].IsNumber());
  EXPECT_EQ(query_ids_, (std::vector<std::string>{id, id}));  // both exchanges were asked under it
  EXPECT_EQ(out_.str().find(kNumber), std::string::npos) << out_.str();
  EXPECT_TRUE(lines("query started").empty());  // debug only

  // The next query gets another id.
  ASSERT_TRUE(run(engine, query));
  auto both = lines("query finished");
  ASSERT_EQ(both.size(), 2u);
  EXPECT_NE(std::string(both[1]["query"].GetString()), id);
}

TEST_F(QueryLogTest, AQueryThatCannotRunSaysWhyInAFixedWord) {
  QueryEngine engine({.max_in_flight = 0}, exchanges_, adapters_, *store_, *locator_, transport());
  PatientQuery query;
  query.identity = {kNhs, kNumber};
  ASSERT_FALSE(run(engine, query));
  auto failed = lines("query failed");
  ASSERT_EQ(failed.size(), 1u) << out_.str();
  EXPECT_STREQ(failed[0]["error"].GetString(), "limit_exceeded");
  EXPECT_EQ(out_.str().find(kNumber), std::string::npos);
}

TEST_F(QueryLogTest, AtDebugEachExchangeOutcomeFollows) {
  log::configure("debug", true, std::make_shared<spdlog::sinks::ostream_sink_mt>(out_));
  QueryEngine engine({}, exchanges_, adapters_, *store_, *locator_, transport());
  PatientQuery query;
  query.identity = {kNhs, kNumber};
  ASSERT_TRUE(run(engine, query));
  auto started = lines("query started");
  ASSERT_EQ(started.size(), 1u);
  EXPECT_STREQ(started[0]["identifier_system"].GetString(), kNhs);
  auto outcomes = lines("query exchange outcome");
  ASSERT_EQ(outcomes.size(), 2u) << out_.str();
  EXPECT_STREQ(outcomes[0]["exchange"].GetString(), "east");
  EXPECT_STREQ(outcomes[0]["outcome"].GetString(), "not_found");
  EXPECT_STREQ(outcomes[1]["exchange"].GetString(), "west");
  EXPECT_STREQ(outcomes[1]["query"].GetString(), started[0]["query"].GetString());
}

}  // namespace
}  // namespace hie::routing
