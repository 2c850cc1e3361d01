// The broker's MLLP sender against a real MLLP receiver on loopback (tests/support/
// mllp_test_server): what reaches the receiver byte for byte, each answer it can give, and each
// way the connection can fail, plain and over TLS.
#include "broker/peers/mllp_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <future>
#include <thread>

#include "broker/net/tls_context.hpp"
#include "tests/support/mllp_test_server.hpp"
#include "tests/support/test_certificates.hpp"

namespace hie::peers {
namespace {

using namespace std::chrono_literals;
using hie::testing::MllpPolicy;
using hie::testing::MllpTestServer;
using Clock = std::chrono::steady_clock;

std::string adt(const std::string& control_id) {
  return "MSH|^~\\&|HIEBROKER|HIE|PAS|NORTHFAC|20240102030405+0000||ADT^A01^ADT_A01|" + control_id +
         "|P|2.5.1\rEVN|A01|20240102030405\rPID|1||9434765919^^^NHS^NH||SMITH^JOHN||19700101|M";
}

std::shared_ptr<boost::asio::ssl::context> server_tls() {
  const auto& pki = hie::testing::test_certificates();
  config::TlsSettings settings;
  settings.cert = pki.server_cert;
  settings.key = pki.server_key;
  auto context = net::make_server_tls_context(settings);
  if (!context) throw std::runtime_error(context.error().describe());
  return *context;
}

std::shared_ptr<boost::asio::ssl::context> client_tls(const std::string& ca) {
  config::ClientTlsSettings settings;
  settings.ca = ca;
  auto context = net::make_client_tls_context(settings);
  if (!context) throw std::runtime_error(context.error().describe());
  return *context;
}

MllpEndpoint endpoint_of(const MllpTestServer& server) {
  return {"127.0.0.1", server.port(), nullptr, {}};
}

MllpClientLimits reply_timeout(std::chrono::milliseconds timeout) {
  MllpClientLimits limits;
  limits.reply_timeout = timeout;
  return limits;
}

/// A port with nobody listening on it (bound, then released).
std::uint16_t closed_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

struct Sent {
  Result<MllpReply> result;
  std::chrono::milliseconds took{};
  std::thread::id thread;  // where `done` ran
};

class MllpClientTest : public ::testing::Test {
 protected:
  MllpClientTest() : work_(io_.get_executor()) {
    for (auto& thread : threads_) thread = std::thread([this] { io_.run(); });
  }
  ~MllpClientTest() override {
    work_.reset();
    io_.stop();
    for (auto& thread : threads_) thread.join();
  }

  /// Sends and waits for `done`.
  static Sent send(MllpClient& client, std::string message) {
    std::promise<Sent> promise;
    auto future = promise.get_future();
    const auto start = Clock::now();
    client.send(std::move(message), [&promise, start](Result<MllpReply> result) {
      promise.set_value(
          {std::move(result),
           std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start),
           std::this_thread::get_id()});
    });
    if (future.wait_for(30s) != std::future_status::ready)
      throw std::runtime_error("done never ran");
    return future.get();
  }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread threads_[2];
};

TEST_F(MllpClientTest, AnAcceptedMessageArrivesExactlyAsSentInOneFrame) {
  MllpTestServer server;
  MllpClient client(io_.get_executor(), endpoint_of(server));
  const std::string message = adt("MSG-0001");
  auto sent = send(client, message);
  ASSERT_TRUE(sent.result) << sent.result.error().describe();
  EXPECT_EQ(sent.result->code, "AA");
  EXPECT_EQ(sent.result->control_id, "MSG-0001");
  EXPECT_EQ(sent.result->text, "");
  EXPECT_EQ(server.messages(), std::vector<std::string>{message});
  // 0x0B + the message + 0x1C 0x0D, nothing more.
  EXPECT_EQ(server.received_bytes(), message.size() + 3);
  EXPECT_EQ(server.connections(), 1u);
  EXPECT_NE(sent.thread, std::this_thread::get_id());
}

TEST_F(MllpClientTest, ErrorAndRejectAreRepliesWithTheirCodeAndText) {
  MllpTestServer server;
  MllpClient client(io_.get_executor(), endpoint_of(server));
  server.set_policy(MllpPolicy::error);
  auto error = send(client, adt("MSG-AE"));
  server.set_policy(MllpPolicy::reject);
  auto reject = send(client, adt("MSG-AR"));
  ASSERT_TRUE(error.result) << error.result.error().describe();
  ASSERT_TRUE(reject.result) << reject.result.error().describe();
  EXPECT_EQ(error.result->code, "AE");
  EXPECT_EQ(error.result->control_id, "MSG-AE");
  EXPECT_EQ(error.result->text, "refused by the test policy");  // ERR-8: v2.5.1 has no MSA-3 text
  EXPECT_EQ(reject.result->code, "AR");
  EXPECT_EQ(reject.result->control_id, "MSG-AR");
  // A refusal is an answer, not a fault: the connection is kept.
  EXPECT_EQ(server.connections(), 1u);
}

TEST_F(MllpClientTest, ASilentReceiverTimesOutAndTheNextSendUsesANewConnection) {
  MllpTestServer server;
  server.set_policy(MllpPolicy::silent);
  MllpClient client(io_.get_executor(), endpoint_of(server), reply_timeout(300ms));
  auto sent = send(client, adt("MSG-SILENT"));
  ASSERT_FALSE(sent.result);
  EXPECT_EQ(sent.result.error().code(), Errc::limit_exceeded);
  EXPECT_EQ(sent.result.error().describe(),
            "127.0.0.1:" + std::to_string(server.port()) + ": no ACK within 300 ms");
  EXPECT_GE(sent.took, 300ms);
  EXPECT_LT(sent.took, 3s);

  server.set_policy(MllpPolicy::accept);
  auto next = send(client, adt("MSG-NEXT"));
  ASSERT_TRUE(next.result) << next.result.error().describe();
  EXPECT_EQ(next.result->code, "AA");
  EXPECT_EQ(next.result->control_id, "MSG-NEXT");
  EXPECT_EQ(server.connections(), 2u);
}

TEST_F(MllpClientTest, AReceiverClosingBeforeTheAckIsAnErrorAndTheNextSendReconnects) {
  MllpTestServer server;
  server.set_policy(MllpPolicy::close);
  MllpClient client(io_.get_executor(), endpoint_of(server));
  auto closed = send(client, adt("MSG-1"));
  ASSERT_FALSE(closed.result);
  EXPECT_EQ(closed.result.error().code(), Errc::io_error);
  EXPECT_EQ(closed.result.error().message(), "the connection closed before the ACK");

  server.set_policy(MllpPolicy::accept);
  auto next = send(client, adt("MSG-2"));
  ASSERT_TRUE(next.result) << next.result.error().describe();
  EXPECT_EQ(next.result->code, "AA");
  EXPECT_EQ(server.connections(), 2u);
  EXPECT_EQ(server.messages(), (std::vector<std::string>{adt("MSG-1"), adt("MSG-2")}));
}

TEST_F(MllpClientTest, AReplyThatIsNotHl7IsAParseError) {
  MllpTestServer server;
  server.set_policy(MllpPolicy::garbage);
  MllpClient client(io_.get_executor(), endpoint_of(server));
  auto sent = send(client, adt("MSG-G"));
  ASSERT_FALSE(sent.result);
  EXPECT_EQ(sent.result.error().code(), Errc::parse_error);
  EXPECT_TRUE(sent.result.error().message().starts_with("the reply is not an HL7 v2 message: "))
      << sent.result.error().message();
}

TEST_F(MllpClientTest, AnAckForAnotherMessageIsAnError) {
  MllpTestServer server;
  server.set_policy(MllpPolicy::wrong_control_id);
  MllpClient client(io_.get_executor(), endpoint_of(server));
  auto sent = send(client, adt("MSG-W"));
  ASSERT_FALSE(sent.result);
  EXPECT_EQ(sent.result.error().code(), Errc::validation_error);
  EXPECT_EQ(sent.result.error().describe(),
            "127.0.0.1:" + std::to_string(server.port()) +
                " MSA-2: the ACK answers another message: MSA-2 'MSG-W-other', the message's "
                "MSH-10 'MSG-W'");
}

TEST_F(MllpClientTest, NobodyListeningIsAConnectError) {
  const auto port = closed_port();
  MllpClient client(io_.get_executor(), {"127.0.0.1", port, nullptr, {}});
  auto sent = send(client, adt("MSG-R"));
  ASSERT_FALSE(sent.result);
  EXPECT_EQ(sent.result.error().code(), Errc::unavailable);
  EXPECT_EQ(sent.result.error().location(), "127.0.0.1:" + std::to_string(port));
  EXPECT_EQ(sent.result.error().message(), "cannot connect: Connection refused");
}

TEST_F(MllpClientTest, AReplyOverTheLimitIsAnError) {
  MllpTestServer server;
  MllpClientLimits limits;
  limits.max_reply_bytes = 64;  // the test server's AA ACK is about 100 bytes
  MllpClient client(io_.get_executor(), endpoint_of(server), limits);
  auto sent = send(client, adt("MSG-BIG"));
  ASSERT_FALSE(sent.result);
  EXPECT_EQ(sent.result.error().code(), Errc::limit_exceeded);
  EXPECT_EQ(sent.result.error().message(), "the reply is over the 64-byte limit");
}

TEST_F(MllpClientTest, ThreeMessagesInARowShareOneConnection) {
  MllpTestServer server;
  MllpClient client(io_.get_executor(), endpoint_of(server));
  std::vector<std::string> sent;
  for (const char* id : {"MSG-A", "MSG-B", "MSG-C"}) {
    sent.push_back(adt(id));
    auto reply = send(client, sent.back());
    ASSERT_TRUE(reply.result) << reply.result.error().describe();
    EXPECT_EQ(reply.result->code, "AA");
    EXPECT_EQ(reply.result->control_id, id);
  }
  EXPECT_EQ(server.messages(), sent);
  EXPECT_EQ(server.connections(), 1u);
}

TEST_F(MllpClientTest, AMovedClientKeepsItsConnection) {
  MllpTestServer server;
  MllpClient first(io_.get_executor(), endpoint_of(server));
  ASSERT_TRUE(send(first, adt("MSG-1")).result);
  MllpClient moved(std::move(first));
  auto next = send(moved, adt("MSG-2"));
  ASSERT_TRUE(next.result) << next.result.error().describe();
  EXPECT_EQ(server.connections(), 1u);

  MllpTestServer other;
  moved = MllpClient(io_.get_executor(), endpoint_of(other));  // closes the first connection
  ASSERT_TRUE(send(moved, adt("MSG-3")).result);
  EXPECT_EQ(other.messages(), std::vector<std::string>{adt("MSG-3")});
  EXPECT_EQ(server.messages().size(), 2u);
}

TEST_F(MllpClientTest, AConnectionMayIdleLongerThanTheReplyTimeout) {
  MllpTestServer server;
  MllpClient client(io_.get_executor(), endpoint_of(server), reply_timeout(200ms));
  ASSERT_TRUE(send(client, adt("MSG-1")).result);
  std::this_thread::sleep_for(500ms);
  auto next = send(client, adt("MSG-2"));
  ASSERT_TRUE(next.result) << next.result.error().describe();
  EXPECT_EQ(next.result->code, "AA");
  EXPECT_EQ(server.connections(), 1u);
}

TEST_F(MllpClientTest, AnIdleConnectionTheReceiverClosedIsReplacedBeforeSending) {
  MllpTestServer server;
  MllpClient client(io_.get_executor(), endpoint_of(server));
  ASSERT_TRUE(send(client, adt("MSG-1")).result);
  server.close_connections();
  std::this_thread::sleep_for(100ms);  // the FIN reaches the client's socket
  auto next = send(client, adt("MSG-2"));
  ASSERT_TRUE(next.result) << next.result.error().describe();
  EXPECT_EQ(next.result->code, "AA");
  EXPECT_EQ(server.connections(), 2u);
  EXPECT_EQ(server.messages().size(), 2u);  // sent once: not lost on the dead connection
}

TEST_F(MllpClientTest, TlsWithTheTestCaDeliversAndSendsTheServerNameAsSni) {
  MllpTestServer server(server_tls());
  const auto& pki = hie::testing::test_certificates();
  MllpClient by_address(io_.get_executor(),
                        {"127.0.0.1", server.port(), client_tls(pki.ca_cert), {}});
  MllpClient by_name(io_.get_executor(),
                     {"127.0.0.1", server.port(), client_tls(pki.ca_cert), "localhost"});
  auto first = send(by_address, adt("MSG-T1"));
  ASSERT_TRUE(first.result) << first.result.error().describe();
  EXPECT_EQ(first.result->code, "AA");
  auto second = send(by_name, adt("MSG-T2"));
  ASSERT_TRUE(second.result) << second.result.error().describe();
  EXPECT_EQ(second.result->code, "AA");
  // An address is checked against the certificate's IP entry and not sent (SNI is for names).
  EXPECT_EQ(server.server_names(), (std::vector<std::string>{"", "localhost"}));
  EXPECT_EQ(server.messages(), (std::vector<std::string>{adt("MSG-T1"), adt("MSG-T2")}));
}

TEST_F(MllpClientTest, TlsWithAnotherCaFailsTheHandshake) {
  MllpTestServer server(server_tls());
  const auto& pki = hie::testing::test_certificates();
  MllpClient client(io_.get_executor(),
                    {"127.0.0.1", server.port(), client_tls(pki.other_ca_cert), {}});
  auto sent = send(client, adt("MSG-X"));
  ASSERT_FALSE(sent.result);
  EXPECT_EQ(sent.result.error().code(), Errc::unavailable);
  EXPECT_EQ(sent.result.error().message(),
            "TLS handshake failed: the server's certificate: unable to get local issuer "
            "certificate");
  EXPECT_TRUE(server.messages().empty());
}

TEST_F(MllpClientTest, TlsRefusesACertificateForAnotherName) {
  MllpTestServer server(server_tls());
  const auto& pki = hie::testing::test_certificates();
  MllpClient client(io_.get_executor(),
                    {"127.0.0.1", server.port(), client_tls(pki.ca_cert), "mllp.north.example"});
  auto sent = send(client, adt("MSG-N"));
  ASSERT_FALSE(sent.result);
  EXPECT_EQ(sent.result.error().message(),
            "TLS handshake failed: the server's certificate: hostname mismatch");
  EXPECT_TRUE(server.messages().empty());
}

TEST_F(MllpClientTest, AMessageWithoutControlIdIsRefusedWithoutConnecting) {
  MllpTestServer server;
  MllpClient client(io_.get_executor(), endpoint_of(server));
  auto no_id = send(client, adt(""));
  ASSERT_FALSE(no_id.result);
  EXPECT_EQ(no_id.result.error().code(), Errc::invalid_argument);
  EXPECT_EQ(no_id.result.error().describe(), "MSH-10: the message has no MSH-10 control id");
  auto framing = send(client, adt("MSG-F") + "\x1C");
  ASSERT_FALSE(framing.result);
  EXPECT_EQ(framing.result.error().code(), Errc::invalid_argument);
  EXPECT_EQ(server.connections(), 0u);
}

TEST_F(MllpClientTest, ASecondSendWhileOneIsInFlightFailsFastAndCloseEndsTheFirst) {
  MllpTestServer server;
  server.set_policy(MllpPolicy::silent);
  MllpClient client(io_.get_executor(), endpoint_of(server));
  std::promise<Result<MllpReply>> first;
  client.send(adt("MSG-1"), [&first](Result<MllpReply> r) { first.set_value(std::move(r)); });
  ASSERT_TRUE(server.wait_for(1, 10s));

  auto second = send(client, adt("MSG-2"));
  ASSERT_FALSE(second.result);
  EXPECT_EQ(second.result.error().code(), Errc::invalid_argument);
  EXPECT_EQ(second.result.error().message(),
            "a message is still in flight: call send() again once its done has run");

  client.close();
  auto future = first.get_future();
  ASSERT_EQ(future.wait_for(10s), std::future_status::ready);
  auto ended = future.get();
  ASSERT_FALSE(ended);
  EXPECT_EQ(ended.error().code(), Errc::io_error);
  EXPECT_EQ(ended.error().message(), "the MLLP client was closed");

  client.close();  // idempotent
  auto after = send(client, adt("MSG-3"));
  ASSERT_FALSE(after.result);
  EXPECT_EQ(after.result.error().message(), "the MLLP client was closed");
  EXPECT_EQ(server.messages().size(), 1u);
}

TEST_F(MllpClientTest, DestroyingTheClientMidSendStillCallsDone) {
  MllpTestServer server;
  server.set_policy(MllpPolicy::silent);
  std::promise<Result<MllpReply>> first;
  {
    MllpClient client(io_.get_executor(), endpoint_of(server));
    client.send(adt("MSG-1"), [&first](Result<MllpReply> r) { first.set_value(std::move(r)); });
    ASSERT_TRUE(server.wait_for(1, 10s));
  }
  auto future = first.get_future();
  ASSERT_EQ(future.wait_for(10s), std::future_status::ready);
  auto ended = future.get();
  ASSERT_FALSE(ended);
  EXPECT_EQ(ended.error().message(), "the MLLP client was closed");
}

}  // namespace
}  // namespace hie::peers
