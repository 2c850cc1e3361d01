#include "tools/hie-sim/peer_protocol.hpp"

#include <gtest/gtest.h>

namespace hie::sim {
namespace {

const std::string kNhs = "https://fhir.nhs.uk/Id/nhs-number";

/// Two patients, three HL7 v2 records.
Dataset north() {
  Dataset d{"north.json", "north-hie", "hl7v2", {}};
  d.patients.push_back({{{kNhs, "9434765919"}, {"urn:mrn", "M1"}},
                        {{"/d/a.hl7", "a.hl7", "MSH|a\r"}, {"/d/b.hl7", "b.hl7", "MSH|b\r"}}});
  d.patients.push_back({{{"urn:mrn", "M2"}}, {{"/d/c.hl7", "c.hl7", "MSH|c\r"}}});
  return d;
}

rapidjson::Document json(std::string_view text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  EXPECT_FALSE(doc.HasParseError()) << text;
  return doc;
}

std::string str(const rapidjson::Value& v, const char* name) {
  return v.HasMember(name) && v[name].IsString() ? v[name].GetString() : "(none)";
}

/// The broker's reply to `request` (a message we sent).
std::string reply(const std::string& request, std::string_view type, std::string_view more = "") {
  return R"({"type":")" + std::string(type) + R"(","id":"b1","re":")" + str(json(request), "id") +
         "\"" + std::string(more) + "}";
}

/// A protocol past hello, with the announce answered.
struct Connected {
  explicit Connected(PeerOptions o = {}, Dataset d = north())
      : options(std::move(o)), dataset(std::move(d)), protocol(options, dataset) {
    const std::string hello = protocol.begin_connection();
    protocol.on_message(reply(hello, "ack", R"(,"protocol":1,"broker":"hiebroker 0.1.0")"));
    for (const auto& a : protocol.announce_messages())
      protocol.on_message(reply(a, "ack", R"(,"patients":2)"));
  }
  PeerOptions options;
  Dataset dataset;
  PeerProtocol protocol;
};

TEST(PeerProtocol, HelloNamesTheExchangeAndItsFormat) {
  PeerOptions options;
  const auto dataset = north();
  PeerProtocol protocol(options, dataset);
  EXPECT_EQ(
      protocol.begin_connection(),
      R"({"type":"hello","id":"h1","protocol":1,"exchange":"north-hie","formats":["hl7v2"]})");
  EXPECT_EQ(protocol.hello(), PeerProtocol::Hello::waiting);
  EXPECT_FALSE(
      protocol.on_message(R"({"type":"ack","id":"b1","re":"h1","protocol":1})").send.size());
  EXPECT_EQ(protocol.hello(), PeerProtocol::Hello::accepted);
}

TEST(PeerProtocol, ARefusedHelloKeepsTheBrokersReason) {
  PeerOptions options;
  const auto dataset = north();
  PeerProtocol protocol(options, dataset);
  protocol.begin_connection();
  protocol.on_message(
      R"({"type":"nack","id":"b1","re":"h1","reason":"exchange-mismatch","detail":"cert is city-hie"})");
  EXPECT_EQ(protocol.hello(), PeerProtocol::Hello::refused);
  EXPECT_EQ(protocol.refusal(), "exchange-mismatch (cert is city-hie)");
}

TEST(PeerProtocol, AnnounceCarriesEveryPatientsIdentifiers) {
  PeerOptions options;
  const auto dataset = north();
  PeerProtocol protocol(options, dataset);
  protocol.begin_connection();
  auto announces = protocol.announce_messages();
  ASSERT_EQ(announces.size(), 1u);
  EXPECT_EQ(
      announces[0],
      R"({"type":"announce","id":"a2","patients":[)"
      R"({"identifiers":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"},)"
      R"({"system":"urn:mrn","value":"M1"}]},{"identifiers":[{"system":"urn:mrn","value":"M2"}]}]})");
  EXPECT_FALSE(protocol.all_answered());
  protocol.on_message(reply(announces[0], "ack", R"(,"patients":2)"));
  // Acknowledged once: not sent again on the next connection.
  protocol.begin_connection();
  EXPECT_TRUE(protocol.announce_messages().empty());

  options.announce = false;
  PeerProtocol quiet(options, dataset);
  quiet.begin_connection();
  EXPECT_TRUE(quiet.announce_messages().empty());
}

TEST(PeerProtocol, PublishesEveryRecordWithItsControlIdAndCountsTheReplies) {
  Connected c;
  auto& p = c.protocol;
  std::vector<std::string> sent;
  while (auto m = p.next_publish()) sent.push_back(*m);
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(
      sent[0],
      R"({"type":"publish","id":"p3","format":"hl7v2","control_id":"north-hie:a.hl7:1","payload":"MSH|a\r"})");
  EXPECT_EQ(str(json(sent[1]), "control_id"), "north-hie:b.hl7:1");
  EXPECT_EQ(str(json(sent[2]), "control_id"), "north-hie:c.hl7:1");
  EXPECT_EQ(p.in_flight(), 3u);

  p.on_message(reply(sent[0], "ack", R"(,"journal_id":7,"duplicate":false)"));
  p.on_message(reply(sent[1], "ack", R"(,"journal_id":8,"duplicate":true)"));
  EXPECT_FALSE(p.all_answered());
  p.on_message(reply(sent[2], "nack", R"(,"reason":"unreadable","detail":"segment 1")"));
  EXPECT_TRUE(p.all_answered());
  EXPECT_EQ(p.in_flight(), 0u);
  EXPECT_TRUE(p.any_nacked());
  EXPECT_EQ(summary_json("north-hie", p.summary()),
            R"({"mode":"peer","exchange":"north-hie","published":3,"acked":2,"duplicates":1,)"
            R"("nacked":{"unreadable":1},"queries":0,"answered":0})");
}

TEST(PeerProtocol, NoMoreThanTheLimitInFlight) {
  PeerOptions options;
  options.pacing.repeat = 20;  // 60 publishes
  Connected c(options);
  std::vector<std::string> sent;
  while (auto m = c.protocol.next_publish()) sent.push_back(*m);
  EXPECT_EQ(sent.size(), kMaxPublishesInFlight);
  c.protocol.on_message(reply(sent[5], "ack"));
  EXPECT_TRUE(c.protocol.next_publish());
  EXPECT_FALSE(c.protocol.next_publish());
  EXPECT_EQ(c.protocol.records_total(), 60u);
}

TEST(PeerProtocol, EveryRoundHasItsOwnControlIds) {
  PeerOptions options;
  options.pacing.repeat = 2;
  Connected c(options);
  std::vector<std::string> ids;
  while (auto m = c.protocol.next_publish()) ids.push_back(str(json(*m), "control_id"));
  EXPECT_EQ(ids, (std::vector<std::string>{"north-hie:a.hl7:1", "north-hie:b.hl7:1",
                                           "north-hie:c.hl7:1", "north-hie:a.hl7:2",
                                           "north-hie:b.hl7:2", "north-hie:c.hl7:2"}));
}

TEST(PeerProtocol, AfterAReconnectOnlyWhatWasNotAnsweredIsPublishedAgain) {
  Connected c;
  auto& p = c.protocol;
  const auto first = *p.next_publish();
  const auto second = *p.next_publish();
  p.on_message(reply(first, "ack"));
  // The connection drops with `second` in flight; its late reply must not count.
  const std::string hello = p.begin_connection();
  p.on_message(reply(second, "ack"));
  EXPECT_EQ(p.summary().acked, 1u);
  p.on_message(reply(hello, "ack"));
  std::vector<std::string> ids;
  while (auto m = p.next_publish()) ids.push_back(str(json(*m), "control_id"));
  EXPECT_EQ(ids, (std::vector<std::string>{"north-hie:b.hl7:1", "north-hie:c.hl7:1"}));
  // Each record is counted once as published, however often it was sent.
  EXPECT_EQ(p.summary().published, 3u);
}

TEST(PeerProtocol, PingEventAndUnknownMessages) {
  Connected c;
  auto& p = c.protocol;
  auto pong = p.on_message(R"({"type":"ping","id":"x1"})");
  ASSERT_EQ(pong.send.size(), 1u);
  EXPECT_EQ(str(json(pong.send[0]), "type"), "pong");
  EXPECT_EQ(str(json(pong.send[0]), "re"), "x1");

  auto ack = p.on_message(
      R"({"type":"event","id":"ev-8f21c0","kind":"admission","format":"fhir","payload":"{}"})");
  ASSERT_EQ(ack.send.size(), 1u);
  EXPECT_EQ(str(json(ack.send[0]), "type"), "ack");
  EXPECT_EQ(str(json(ack.send[0]), "re"), "ev-8f21c0");

  EXPECT_TRUE(p.on_message(R"({"type":"subscribed-later","id":"z1"})").send.empty());
  EXPECT_TRUE(p.on_message(R"({"type":"pong","id":"z2","re":"o9"})").send.empty());
  // A refused answer to a query is only logged.
  EXPECT_TRUE(
      p.on_message(R"({"type":"nack","id":"z3","re":"r4","reason":"too-late"})").send.empty());
  EXPECT_TRUE(p.summary().nacked.empty());

  auto garbage = p.on_message("not json");
  ASSERT_EQ(garbage.send.size(), 1u);
  EXPECT_EQ(str(json(garbage.send[0]), "reason"), "malformed");
  EXPECT_EQ(str(json(garbage.send[0]), "re"), "");
  auto no_id = p.on_message(R"({"type":"ping"})");
  ASSERT_EQ(no_id.send.size(), 1u);
  EXPECT_EQ(str(json(no_id.send[0]), "reason"), "malformed");
}

constexpr const char* kQuery =
    R"({"type":"query","id":"q9","patient":[{"system":"urn:mrn","value":"M2"}],"deadline_ms":5000})";

TEST(PeerProtocol, AQueryIsAnsweredFromTheDataset) {
  Connected c;
  auto reaction = c.protocol.on_message(kQuery);
  ASSERT_EQ(reaction.send.size(), 1u);
  EXPECT_FALSE(reaction.send_after_delay);
  const auto result = json(reaction.send[0]);
  EXPECT_EQ(str(result, "type"), "result");
  EXPECT_EQ(str(result, "re"), "q9");
  EXPECT_EQ(str(result, "payload"), "MSH|c\r");
  auto missing = c.protocol.on_message(
      R"({"type":"query","id":"q10","patient":[{"system":"urn:mrn","value":"M3"}]})");
  EXPECT_EQ(str(json(missing.send.at(0)), "error"), "not-found");
  EXPECT_EQ(c.protocol.summary().queries, 2u);
  EXPECT_EQ(c.protocol.summary().answered, 2u);
}

TEST(PeerProtocol, LatencyErrorsGarbageAndSilence) {
  PeerOptions slow;
  slow.queries.latency_ms = 300;
  Connected late(slow);
  auto delayed = late.protocol.on_message(kQuery);
  EXPECT_TRUE(delayed.send.empty());
  ASSERT_TRUE(delayed.send_after_delay);
  EXPECT_EQ(str(json(*delayed.send_after_delay), "payload"), "MSH|c\r");

  PeerOptions failing;
  failing.queries.error_rate = 1;
  Connected unavailable(failing);
  EXPECT_EQ(str(json(unavailable.protocol.on_message(kQuery).send.at(0)), "error"), "unavailable");
  EXPECT_EQ(unavailable.protocol.summary().answered, 1u);

  PeerOptions noisy;
  noisy.queries.garbage_rate = 1;
  Connected garbage(noisy);
  const auto frame = garbage.protocol.on_message(kQuery).send.at(0);
  rapidjson::Document doc;
  doc.Parse(frame.c_str());
  EXPECT_TRUE(doc.HasParseError()) << frame;
  EXPECT_EQ(garbage.protocol.summary().answered, 0u);

  PeerOptions quiet;
  quiet.queries.silent = true;
  Connected silent(quiet);
  auto nothing = silent.protocol.on_message(kQuery);
  EXPECT_TRUE(nothing.send.empty());
  EXPECT_FALSE(nothing.send_after_delay);
  EXPECT_EQ(silent.protocol.summary().queries, 1u);
  EXPECT_TRUE(silent.protocol.on_message(R"({"type":"ping","id":"x1"})").send.size() == 1);
}

TEST(PeerProtocol, FaultFlagsPadTheAnswerOrCutItMidway) {
  PeerOptions big;
  big.queries.answer_bytes = 1 << 20;
  Connected padded(big);
  const auto reply = padded.protocol.on_message(kQuery).send.at(0);
  EXPECT_GE(reply.size(), std::size_t{1} << 20);
  const auto result = json(reply);
  EXPECT_EQ(str(result, "type"), "result");
  EXPECT_EQ(str(result, "re"), "q9");
  EXPECT_EQ(result["payloads"][0].GetStringLength(), 1u << 20);

  PeerOptions dropping;
  dropping.queries.drop_mid_answer = true;
  Connected cut(dropping);
  auto reaction = cut.protocol.on_message(kQuery);
  EXPECT_TRUE(reaction.send.empty());
  ASSERT_TRUE(reaction.send_half_then_drop);
  EXPECT_EQ(str(json(*reaction.send_half_then_drop), "re"), "q9");
}

TEST(PeerProtocol, TheSeedMakesErrorRatesReproducible) {
  PeerOptions options;
  options.queries.error_rate = 0.5;
  options.queries.seed = 7;
  auto errors = [&] {
    Connected c(options);
    std::string pattern;
    for (int i = 0; i < 40; ++i)
      pattern += json(c.protocol.on_message(kQuery).send.at(0)).HasMember("error") ? 'E' : '.';
    return pattern;
  };
  const auto first = errors();
  EXPECT_EQ(first, errors());
  EXPECT_NE(first.find('E'), std::string::npos);
  EXPECT_NE(first.find('.'), std::string::npos);
}

}  // namespace
}  // namespace hie::sim
