// The peer protocol's subscribe and event handling (--subscribe, --events-out, --event-ack),
// without sockets: PeerProtocol fed the broker's messages as text.
#include "tools/hie-sim/peer_protocol.hpp"

#include <gtest/gtest.h>

namespace hie::sim {
namespace {

const std::string kNhs = "https://fhir.nhs.uk/Id/nhs-number";

Dataset north() {
  Dataset d{"north.json", "north-hie", "hl7v2", {}};
  d.patients.push_back({{{kNhs, "9434765919"}}, {{"/d/a.hl7", "a.hl7", "MSH|a\r"}}});
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

std::string reply(const std::string& request, std::string_view type, std::string_view more = "") {
  return R"({"type":")" + std::string(type) + R"(","id":"b1","re":")" + str(json(request), "id") +
         "\"" + std::string(more) + "}";
}

PeerOptions subscribing(std::vector<std::string> kinds, std::vector<std::string> patients = {}) {
  PeerOptions o;
  o.events.subscribe = std::move(kinds);
  o.events.patients = std::move(patients);
  return o;
}

constexpr const char* kEvent =
    R"({"type":"event","id":"ev-4211-0","kind":"admission","format":"fhir","source":"north-hie",)"
    R"("occurred":"2026-11-26T23:10:04.120Z","attempt":1,"payload":"{\"resourceType\":\"Bundle\"}"})";
constexpr const char* kEventLine =
    R"({"id":"ev-4211-0","kind":"admission","format":"fhir","source":"north-hie",)"
    R"("occurred":"2026-11-26T23:10:04.120Z","attempt":1,"payload":"{\"resourceType\":\"Bundle\"}"})";

TEST(PeerEvents, SubscribeFollowsTheHelloAndTheAnnouncesReply) {
  const auto options = subscribing({"admission", "discharge"});
  const auto dataset = north();
  PeerProtocol p(options, dataset);
  const std::string hello = p.begin_connection();
  EXPECT_FALSE(p.next_subscribe());  // hello not acknowledged yet
  p.on_message(reply(hello, "ack"));
  const auto announces = p.announce_messages();
  ASSERT_EQ(announces.size(), 1u);
  EXPECT_FALSE(p.next_subscribe());  // "held" must include the announced patients
  p.on_message(reply(announces[0], "ack", R"(,"patients":1)"));
  const auto subscribe = p.next_subscribe();
  ASSERT_TRUE(subscribe);
  EXPECT_EQ(
      *subscribe,
      R"({"type":"subscribe","id":"s3","events":["admission","discharge"],"patients":"held"})");
  EXPECT_FALSE(p.next_subscribe());  // once per connection
  EXPECT_EQ(p.subscription(), "");
  p.on_message(reply(*subscribe, "ack", R"(,"subscription":"peer:north-hie")"));
  EXPECT_EQ(p.subscription(), "peer:north-hie");
  EXPECT_TRUE(p.summary().nacked.empty());

  // Again after every reconnect (the announce, acknowledged, is not sent again).
  const std::string second = p.begin_connection();
  EXPECT_FALSE(p.next_subscribe());
  p.on_message(reply(second, "ack"));
  EXPECT_TRUE(p.announce_messages().empty());
  const auto again = p.next_subscribe();
  ASSERT_TRUE(again);
  EXPECT_EQ(str(json(*again), "type"), "subscribe");
  EXPECT_EQ(str(json(*again), "id"), "s5");
}

TEST(PeerEvents, SubscribeForNamedPatientsWithoutAnAnnounce) {
  auto options = subscribing({"new-result"}, {"9434765919", "3870146052"});
  options.announce = false;
  const auto dataset = north();
  PeerProtocol p(options, dataset);
  p.on_message(reply(p.begin_connection(), "ack"));
  EXPECT_EQ(
      p.next_subscribe().value_or("(none)"),
      R"({"type":"subscribe","id":"s2","events":["new-result"],"patients":[)"
      R"({"identifiers":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}]},)"
      R"({"identifiers":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"3870146052"}]}]})");
}

TEST(PeerEvents, NoSubscribeWithoutTheOption) {
  PeerOptions options;
  options.announce = false;
  const auto dataset = north();
  PeerProtocol p(options, dataset);
  p.on_message(reply(p.begin_connection(), "ack"));
  EXPECT_FALSE(p.next_subscribe());
}

TEST(PeerEvents, ARefusedSubscribeIsCountedAndEndsWaiting) {
  auto options = subscribing({"merge"});
  options.announce = false;
  const auto dataset = north();
  PeerProtocol p(options, dataset);
  p.on_message(reply(p.begin_connection(), "ack"));
  p.on_message(reply(*p.next_publish(), "ack"));
  EXPECT_FALSE(p.all_answered());  // the subscribe is not sent yet
  const auto subscribe = *p.next_subscribe();
  EXPECT_FALSE(p.all_answered());
  p.on_message(reply(subscribe, "nack", R"(,"reason":"refused","detail":"all is for operators")"));
  EXPECT_TRUE(p.all_answered());
  EXPECT_TRUE(p.any_nacked());
  EXPECT_EQ(p.summary().nacked.at("refused"), 1u);
  EXPECT_EQ(p.subscription(), "");
}

TEST(PeerEvents, AnEventIsKeptThenAcknowledged) {
  PeerOptions options;
  const auto dataset = north();
  std::vector<std::string> kept;
  PeerProtocol p(options, dataset, [&](std::string_view line) {
    kept.emplace_back(line);
    return true;
  });
  const auto reaction = p.on_message(kEvent);
  EXPECT_EQ(kept, std::vector<std::string>{kEventLine});
  ASSERT_EQ(reaction.send.size(), 1u);
  EXPECT_EQ(reaction.send[0], R"({"type":"ack","id":"k1","re":"ev-4211-0"})");
  // A repeat (at least once) is kept again: the file shows every delivery.
  p.on_message(kEvent);
  EXPECT_EQ(kept.size(), 2u);
}

TEST(PeerEvents, EventAckNeverKeepsButDoesNotAnswer) {
  PeerOptions options;
  options.events.ack = EventAck::never;
  const auto dataset = north();
  std::vector<std::string> kept;
  PeerProtocol p(options, dataset, [&](std::string_view line) {
    kept.emplace_back(line);
    return true;
  });
  const auto reaction = p.on_message(kEvent);
  EXPECT_TRUE(reaction.send.empty());
  EXPECT_FALSE(reaction.send_after_delay);
  EXPECT_EQ(kept, std::vector<std::string>{kEventLine});
}

TEST(PeerEvents, EventAckNackKeepsAndAnswersBusy) {
  PeerOptions options;
  options.events.ack = EventAck::nack;
  const auto dataset = north();
  std::vector<std::string> kept;
  PeerProtocol p(options, dataset, [&](std::string_view line) {
    kept.emplace_back(line);
    return true;
  });
  const auto reaction = p.on_message(kEvent);
  ASSERT_EQ(reaction.send.size(), 1u);
  const auto nack = json(reaction.send[0]);
  EXPECT_EQ(str(nack, "type"), "nack");
  EXPECT_EQ(str(nack, "re"), "ev-4211-0");
  EXPECT_EQ(str(nack, "reason"), "busy");
  EXPECT_EQ(kept.size(), 1u);
}

TEST(PeerEvents, AnEventThatCannotBeKeptIsNotAcknowledged) {
  PeerOptions options;
  const auto dataset = north();
  PeerProtocol p(options, dataset, [](std::string_view) { return false; });
  const auto reaction = p.on_message(kEvent);
  ASSERT_EQ(reaction.send.size(), 1u);
  const auto nack = json(reaction.send[0]);
  EXPECT_EQ(str(nack, "type"), "nack");
  EXPECT_EQ(str(nack, "re"), "ev-4211-0");
  EXPECT_EQ(str(nack, "reason"), "busy");
}

TEST(PeerEvents, AnEventWithoutAPayloadIsMalformedAndNotKept) {
  PeerOptions options;
  const auto dataset = north();
  int kept = 0;
  PeerProtocol p(options, dataset, [&](std::string_view) { return ++kept > 0; });
  const auto reaction =
      p.on_message(R"({"type":"event","id":"ev-1-0","kind":"merge","format":"fhir"})");
  ASSERT_EQ(reaction.send.size(), 1u);
  const auto nack = json(reaction.send[0]);
  EXPECT_EQ(str(nack, "reason"), "malformed");
  EXPECT_EQ(str(nack, "re"), "ev-1-0");
  EXPECT_EQ(str(nack, "detail"), R"(an event needs a string "payload")");
  EXPECT_EQ(kept, 0);
}

}  // namespace
}  // namespace hie::sim
