// hie-sim's --subscribe / --events-out / --event-ack over real loopback TLS + WebSocket, against
// the scripted stand-in for the broker's /peer.
#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"
#include "tests/tools/hie-sim/stub_peer_broker.hpp"
#include "tools/hie-sim/event_log.hpp"

namespace hie::sim {
namespace {

using namespace stub;

/// An `event` from the broker with the members of docs/peer-protocol.md.
std::string event(const std::string& id, const std::string& kind, unsigned attempt = 1) {
  return R"({"type":"event","id":")" + id + R"(","kind":")" + kind +
         R"(","format":"fhir","source":"city-hie","occurred":"2026-11-26T23:10:04.120Z",)"
         R"("attempt":)" +
         std::to_string(attempt) + R"(,"payload":"{\"resourceType\":\"Bundle\"}"})";
}

/// The line --events-out keeps for event(id, kind, attempt).
std::string line(const std::string& id, const std::string& kind, unsigned attempt = 1) {
  return R"({"id":")" + id + R"(","kind":")" + kind +
         R"(","format":"fhir","source":"city-hie","occurred":"2026-11-26T23:10:04.120Z",)"
         R"("attempt":)" +
         std::to_string(attempt) + R"(,"payload":"{\"resourceType\":\"Bundle\"}"})" + "\n";
}

/// A client whose events go to `events.jsonl` in a fresh folder, as main() wires --events-out.
struct Recording {
  explicit Recording(PeerOptions o) : options(std::move(o)) {
    auto opened = EventLog::open(dir.path("events.jsonl"));
    EXPECT_TRUE(opened);
    log.emplace(std::move(*opened));
  }
  PeerProtocol::EventSink sink() {
    return [this](std::string_view l) { return log->append(l); };
  }
  std::string kept() const { return dir.read("events.jsonl"); }

  testing::TempDir dir;
  PeerOptions options;
  std::optional<EventLog> log;
};

TEST(PeerClientEvents, SubscribesAfterTheAnnounceIsAnsweredThenKeepsAndAcksEachEvent) {
  asio::io_context io;
  StubBroker broker(io);
  auto options = options_for(broker.port());
  options.events.subscribe = {"admission", "discharge"};
  Recording r(options);
  const auto dataset = north();
  PeerClient client(io.get_executor(), client_tls(r.options), r.options, dataset, r.sink());
  std::vector<std::string> before_subscribe;
  std::string subscribe_text, kept_at_ack;
  std::vector<std::string> acks;
  const int code = run(io, client, [&]() -> asio::awaitable<void> {
    auto ws = co_await broker.accept();
    co_await send(*ws, reply(co_await read(*ws), "ack"));
    auto announce = co_await read(*ws);
    // Publishes go on while the announce waits; the subscribe does not.
    for (int i = 0; i < 3; ++i) {
      auto publish = co_await read(*ws);
      before_subscribe.push_back(str(publish, "type"));
      co_await send(*ws, reply(publish, "ack", R"("duplicate":false)"));
    }
    co_await send(*ws, reply(announce, "ack", R"("patients":2)"));
    auto subscribe = co_await read(*ws);
    subscribe_text = str(subscribe, "type") + " " + str(subscribe, "patients");
    EXPECT_EQ(subscribe["events"].Size(), 2u);
    EXPECT_STREQ(subscribe["events"][0].GetString(), "admission");
    EXPECT_STREQ(subscribe["events"][1].GetString(), "discharge");
    co_await send(*ws, reply(subscribe, "ack", R"("subscription":"peer:north-hie")"));

    co_await send(*ws, event("ev-4211-0", "admission"));
    auto ack = co_await read(*ws);
    kept_at_ack = r.kept();  // written and flushed before the ack was sent
    acks.push_back(str(ack, "type") + " " + str(ack, "re"));
    co_await send(*ws, event("ev-4212-0", "discharge"));
    co_await send(*ws, event("ev-4211-0", "admission", 2));  // a repeat: kept and acked again
    for (int i = 0; i < 2; ++i) {
      auto next = co_await read(*ws);
      acks.push_back(str(next, "type") + " " + str(next, "re"));
    }
    client.stop();
    co_await closed_by_client(*ws);
  });
  EXPECT_EQ(code, 0);
  EXPECT_EQ(before_subscribe, (std::vector<std::string>{"publish", "publish", "publish"}));
  EXPECT_EQ(subscribe_text, "subscribe held");
  EXPECT_EQ(kept_at_ack, line("ev-4211-0", "admission"));
  EXPECT_EQ(acks, (std::vector<std::string>{"ack ev-4211-0", "ack ev-4212-0", "ack ev-4211-0"}));
  EXPECT_EQ(r.kept(), line("ev-4211-0", "admission") + line("ev-4212-0", "discharge") +
                          line("ev-4211-0", "admission", 2));
}

TEST(PeerClientEvents, SubscribesAgainAfterAReconnectForTheNamedPatients) {
  asio::io_context io;
  StubBroker broker(io);
  auto options = options_for(broker.port());
  options.announce = false;
  options.exit_after_publish = true;
  options.events.subscribe = {"new-result"};
  options.events.patients = {"9434765919"};
  const auto dataset = north();
  PeerClient client(io.get_executor(), client_tls(options), options, dataset);
  std::vector<std::string> firsts;
  std::string patients;
  const int code = run(io, client, [&]() -> asio::awaitable<void> {
    {
      auto ws = co_await broker.accept();
      co_await send(*ws, reply(co_await read(*ws), "ack"));
      auto subscribe = co_await read(*ws);
      firsts.push_back(str(subscribe, "type"));
      patients = str(subscribe["patients"][0]["identifiers"][0], "value");
      co_await send(*ws, reply(subscribe, "ack", R"("subscription":"peer:north-hie")"));
      beast::get_lowest_layer(*ws).socket().close();
    }
    auto ws = co_await broker.accept();
    co_await send(*ws, reply(co_await read(*ws), "ack"));
    auto subscribe = co_await read(*ws);
    firsts.push_back(str(subscribe, "type"));
    co_await send(*ws, reply(subscribe, "ack", R"("subscription":"peer:north-hie")"));
    for (int i = 0; i < 3; ++i)
      co_await send(*ws, reply(co_await read(*ws), "ack", R"("duplicate":false)"));
    co_await closed_by_client(*ws);
  });
  EXPECT_EQ(code, 0);
  EXPECT_EQ(firsts, (std::vector<std::string>{"subscribe", "subscribe"}));
  EXPECT_EQ(patients, "9434765919");
}

/// Sends one event and then a ping; returns the replies up to the pong, as "type re reason".
std::vector<std::string> replies_to_one_event(EventAck ack, std::string& kept) {
  asio::io_context io;
  StubBroker broker(io);
  auto options = options_for(broker.port());
  options.announce = false;
  options.events.ack = ack;
  Recording r(options);
  Dataset dataset = north();
  dataset.patients.clear();  // nothing to publish: the event and the ping are all there is
  PeerClient client(io.get_executor(), client_tls(r.options), r.options, dataset, r.sink());
  std::vector<std::string> replies;
  const int code = run(io, client, [&]() -> asio::awaitable<void> {
    auto ws = co_await broker.accept();
    co_await send(*ws, reply(co_await read(*ws), "ack"));
    co_await send(*ws, event("ev-9-0", "transfer"));
    co_await send(*ws, R"({"type":"ping","id":"x1"})");
    while (true) {
      auto next = co_await read(*ws);
      replies.push_back(str(next, "type") + " " + str(next, "re") + " " + str(next, "reason"));
      if (str(next, "type") == "pong") break;
    }
    client.stop();
    co_await closed_by_client(*ws);
  });
  EXPECT_EQ(code, 0);
  kept = r.kept();
  return replies;
}

TEST(PeerClientEvents, EventAckNeverRecordsWithoutAnswering) {
  std::string kept;
  EXPECT_EQ(replies_to_one_event(EventAck::never, kept),
            std::vector<std::string>{"pong x1 (none)"});
  EXPECT_EQ(kept, line("ev-9-0", "transfer"));
}

TEST(PeerClientEvents, EventAckNackRecordsAndAnswersBusy) {
  std::string kept;
  EXPECT_EQ(replies_to_one_event(EventAck::nack, kept),
            (std::vector<std::string>{"nack ev-9-0 busy", "pong x1 (none)"}));
  EXPECT_EQ(kept, line("ev-9-0", "transfer"));
}

}  // namespace
}  // namespace hie::sim
