// hie-sim's peer client over real loopback TLS + WebSocket, against a scripted stand-in for the
// broker's /peer endpoint: each test plays the broker's side of one conversation.
#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>

#include "tests/tools/hie-sim/stub_peer_broker.hpp"

namespace hie::sim {
namespace {

using namespace stub;

TEST(PeerClient, HelloAnnouncePublishAndExitOnceEverythingIsAcked) {
  asio::io_context io;
  StubBroker broker(io);
  auto options = options_for(broker.port());
  options.exit_after_publish = true;
  const auto dataset = north();
  PeerClient client(io.get_executor(), client_tls(options), options, dataset);
  std::vector<std::string> control_ids;
  bool closed = false;
  const int code = run(io, client, [&]() -> asio::awaitable<void> {
    auto ws = co_await broker.accept();
    auto hello = co_await read(*ws);
    EXPECT_EQ(str(hello, "type"), "hello");
    EXPECT_EQ(hello["protocol"].GetInt(), 1);
    EXPECT_EQ(str(hello, "exchange"), "north-hie");
    EXPECT_STREQ(hello["formats"][0].GetString(), "hl7v2");
    co_await send(*ws, reply(hello, "ack", R"("protocol":1,"broker":"stub")"));
    auto announce = co_await read(*ws);
    EXPECT_EQ(str(announce, "type"), "announce");
    EXPECT_EQ(announce["patients"].Size(), 2u);
    co_await send(*ws, reply(announce, "ack", R"("patients":2)"));
    for (int i = 0; i < 3; ++i) {
      auto publish = co_await read(*ws);
      EXPECT_EQ(str(publish, "format"), "hl7v2");
      control_ids.push_back(str(publish, "control_id"));
      co_await send(*ws, reply(publish, "ack",
                               R"("journal_id":)" + std::to_string(i + 1) + R"(,"duplicate":)" +
                                   (i == 2 ? "true" : "false")));
    }
    closed = co_await closed_by_client(*ws);
  });
  EXPECT_EQ(code, 0);
  EXPECT_EQ(broker.target, "/peer");
  EXPECT_EQ(control_ids, (std::vector<std::string>{"north-hie:a.hl7:1", "north-hie:b.hl7:1",
                                                   "north-hie:c.hl7:1"}));
  EXPECT_TRUE(closed);
  EXPECT_EQ(
      summary_json("north-hie", client.summary()),
      R"({"mode":"peer","exchange":"north-hie","published":3,"acked":3,"duplicates":1,"nacked":{},)"
      R"("queries":0,"answered":0})");
}

TEST(PeerClient, AfterADroppedConnectionOnlyTheUnackedArePublishedAgain) {
  asio::io_context io;
  StubBroker broker(io);
  auto options = options_for(broker.port());
  options.exit_after_publish = true;
  const auto dataset = north();
  PeerClient client(io.get_executor(), client_tls(options), options, dataset);
  std::vector<std::string> second_connection;
  int hellos = 0;
  const auto started = Clock::now();
  const int code = run(io, client, [&]() -> asio::awaitable<void> {
    {
      auto ws = co_await broker.accept();
      co_await send(*ws, reply(co_await read(*ws), "ack"));
      ++hellos;
      auto announce = co_await read(*ws);
      co_await send(*ws, reply(announce, "ack", R"("patients":2)"));
      co_await send(*ws, reply(co_await read(*ws), "ack", R"("duplicate":false)"));
      co_await read(*ws);  // the second publish: the connection drops before its ack
      beast::get_lowest_layer(*ws).socket().close();
    }
    auto ws = co_await broker.accept();
    auto hello = co_await read(*ws);
    EXPECT_EQ(str(hello, "type"), "hello");  // no announce again: it was acknowledged
    ++hellos;
    co_await send(*ws, reply(hello, "ack"));
    for (int i = 0; i < 2; ++i) {
      auto publish = co_await read(*ws);
      second_connection.push_back(str(publish, "control_id"));
      co_await send(*ws, reply(publish, "ack", R"("duplicate":false)"));
    }
    co_await closed_by_client(*ws);
  });
  EXPECT_EQ(code, 0);
  EXPECT_EQ(hellos, 2);
  EXPECT_EQ(second_connection,
            (std::vector<std::string>{"north-hie:b.hl7:1", "north-hie:c.hl7:1"}));
  EXPECT_GE(Clock::now() - started, 500ms);  // the first backoff
  EXPECT_EQ(client.summary().published, 3u);
  EXPECT_EQ(client.summary().acked, 3u);
}

TEST(PeerClient, AnswersQueriesAfterTheLatencyAndPingsAndEventsAtOnce) {
  asio::io_context io;
  StubBroker broker(io);
  auto options = options_for(broker.port());
  options.queries.latency_ms = 200;
  const auto dataset = north();
  PeerClient client(io.get_executor(), client_tls(options), options, dataset);
  std::vector<std::string> order;
  Clock::duration result_after{};
  std::string payload, not_found;
  const int code = run(io, client, [&]() -> asio::awaitable<void> {
    auto ws = co_await broker.accept();
    co_await send(*ws, reply(co_await read(*ws), "ack"));
    co_await send(*ws, reply(co_await read(*ws), "ack", R"("patients":2)"));
    for (int i = 0; i < 3; ++i)
      co_await send(*ws, reply(co_await read(*ws), "ack", R"("duplicate":false)"));

    const auto asked = Clock::now();
    co_await send(
        *ws,
        R"({"type":"query","id":"q1","patient":[{"system":"urn:mrn","value":"M2"}],"deadline_ms":5000})");
    co_await send(*ws, R"({"type":"ping","id":"x1"})");
    co_await send(
        *ws, R"({"type":"event","id":"ev-1","kind":"admission","format":"fhir","payload":"{}"})");
    for (int i = 0; i < 3; ++i) {
      auto message = co_await read(*ws);
      order.push_back(str(message, "type") + " " + str(message, "re"));
      if (str(message, "type") == "result") {
        result_after = Clock::now() - asked;
        payload = str(message, "payload");
      }
    }
    co_await send(*ws,
                  R"({"type":"query","id":"q2","patient":[{"system":"urn:mrn","value":"M9"}]})");
    not_found = str(co_await read(*ws), "error");
    client.stop();
    co_await closed_by_client(*ws);
  });
  EXPECT_EQ(code, 0);
  EXPECT_EQ(order, (std::vector<std::string>{"pong x1", "ack ev-1", "result q1"}));
  EXPECT_GE(result_after, 200ms);
  EXPECT_EQ(payload, "MSH|c\r");
  EXPECT_EQ(not_found, "not-found");
  EXPECT_EQ(client.summary().queries, 2u);
  EXPECT_EQ(client.summary().answered, 2u);
}

TEST(PeerClient, ARefusedHelloEndsTheRunWithExit1) {
  asio::io_context io;
  StubBroker broker(io);
  auto options = options_for(broker.port());
  const auto dataset = north();
  PeerClient client(io.get_executor(), client_tls(options), options, dataset);
  const int code = run(io, client, [&]() -> asio::awaitable<void> {
    auto ws = co_await broker.accept();
    co_await send(*ws, reply(co_await read(*ws), "nack",
                             R"("reason":"exchange-mismatch","detail":"city-hie")"));
    // The broker closes after a refused hello; the client may be closing at the same time.
    co_await ws->async_close(websocket::close_code::policy_error,
                             asio::as_tuple(asio::use_awaitable));
  });
  EXPECT_EQ(code, 1);
  EXPECT_EQ(client.summary().published, 0u);
}

TEST(PeerClient, StopWhileWaitingToReconnectEndsPromptly) {
  asio::io_context io;
  std::uint16_t closed_port = 0;
  {
    asio::ip::tcp::acceptor probe(io, {asio::ip::make_address("127.0.0.1"), 0});
    closed_port = probe.local_endpoint().port();
  }
  auto options = options_for(closed_port);
  options.exit_after_publish = true;
  const auto dataset = north();
  PeerClient client(io.get_executor(), client_tls(options), options, dataset);
  asio::steady_timer timer(io, 1200ms);  // after two refusals, inside the 1 s backoff
  timer.async_wait([&](boost::system::error_code) { client.stop(); });
  const auto started = Clock::now();
  const int code = run(io, client, []() -> asio::awaitable<void> { co_return; });
  EXPECT_LT(Clock::now() - started, 3s);
  EXPECT_EQ(code, 1);  // with --exit-after-publish and nothing published
}

}  // namespace
}  // namespace hie::sim
