// /peer over real WebSocket + TLS on loopback, into a real SQLite file: who may connect, what
// each protocol message gets back, and broker-to-peer queries with their deadlines.
#include "broker/peers/peer_endpoint.hpp"

#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <rapidjson/document.h>

#include <fstream>
#include <future>
#include <sstream>

#include "broker/metrics/exposition.hpp"
#include "broker/store/sqlite_store.hpp"
#include "tests/net/test_server.hpp"
#include "tests/support/json_text.hpp"
#include "tests/support/sqlite_rows.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_certificates.hpp"
#include "tests/support/ws_client.hpp"

namespace hie::peers {
namespace {

using namespace std::chrono_literals;
using hie::testing::TempDir;
using hie::testing::WsClient;
using hie::testing::count_rows;

std::string sample(const std::string& relative) {
  std::ifstream in(std::string(HIE_SOURCE_DIR) + "/tests/data/hl7v2/" + relative, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A JSON string member of `json`, or "<missing>".
std::string member(const std::string& json, const char* name) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember(name)) return "<missing>";
  const auto& v = d[name];
  if (v.IsString()) return v.GetString();
  if (v.IsBool()) return v.GetBool() ? "true" : "false";
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  return "<not a scalar>";
}

std::string publish(const std::string& id, const std::string& control_id, const std::string& payload,
                    const std::string& format = "hl7v2") {
  return R"({"type":"publish","id":")" + id + R"(","format":")" + format + R"(","control_id":")" + control_id +
         R"(","payload":)" + hie::testing::json_quoted(payload) + "}";
}

const std::string kHello = R"({"type":"hello","id":"h1","protocol":1,"exchange":"north-hie","formats":["hl7v2"]})";

config::Exchange exchange(std::string id, std::string cn) {
  config::Exchange e;
  e.id = std::move(id);
  e.format = "hl7v2";
  e.transport = config::Transport::websocket;
  e.credentials.cert_subject_cn = std::move(cn);
  return e;
}

class PeerEndpointTest : public ::testing::Test {
 protected:
  void start(std::size_t max_connections_per_exchange = 4, std::size_t max_message_bytes = 256 * 1024) {
    auto opened = store::SqliteStore::open({.path = db_path()});
    ASSERT_TRUE(opened) << opened.error().describe();
    store_ = std::move(*opened);
    auto directory = std::make_shared<const ExchangeDirectory>(
        std::vector{exchange("north-hie", "north-hie"), exchange("south-hie", "south-hie")});
    PeerEndpointSettings settings{max_connections_per_exchange, "hiebroker test", [this] { ++stored_; },
                                  [this](const std::vector<store::PatientSighting>& s) { announced_ += s.size(); },
                                  {}, {}, {}};
    endpoint_ = std::make_shared<PeerEndpoint>(std::move(settings), directory, *store_,
                                               std::make_shared<IngestMetrics>(registry_),
                                               std::make_shared<PeerMetrics>(registry_));
    config::Limits limits;
    limits.max_message_bytes = max_message_bytes;
    server_ = std::make_unique<net::testing::TestServer>(
        limits, net::http_session_runner(net::testing::echo_handler(), {{"/peer", endpoint_}}), "http",
        net::testing::test_tls_context(false));
  }
  /// A connection of north-hie that has said hello.
  std::unique_ptr<WsClient> hello() {
    auto client = std::make_unique<WsClient>(server_->port(), hie::testing::north_hie_client());
    EXPECT_TRUE(client->upgraded()) << client->error();
    client->send_text(kHello);
    auto ack = client->read();
    EXPECT_TRUE(ack);
    EXPECT_EQ(member(ack.value_or(""), "type"), "ack") << ack.value_or("");
    return client;
  }
  std::string db_path() const { return dir_.path("broker.db"); }
  std::string metrics() const { return metrics::render_text(registry_); }

  TempDir dir_;
  prometheus::Registry registry_;
  std::unique_ptr<store::SqliteStore> store_;
  std::shared_ptr<PeerEndpoint> endpoint_;
  std::unique_ptr<net::testing::TestServer> server_;
  std::atomic<int> stored_{0};
  std::atomic<std::size_t> announced_{0};
};

TEST_F(PeerEndpointTest, WithoutAnExchangesCertificateTheUpgradeIsRefused) {
  start();
  WsClient anonymous(server_->port(), hie::testing::anonymous_client());
  EXPECT_FALSE(anonymous.upgraded());
  EXPECT_EQ(anonymous.http_status(), 403);
  EXPECT_NE(anonymous.http_body().find("client certificate"), std::string::npos) << anonymous.http_body();

  WsClient stranger(server_->port(), hie::testing::stranger_client());
  EXPECT_FALSE(stranger.upgraded());
  EXPECT_EQ(stranger.http_status(), 403);
  EXPECT_NE(stranger.http_body().find("no configured exchange"), std::string::npos) << stranger.http_body();
  EXPECT_TRUE(server_->metrics_eventually_contain(R"(reason="upgrade_refused"} 2)"));

  // Other paths are still plain HTTP.
  WsClient elsewhere(server_->port(), hie::testing::north_hie_client(), "/somewhere");
  EXPECT_FALSE(elsewhere.upgraded());
  EXPECT_EQ(elsewhere.http_status(), 200);
}

TEST_F(PeerEndpointTest, HelloFirstThenPingIsAnsweredByName) {
  start();
  WsClient client(server_->port(), hie::testing::north_hie_client());
  ASSERT_TRUE(client.upgraded()) << client.error();
  client.send_text(R"({"type":"ping","id":"x0"})");
  auto early = client.read();
  ASSERT_TRUE(early);
  EXPECT_EQ(member(*early, "type"), "nack");
  EXPECT_EQ(member(*early, "re"), "x0");
  EXPECT_EQ(member(*early, "reason"), "hello-first");

  client.send_text(kHello);
  auto ack = client.read();
  ASSERT_TRUE(ack);
  EXPECT_EQ(member(*ack, "type"), "ack");
  EXPECT_EQ(member(*ack, "re"), "h1");
  EXPECT_EQ(member(*ack, "protocol"), "1");
  EXPECT_EQ(member(*ack, "broker"), "hiebroker test");

  client.send_text(R"({"type":"ping","id":"x1"})");
  auto pong = client.read();
  ASSERT_TRUE(pong);
  EXPECT_EQ(member(*pong, "type"), "pong");
  EXPECT_EQ(member(*pong, "re"), "x1");
  EXPECT_NE(member(*pong, "id"), member(*ack, "id"));
}

TEST_F(PeerEndpointTest, HelloNamingAnotherExchangeIsRefusedAndClosed) {
  start();
  WsClient client(server_->port(), hie::testing::north_hie_client());
  ASSERT_TRUE(client.upgraded());
  client.send_text(R"({"type":"hello","id":"h1","protocol":1,"exchange":"south-hie"})");
  auto nack = client.read();
  ASSERT_TRUE(nack);
  EXPECT_EQ(member(*nack, "reason"), "exchange-mismatch");
  EXPECT_NE(member(*nack, "detail").find("north-hie"), std::string::npos);
  EXPECT_FALSE(client.read());
  EXPECT_EQ(client.close_code(), 1008);

  WsClient old(server_->port(), hie::testing::north_hie_client());
  old.send_text(R"({"type":"hello","id":"h1","protocol":2,"exchange":"north-hie"})");
  EXPECT_EQ(member(old.read().value_or(""), "reason"), "unsupported-protocol");
}

TEST_F(PeerEndpointTest, PublishIsAcknowledgedOnceDurableAndAResendIsStoredOnce) {
  start();
  auto client = hello();
  const std::string message = sample("fhir-converter/ADT-A01-01.hl7");
  ASSERT_FALSE(message.empty());
  client->send_text(publish("p1", "north-0001", message));
  auto ack = client->read();
  ASSERT_TRUE(ack);
  EXPECT_EQ(member(*ack, "type"), "ack") << *ack;
  EXPECT_EQ(member(*ack, "re"), "p1");
  EXPECT_EQ(member(*ack, "duplicate"), "false");
  const std::string journal_id = member(*ack, "journal_id");
  // The ack came after the commit: the row is already in the file, as sent.
  EXPECT_EQ(count_rows(db_path(), "exchange = 'north-hie' AND control_id = 'north-0001' AND status = 'accepted' "
                                  "AND format = 'hl7v2' AND id = " + journal_id),
            1);
  EXPECT_EQ(stored_, 1);

  client->send_text(publish("p2", "north-0001", message));
  auto again = client->read();
  ASSERT_TRUE(again);
  EXPECT_EQ(member(*again, "re"), "p2");
  EXPECT_EQ(member(*again, "duplicate"), "true");
  EXPECT_EQ(member(*again, "journal_id"), journal_id);
  EXPECT_EQ(count_rows(db_path()), 1);
  EXPECT_EQ(stored_, 1);
  EXPECT_NE(metrics().find(R"(hie_ingest_messages_total{exchange="north-hie",format="hl7v2",outcome="duplicate"} 1)"),
            std::string::npos);
}

TEST_F(PeerEndpointTest, ManyPublishesInFlightAreEachAnswered) {
  start();
  auto client = hello();
  const std::string message = sample("fhir-converter/ADT-A01-01.hl7");
  for (int i = 0; i < 50; ++i) client->send_text(publish("p" + std::to_string(i), "c" + std::to_string(i), message));
  std::set<std::string> answered;
  for (int i = 0; i < 50; ++i) {
    auto reply = client->read();
    ASSERT_TRUE(reply);
    EXPECT_EQ(member(*reply, "type"), "ack");
    answered.insert(member(*reply, "re"));
  }
  EXPECT_EQ(answered.size(), 50u);
  EXPECT_EQ(count_rows(db_path(), "status = 'accepted'"), 50);
}

TEST_F(PeerEndpointTest, WhatCannotBeReadGetsANackWithAReasonAndTheConnectionStays) {
  start();
  auto client = hello();
  struct Case {
    std::string sent, re, reason, detail;
  };
  const std::vector<Case> cases = {
      {"this is not json", "", "malformed", "not JSON"},
      {R"(["an","array"])", "", "malformed", "expected a JSON object"},
      {R"({"type":"ping"})", "", "malformed", "id: is required"},
      {R"({"type":"frobnicate","id":"f1"})", "f1", "unknown-type", "frobnicate"},
      {R"({"type":"publish","id":"p1","format":"hl7v2","payload":"MSH|^~\\&|"})", "p1", "malformed",
       "publish.control_id: is required"},
      {publish("p2", "c2", "MSH|^~\\&|A|B\rPID|1\r", "fhir"), "p2", "unknown-format", "publishes hl7v2"},
      {publish("p3", "c3", "this is no HL7 message"), "p3", "unreadable", ""},
      {R"({"type":"announce","id":"a1","patients":[{"identifiers":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"1234567890"}]}]})",
       "a1", "malformed", "patients[0].identifiers[0].value: not a valid NHS number"},
      {R"({"type":"result","id":"r1","re":"q404","error":"not-found"})", "r1", "too-late", "q404"},
      {R"({"type":"subscribe","id":"s1","events":["admission"],"patients":"all"})", "s1", "refused", "operators"},
      {R"({"type":"subscribe","id":"s2","events":["arrival"]})", "s2", "malformed", "unknown event kind"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.sent);
    ASSERT_TRUE(client->send_text(c.sent));
    auto reply = client->read();
    ASSERT_TRUE(reply);
    EXPECT_EQ(member(*reply, "type"), "nack") << *reply;
    EXPECT_EQ(member(*reply, "re"), c.re);
    EXPECT_EQ(member(*reply, "reason"), c.reason);
    EXPECT_NE(member(*reply, "detail").find(c.detail), std::string::npos) << *reply;
  }
  client->send_binary("\x01\x02");
  EXPECT_EQ(member(client->read().value_or(""), "reason"), "malformed");

  // The unreadable publish is kept for the record, refused.
  EXPECT_EQ(count_rows(db_path(), "status = 'rejected' AND control_id = 'c3'"), 1);
  EXPECT_EQ(count_rows(db_path(), "status = 'accepted'"), 0);
  client->send_text(R"({"type":"ping","id":"still-here"})");
  EXPECT_EQ(member(client->read().value_or(""), "re"), "still-here");
  EXPECT_NE(metrics().find(R"(hie_peer_messages_total{exchange="north-hie",outcome="unknown-type",type="unreadable"} 1)"),
            std::string::npos)
      << metrics();
}

TEST_F(PeerEndpointTest, AMessageOverTheLimitClosesTheConnectionWith1009) {
  start(4, 4096);
  auto client = hello();
  client->send_text(publish("big", "c-big", std::string(8192, 'x')));
  EXPECT_FALSE(client->read());
  EXPECT_EQ(client->close_code(), 1009);
  EXPECT_TRUE(server_->metrics_eventually_contain(R"(reason="message_too_large"} 1)"));
  EXPECT_EQ(count_rows(db_path()), 0);
}

TEST_F(PeerEndpointTest, AnnounceTellsTheRecordLocatorWhoHoldsThePatient) {
  start();
  auto client = hello();
  client->send_text(R"({"type":"announce","id":"a1","patients":[
      {"identifiers":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"},
                      {"system":"https://north-hie.example/Id/mrn","value":"N-77"}]},
      {"identifiers":[{"system":"https://north-hie.example/Id/mrn","value":"N-78"}]}]})");
  auto ack = client->read();
  ASSERT_TRUE(ack);
  EXPECT_EQ(member(*ack, "type"), "ack") << *ack;
  EXPECT_EQ(member(*ack, "patients"), "2");
  EXPECT_EQ(announced_, 2u);
  // Cross-referenced by NHS number: the local identifier finds the exchange, and the NHS number.
  auto found = store_->locate({"https://north-hie.example/Id/mrn", "N-77"});
  ASSERT_TRUE(found) << found.error().describe();
  EXPECT_EQ(found->exchanges, std::vector<std::string>{"north-hie"});
  EXPECT_EQ(found->nhs_number, "9434765919");
  auto by_nhs = store_->locate({"https://fhir.nhs.uk/Id/nhs-number", "9434765919"});
  ASSERT_TRUE(by_nhs);
  EXPECT_EQ(by_nhs->exchanges, std::vector<std::string>{"north-hie"});
}

TEST_F(PeerEndpointTest, AnExchangeHoldsNoMoreConnectionsThanItsLimit) {
  start(1);
  auto first = hello();
  WsClient second(server_->port(), hie::testing::north_hie_client());
  EXPECT_FALSE(second.upgraded());
  EXPECT_EQ(second.http_status(), 503);
  EXPECT_NE(second.http_body().find("max_connections_per_exchange"), std::string::npos);
  EXPECT_EQ(endpoint_->connections("north-hie"), 1u);
  first.reset();
  for (int i = 0; i < 200 && endpoint_->connections("north-hie") > 0; ++i) std::this_thread::sleep_for(10ms);
  WsClient third(server_->port(), hie::testing::north_hie_client());
  EXPECT_TRUE(third.upgraded()) << third.error();
}

/// Runs endpoint.query and hands back its answer.
std::future<PeerAnswer> ask(PeerEndpoint& endpoint, const std::string& exchange, std::chrono::milliseconds deadline) {
  auto promise = std::make_shared<std::promise<PeerAnswer>>();
  protocol::QueryRequest request;
  request.patient = {{"https://fhir.nhs.uk/Id/nhs-number", "9434765919"}};
  request.resource_types = {"Observation"};
  request.date_ge = "2025-01-01";
  request.deadline = deadline;
  endpoint.query(exchange, request, [promise](PeerAnswer answer) { promise->set_value(std::move(answer)); });
  return promise->get_future();
}

TEST_F(PeerEndpointTest, AQueryReachesThePeerAndItsResultComesBack) {
  start();
  auto client = hello();
  auto answer = ask(*endpoint_, "north-hie", 5s);
  auto query = client->read();
  ASSERT_TRUE(query);
  EXPECT_EQ(member(*query, "type"), "query");
  EXPECT_NE(query->find(R"("patient":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}])"),
            std::string::npos)
      << *query;
  EXPECT_NE(query->find(R"("resource_types":["Observation"])"), std::string::npos);
  EXPECT_NE(query->find(R"("date":{"ge":"2025-01-01"})"), std::string::npos);
  EXPECT_NE(query->find(R"("deadline_ms":5000)"), std::string::npos);
  client->send_text(R"({"type":"result","id":"r1","re":")" + member(*query, "id") +
                    R"(","format":"hl7v2","payload":"MSH|^~\\&|A\r"})");
  ASSERT_EQ(answer.wait_for(5s), std::future_status::ready);
  auto got = answer.get();
  EXPECT_EQ(got.outcome, PeerAnswer::Outcome::answered);
  EXPECT_EQ(got.format, "hl7v2");
  EXPECT_EQ(got.payloads, std::vector<std::string>{"MSH|^~\\&|A\r"});

  auto several = ask(*endpoint_, "north-hie", 5s);
  auto second = client->read();
  client->send_text(R"({"type":"result","id":"r2","re":")" + member(second.value_or(""), "id") +
                    R"(","error":"not-found"})");
  ASSERT_EQ(several.wait_for(5s), std::future_status::ready);
  auto not_found = several.get();
  EXPECT_EQ(not_found.outcome, PeerAnswer::Outcome::error);
  EXPECT_EQ(not_found.error, "not-found");
}

TEST_F(PeerEndpointTest, AQueryEndsAtItsDeadlineAndALateResultIsTooLate) {
  start();
  auto client = hello();
  auto answer = ask(*endpoint_, "north-hie", 100ms);
  auto query = client->read();
  ASSERT_TRUE(query);
  ASSERT_EQ(answer.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(answer.get().outcome, PeerAnswer::Outcome::timed_out);
  client->send_text(R"({"type":"result","id":"r1","re":")" + member(*query, "id") + R"(","error":"not-found"})");
  auto late = client->read();
  EXPECT_EQ(member(late.value_or(""), "reason"), "too-late");

  auto nobody = ask(*endpoint_, "south-hie", 5s);
  ASSERT_EQ(nobody.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(nobody.get().outcome, PeerAnswer::Outcome::not_connected);

  auto pending = ask(*endpoint_, "north-hie", 30s);
  ASSERT_TRUE(client->read());
  client.reset();  // the peer goes away with the query unanswered
  ASSERT_EQ(pending.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(pending.get().outcome, PeerAnswer::Outcome::disconnected);
  EXPECT_NE(metrics().find(R"(hie_peer_queries_total{exchange="north-hie",outcome="timed_out"} 1)"), std::string::npos);
}

TEST_F(PeerEndpointTest, APeerThatDoesNotReadIsDroppedNotBufferedFor) {
  start();
  auto client = hello();  // and then never reads again
  std::atomic<int> ended{0};
  protocol::QueryRequest request;
  request.patient = {{"https://fhir.nhs.uk/Id/nhs-number", "9434765919"}};
  request.resource_types.assign(20, "Observation");  // ~600 bytes a query: the socket fills up
  request.deadline = 60s;
  constexpr int kQueries = 40000;
  for (int i = 0; i < kQueries; ++i) endpoint_->query("north-hie", request, [&ended](PeerAnswer) { ++ended; });
  EXPECT_TRUE(server_->metrics_eventually_contain(R"(reason="slow_reader"} 1)", 20s));
  // Every query still ends (the dropped connection answers them all), none is left hanging.
  for (int i = 0; i < 2000 && ended < kQueries; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(ended, kQueries);
  EXPECT_EQ(endpoint_->connections("north-hie"), 0u);
}

TEST_F(PeerEndpointTest, ShutdownAnswersThePublishesInHandBeforeClosing) {
  start();
  auto client = hello();
  const std::string message = sample("fhir-converter/ADT-A01-01.hl7");
  for (int i = 0; i < 100; ++i) client->send_text(publish("p" + std::to_string(i), "c" + std::to_string(i), message));
  server_->listener().shutdown();
  int acks = 0;
  while (auto reply = client->read()) {
    EXPECT_EQ(member(*reply, "type"), "ack") << *reply;
    ++acks;
  }
  EXPECT_EQ(client->close_code(), 1001);
  // Whatever was taken was stored and answered; whatever was not taken was neither.
  EXPECT_EQ(count_rows(db_path(), "status = 'accepted'"), acks);
}

TEST_F(PeerEndpointTest, ShutdownClosesPeersWithGoingAway) {
  start();
  auto client = hello();
  server_->listener().shutdown();
  EXPECT_FALSE(client->read());
  EXPECT_EQ(client->close_code(), 1001);
}

}  // namespace
}  // namespace hie::peers
