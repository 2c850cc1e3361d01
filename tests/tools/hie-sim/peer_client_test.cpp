// hie-sim's peer client over real loopback TLS + WebSocket, against a scripted stand-in for the
// broker's /peer endpoint: each test plays the broker's side of one conversation.
#include "tools/hie-sim/peer_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "tests/support/test_certificates.hpp"
#include "tools/hie-sim/tls_client_context.hpp"

namespace hie::sim {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using namespace std::chrono_literals;
using Websocket = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;
using Clock = std::chrono::steady_clock;

/// The broker's side: mutual TLS with the test PKI, then a WebSocket upgrade.
class StubBroker {
 public:
  explicit StubBroker(asio::io_context& io)
      : tls_(ssl::context::tls_server), acceptor_(io, {asio::ip::make_address("127.0.0.1"), 0}) {
    const auto& pki = testing::test_certificates();
    tls_.use_certificate_chain_file(pki.server_cert);
    tls_.use_private_key_file(pki.server_key, ssl::context::pem);
    tls_.load_verify_file(pki.ca_cert);
    tls_.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

  /// The next connection, upgraded; `target` is the path the client asked for.
  asio::awaitable<std::unique_ptr<Websocket>> accept() {
    auto socket = co_await acceptor_.async_accept(asio::use_awaitable);
    auto ws = std::make_unique<Websocket>(beast::tcp_stream(std::move(socket)), tls_);
    co_await ws->next_layer().async_handshake(ssl::stream_base::server, asio::use_awaitable);
    beast::flat_buffer buffer;
    http::request<http::string_body> upgrade;
    co_await http::async_read(ws->next_layer(), buffer, upgrade, asio::use_awaitable);
    target = std::string(upgrade.target());
    co_await ws->async_accept(upgrade, asio::use_awaitable);
    ws->text(true);
    co_return ws;
  }

  std::string target;

 private:
  ssl::context tls_;
  asio::ip::tcp::acceptor acceptor_;
};

asio::awaitable<rapidjson::Document> read(Websocket& ws) {
  beast::flat_buffer buffer;
  co_await ws.async_read(buffer, asio::use_awaitable);
  rapidjson::Document doc;
  doc.Parse(beast::buffers_to_string(buffer.data()).c_str());
  EXPECT_FALSE(doc.HasParseError());
  co_return doc;
}

asio::awaitable<void> send(Websocket& ws, const std::string& text) {
  co_await ws.async_write(asio::buffer(text), asio::use_awaitable);
}

/// Waits for the client to close the connection; true when it did so with a close frame.
asio::awaitable<bool> closed_by_client(Websocket& ws) {
  beast::flat_buffer buffer;
  auto [ec, n] = co_await ws.async_read(buffer, asio::as_tuple(asio::use_awaitable));
  co_return ec == websocket::error::closed;
}

std::string str(const rapidjson::Value& v, const char* name) {
  return v.HasMember(name) && v[name].IsString() ? v[name].GetString() : "(none)";
}

/// A reply of `type` to `request`, with `more` members ("\"duplicate\":false").
std::string reply(const rapidjson::Value& request, const char* type, const std::string& more = "") {
  return std::string(R"({"type":")") + type + R"(","id":"b-)" + str(request, "id") + R"(","re":")" +
         str(request, "id") + "\"" + (more.empty() ? "" : "," + more) + "}";
}

Dataset north() {
  Dataset d{"north.json", "north-hie", "hl7v2", {}};
  d.patients.push_back({{{"https://fhir.nhs.uk/Id/nhs-number", "9434765919"}},
                        {{"/d/a.hl7", "a.hl7", "MSH|a\r"}, {"/d/b.hl7", "b.hl7", "MSH|b\r"}}});
  d.patients.push_back({{{"urn:mrn", "M2"}}, {{"/d/c.hl7", "c.hl7", "MSH|c\r"}}});
  return d;
}

PeerOptions options_for(std::uint16_t port) {
  const auto& pki = testing::test_certificates();
  PeerOptions o;
  o.url = "wss://127.0.0.1:" + std::to_string(port) + "/peer";
  o.endpoint = *parse_peer_url(o.url);
  o.tls = {pki.client_cert, pki.client_key, pki.ca_cert};
  return o;
}

/// Runs the broker's script and the client together; returns the client's exit code (-1 when it
/// did not finish within `limit`).
template <class Script>
int run(asio::io_context& io, PeerClient& client, Script script, std::chrono::seconds limit = 30s) {
  int code = -1;
  asio::co_spawn(io, std::move(script), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  asio::co_spawn(io, client.run(), [&](std::exception_ptr e, int c) {
    if (e) std::rethrow_exception(e);
    code = c;
  });
  io.run_for(limit);
  return code;
}

std::shared_ptr<ssl::context> client_tls(const PeerOptions& options) {
  return *make_client_tls_context(options.tls);
}

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
