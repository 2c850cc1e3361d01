// The query engine against a real SQLite store and real adapters, with the transport faked:
// which exchanges are asked, stored answers, consent, deadlines, the in-flight bound.
#include "broker/routing/query_engine.hpp"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <future>
#include <thread>

#include "broker/metrics/exposition.hpp"
#include "broker/routing/translator.hpp"
#include "broker/store/sqlite_store.hpp"
#include "tests/support/temp_dir.hpp"

namespace hie::routing {
namespace {

using hie::testing::TempDir;
using Kind = ExchangeResult::Kind;
using namespace std::chrono_literals;

constexpr const char* kNhs = "https://fhir.nhs.uk/Id/nhs-number";

std::string adt(const std::string& control_id, const std::string& pid3) {
  return "MSH|^~\\&|PAS|FAC|HIE|HIE|20240102030405+0000||ADT^A08|" + control_id +
         "|P|2.5.1\rEVN|A08|20240102030405+0000\rPID|1||" + pid3 + "||SMITH^JOHN||19700101|M\r";
}

std::string oru(const std::string& pid3) {
  return "MSH|^~\\&|LAB|FAC|HIE|HIE|20240301101500+0000||ORU^R01|L1|P|2.5.1\rPID|1||" + pid3 +
         "||SMITH^JOHN||19700101|M\rOBR|1||F1|2345-7^Glucose^LN|||20240301090000+0000\r"
         "OBX|1|NM|2345-7^Glucose^LN||5.4|mmol/L^mmol/L^UCUM|||||F|||20240301090000+0000\r";
}

config::Exchange exchange(std::string id, config::ExchangeMode mode) {
  config::Exchange e;
  e.id = std::move(id);
  e.format = "hl7v2";
  e.transport = mode == config::ExchangeMode::stored ? config::Transport::mllp : config::Transport::websocket;
  e.mode = mode;
  e.identifier_systems = {{"HOSP", "https://hospital.example/mrn"}};
  e.default_utc_offset = "+00:00";
  return e;
}

class QueryEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::SqliteStore::open({.path = dir_.path("broker.db")});
    ASSERT_TRUE(opened) << opened.error().describe();
    store_ = std::move(*opened);
    locator_ = std::make_unique<RecordLocator>(*store_, 100);
    exchanges_ = {exchange("north", config::ExchangeMode::stored), exchange("east", config::ExchangeMode::live),
                  exchange("silent", config::ExchangeMode::live), exchange("down", config::ExchangeMode::live),
                  exchange("west", config::ExchangeMode::live)};
    std::vector<std::string> problems;
    adapters_ = ExchangeAdapters::build(exchanges_, adapters::all_adapters(), problems);
    ASSERT_TRUE(problems.empty()) << problems.front();
    // Each exchange has published this patient once: that is how the locator knows it.
    Translator translator(*store_, exchanges_, adapters_, nullptr, locator_.get());
    for (const auto& e : exchanges_)
      journal(e.id, "C-" + e.id, adt("C-" + e.id, "9434765919^^^NHS^NH~M" + e.id + "^^^HOSP^MR"));
    journal("north", "L1", oru("9434765919^^^NHS^NH"));
    ASSERT_TRUE(translator.run_once());
  }

  void journal(const std::string& exchange, const std::string& control_id, const std::string& payload) {
    store::InboundMessage m;
    m.exchange = exchange;
    m.control_id = control_id;
    m.format = "hl7v2";
    m.payload = payload;
    std::promise<Result<store::Appended>> answer;
    store_->append(std::move(m), [&](Result<store::Appended> r) { answer.set_value(std::move(r)); });
    ASSERT_TRUE(answer.get_future().get());
  }

  /// The fake transport: east answers with an ORU, silent never answers, down is not connected.
  AskExchange transport() {
    return [this](const config::Exchange& e, peers::protocol::QueryRequest request,
                  std::function<void(peers::PeerAnswer)> done) {
      asked_.push_back(e.id);
      requests_.push_back(request);
      if (e.id == "east") {
        std::thread([done] { done({peers::PeerAnswer::Outcome::answered, {}, "hl7v2", {oru("9434765919^^^NHS^NH")}}); })
            .detach();
      } else if (e.id == "down") {
        done({peers::PeerAnswer::Outcome::not_connected, "no peer of this exchange is connected", {}, {}});
      } else if (e.id == "silent") {
        silent_ = std::move(done);  // a peer that never answers (the engine must not wait for it)
      } else {
        done({peers::PeerAnswer::Outcome::answered, {}, "hl7v2", {oru("9434765919^^^NHS^NH")}});
      }
    };
  }

  Result<QueryResult> run(QueryEngine& engine, PatientQuery query) {
    std::promise<Result<QueryResult>> answer;
    engine.run(std::move(query), [&](Result<QueryResult> r) { answer.set_value(std::move(r)); });
    return answer.get_future().get();
  }

  static const ExchangeResult& of(const QueryResult& result, std::string_view id) {
    for (const auto& e : result.exchanges)
      if (e.exchange == id) return e;
    throw std::runtime_error("no result for " + std::string(id));
  }

  TempDir dir_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<RecordLocator> locator_;
  std::vector<config::Exchange> exchanges_;
  ExchangeAdapters adapters_;
  std::vector<std::string> asked_;
  std::vector<peers::protocol::QueryRequest> requests_;
  std::function<void(peers::PeerAnswer)> silent_;
};

TEST_F(QueryEngineTest, EveryHolderIsAskedAndEachOutcomeIsReportedByTheDeadline) {
  QueryEngine engine({.default_deadline = 300ms, .grace = 100ms}, exchanges_, adapters_, *store_, *locator_, transport());
  // West is kept out by the patient's consent.
  std::promise<Status> consented;
  store_->put_consent({"9434765919", false, {"west"}, "", "patient", "{}"},
                      [&](Status s) { consented.set_value(std::move(s)); });
  ASSERT_TRUE(consented.get_future().get());

  const auto started = std::chrono::steady_clock::now();
  auto result = run(engine, {{kNhs, "9434765919"}, {}, {}, {}, {}});
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_LT(took, 2s);
  EXPECT_GE(took, 300ms);  // it waited for the silent exchange up to its deadline
  EXPECT_EQ(result->nhs_number, "9434765919");
  std::vector<std::string> ids;
  for (const auto& e : result->exchanges) ids.push_back(e.exchange);
  EXPECT_EQ(ids, (std::vector<std::string>{"down", "east", "north", "silent", "west"}));

  // The stored exchange is answered from the store, never asked; consent stops west before it is asked.
  std::sort(asked_.begin(), asked_.end());
  EXPECT_EQ(asked_, (std::vector<std::string>{"down", "east", "silent"}));
  EXPECT_EQ(of(*result, "north").kind, Kind::stored);
  EXPECT_EQ(of(*result, "east").kind, Kind::answered);
  EXPECT_EQ(of(*result, "silent").kind, Kind::timed_out);
  EXPECT_EQ(of(*result, "down").kind, Kind::not_connected);
  EXPECT_EQ(of(*result, "west").kind, Kind::skipped_by_consent);
  EXPECT_EQ(of(*result, "west").detail, "the patient does not share records held by this exchange");

  // East's answer was translated: the glucose result with its value and unit.
  const auto& east = of(*result, "east");
  const model::Observation* glucose = nullptr;
  for (const auto& r : east.resources)
    if (auto* o = std::get_if<model::Observation>(&r)) glucose = o;
  ASSERT_NE(glucose, nullptr);
  ASSERT_TRUE(glucose->meta);
  EXPECT_EQ(glucose->meta->source, "east");
  const auto* quantity = std::get_if<model::Quantity>(&glucose->value);
  ASSERT_NE(quantity, nullptr);
  EXPECT_EQ(quantity->value->text(), "5.4");
  EXPECT_EQ(quantity->unit, "mmol/L");

  // North's stored resources: its Patient and its glucose report.
  std::vector<std::string> types;
  for (const auto& r : of(*result, "north").resources) types.emplace_back(model::resource_type(r));
  std::sort(types.begin(), types.end());
  EXPECT_EQ(types, (std::vector<std::string>{"DiagnosticReport", "Observation", "Patient"}));

  // The live exchanges were asked by the NHS number with the deadline.
  ASSERT_FALSE(requests_.empty());
  EXPECT_EQ(requests_.front().patient.front(), (store::PatientIdentity{kNhs, "9434765919"}));
  EXPECT_EQ(requests_.front().deadline, 300ms);
  // A late answer after the deadline changes nothing and does not crash.
  ASSERT_TRUE(silent_);
  silent_({peers::PeerAnswer::Outcome::answered, {}, "hl7v2", {}});
}

TEST_F(QueryEngineTest, AnExchangesOwnQueryTimeoutWinsOverTheDefault) {
  // The transport keeps each exchange's deadline (the request says it); the engine's own wait is
  // the longest of them.
  for (auto& e : exchanges_)
    if (e.id == "silent") e.query_timeout = 150ms;
  QueryEngine engine({.default_deadline = 300ms, .grace = 50ms}, exchanges_, adapters_, *store_, *locator_, transport());
  auto result = run(engine, {{kNhs, "9434765919"}, {}, {}, {}, {}});
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_EQ(of(*result, "silent").kind, Kind::timed_out);
  ASSERT_EQ(asked_.size(), 4u);
  for (std::size_t i = 0; i < asked_.size(); ++i)
    EXPECT_EQ(requests_[i].deadline, asked_[i] == "silent" ? 150ms : 300ms) << asked_[i];
  ASSERT_TRUE(silent_);
  silent_({peers::PeerAnswer::Outcome::timed_out, {}, {}, {}});
}

TEST_F(QueryEngineTest, ALocalIdentifierFindsThePatientAndTheTypesFilterTheRecords) {
  QueryEngine engine({.default_deadline = 200ms, .grace = 50ms}, exchanges_, adapters_, *store_, *locator_, transport());
  auto result = run(engine, {{"https://hospital.example/mrn", "Mnorth"}, {"Observation"}, {}, {}, {}});
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_EQ(result->nhs_number, "9434765919");
  EXPECT_EQ(result->exchanges.size(), 5u);  // through the NHS number, every holder
  std::vector<std::string> types;
  for (const auto& r : of(*result, "north").resources) types.emplace_back(model::resource_type(r));
  std::sort(types.begin(), types.end());
  EXPECT_EQ(types, (std::vector<std::string>{"Observation", "Patient"}));  // the Patient always comes
  // Live exchanges are asked by both identifiers, and told the types.
  ASSERT_FALSE(requests_.empty());
  ASSERT_EQ(requests_.front().patient.size(), 2u);
  EXPECT_EQ(requests_.front().patient[1], (store::PatientIdentity{kNhs, "9434765919"}));
  EXPECT_EQ(requests_.front().resource_types, std::vector<std::string>{"Observation"});
  if (silent_) silent_({peers::PeerAnswer::Outcome::timed_out, {}, {}, {}});
}

TEST_F(QueryEngineTest, AnOptedOutPatientIsAskedOfNobody) {
  QueryEngine engine({.default_deadline = 200ms}, exchanges_, adapters_, *store_, *locator_, transport());
  std::promise<Status> consented;
  store_->put_consent({"9434765919", true, {}, "", "patient", "{}"}, [&](Status s) { consented.set_value(std::move(s)); });
  ASSERT_TRUE(consented.get_future().get());
  auto result = run(engine, {{kNhs, "9434765919"}, {}, {}, {}, {}});
  ASSERT_TRUE(result);
  EXPECT_TRUE(asked_.empty());
  for (const auto& e : result->exchanges) {
    EXPECT_EQ(e.kind, Kind::skipped_by_consent) << e.exchange;
    EXPECT_TRUE(e.resources.empty());
  }
}

TEST_F(QueryEngineTest, AnUnknownPatientIsAnEmptyAnswerAtOnce) {
  QueryEngine engine({.default_deadline = 5s}, exchanges_, adapters_, *store_, *locator_, transport());
  const auto started = std::chrono::steady_clock::now();
  auto result = run(engine, {{kNhs, "4010232137"}, {}, {}, {}, {}});
  ASSERT_TRUE(result);
  EXPECT_TRUE(result->exchanges.empty());
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
  EXPECT_TRUE(asked_.empty());
}

TEST_F(QueryEngineTest, QueriesBeyondTheBoundAreRefusedUntilOneFinishes) {
  QueryEngine engine({.max_in_flight = 1, .default_deadline = 300ms}, exchanges_, adapters_, *store_, *locator_,
                     transport());
  std::promise<Result<QueryResult>> first;
  engine.run({{kNhs, "9434765919"}, {}, {}, {}, {}}, [&](Result<QueryResult> r) { first.set_value(std::move(r)); });
  auto second = run(engine, {{kNhs, "9434765919"}, {}, {}, {}, {}});
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code(), Errc::limit_exceeded);
  ASSERT_TRUE(first.get_future().get());
  // The slot is given back once the first query finished.
  for (int i = 0; i < 50 && engine.in_flight() != 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(engine.in_flight(), 0u);
}

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

/// The value of the sample line that starts with `series` and a space, or -1 when there is none.
double sample(const std::string& text, const std::string& series) {
  const auto at = text.find("\n" + series + " ");
  return at == std::string::npos ? -1 : std::stod(text.substr(at + series.size() + 2));
}

TEST_F(QueryEngineTest, EachExchangesOutcomeAndLatencyAndTheWholeQueryAreCounted) {
  prometheus::Registry registry;
  {
    QueryEngine engine({.default_deadline = 300ms, .grace = 100ms, .registry = &registry}, exchanges_, adapters_,
                       *store_, *locator_, transport());
    ASSERT_TRUE(run(engine, {{kNhs, "9434765919"}, {}, {}, {}, {}}));
  }  // destroyed: its workers joined, so nothing is still being counted
  const std::string text = metrics::render_text(registry);
  for (const auto& [exchange, outcome] : std::vector<std::pair<std::string, std::string>>{
           {"north", "stored"}, {"east", "answered"}, {"west", "answered"}, {"silent", "timed_out"},
           {"down", "not_connected"}}) {
    const std::string labels = R"({exchange=")" + exchange + R"(",outcome=")" + outcome + R"("})";
    EXPECT_TRUE(has_line(text, "hie_query_exchange_outcomes_total" + labels + " 1")) << labels << "\n" << text;
    EXPECT_TRUE(has_line(text, "hie_query_exchange_seconds_count" + labels + " 1")) << labels;
  }
  // Every outcome of every configured exchange is there from the start, at 0.
  EXPECT_TRUE(has_line(text, R"(hie_query_exchange_outcomes_total{exchange="east",outcome="failed"} 0)"));
  // The silent exchange was given up on at the engine's deadline, no sooner.
  EXPECT_GE(sample(text, R"(hie_query_exchange_seconds_sum{exchange="silent",outcome="timed_out"})"), 0.3);
  EXPECT_LT(sample(text, R"(hie_query_exchange_seconds_sum{exchange="north",outcome="stored"})"), 0.3);
  EXPECT_TRUE(has_line(text, R"(hie_query_duration_seconds_count{outcome="timed_out"} 1)")) << text;
  EXPECT_GE(sample(text, R"(hie_query_duration_seconds_sum{outcome="timed_out"})"), 0.3);
  EXPECT_TRUE(has_line(text, "hie_query_in_flight 0"));
  EXPECT_TRUE(has_line(text, "hie_query_refused_total 0"));
  // Labels are exchange ids and outcome words: nothing of the patient.
  EXPECT_EQ(text.find("9434765919"), std::string::npos);
  EXPECT_EQ(text.find("SMITH"), std::string::npos);
  if (silent_) silent_({peers::PeerAnswer::Outcome::timed_out, {}, {}, {}});
}

TEST_F(QueryEngineTest, QueriesRefusedForOverloadAreCounted) {
  prometheus::Registry registry;
  QueryEngine engine({.max_in_flight = 0, .registry = &registry}, exchanges_, adapters_, *store_, *locator_,
                     transport());
  auto refused = run(engine, {{kNhs, "9434765919"}, {}, {}, {}, {}});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), Errc::limit_exceeded);
  const std::string text = metrics::render_text(registry);
  EXPECT_TRUE(has_line(text, "hie_query_refused_total 1")) << text;
  EXPECT_TRUE(has_line(text, "hie_query_in_flight 0")) << text;
  EXPECT_TRUE(asked_.empty());
}

}  // namespace
}  // namespace hie::routing

namespace hie::routing {
namespace {

TEST_F(QueryEngineTest, AFhirRestExchangeIsAskedEvenThoughTheLocatorCannotKnowIt) {
  auto rest = exchange("rest-hie", config::ExchangeMode::live);
  rest.transport = config::Transport::fhir_rest;
  rest.format = "fhir";
  auto with_rest = exchanges_;
  with_rest.push_back(rest);
  std::vector<std::string> problems;
  auto adapters = ExchangeAdapters::build(with_rest, adapters::all_adapters(), problems);
  QueryEngine engine({.default_deadline = 200ms, .grace = 50ms}, with_rest, adapters, *store_, *locator_,
                     [this](const config::Exchange& e, peers::protocol::QueryRequest request,
                            std::function<void(peers::PeerAnswer)> done) {
                       asked_.push_back(e.id);
                       if (e.id == "rest-hie") done({peers::PeerAnswer::Outcome::error, "not-found", {}, {}});
                       else transport()(e, std::move(request), std::move(done));
                     });
  auto result = run(engine, {{kNhs, "9434765919"}, {}, {}, {}, {}});
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_EQ(of(*result, "rest-hie").kind, Kind::not_found);
  EXPECT_NE(std::ranges::find(asked_, "rest-hie"), asked_.end());
  // A patient nobody else holds: the FHIR REST exchange is still asked.
  asked_.clear();
  auto unknown = run(engine, {{kNhs, "4010232137"}, {}, {}, {}, {}});
  ASSERT_TRUE(unknown);
  ASSERT_EQ(unknown->exchanges.size(), 1u);
  EXPECT_EQ(unknown->exchanges[0].exchange, "rest-hie");
  if (silent_) silent_({peers::PeerAnswer::Outcome::timed_out, {}, {}, {}});
}

}  // namespace
}  // namespace hie::routing
