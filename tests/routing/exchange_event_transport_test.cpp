// ExchangeEventTransport's MLLP side against a real MLLP receiver: what each answer (or the lack
// of a receiver) counts as for the dispatcher. Unreachable is never charged as an attempt.
#include "broker/routing/exchange_event_transport.hpp"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <future>
#include <thread>

#include "tests/support/mllp_test_server.hpp"

namespace hie::routing {
namespace {

using namespace std::chrono_literals;
using hie::testing::MllpPolicy;
using hie::testing::MllpTestServer;
using Outcome = AttemptResult::Outcome;

/// A port with nobody listening on it (bound, then released).
std::uint16_t closed_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

OutgoingEvent admission(const std::string& id) {
  return {id, "admission", "hl7v2", "north-hie", "2026-11-27T03:00:00.000Z", 1,
          "MSH|^~\\&|HIEBROKER|HIE|GP|GP|20261127030000+0000||ADT^A01^ADT_A01|" + id +
              "|P|2.5.1\rEVN|A01|20261127030000\rPID|1||9434765919^^^NHS^NH||SMITH^JOHN"};
}

class ExchangeEventTransportTest : public ::testing::Test {
 protected:
  ExchangeEventTransportTest() : work_(io_.get_executor()), thread_([this] { io_.run(); }) {}
  ~ExchangeEventTransportTest() override {
    transport_.reset();
    work_.reset();
    io_.stop();
    thread_.join();
  }

  /// A transport with one MLLP subscriber, "gp-hie", delivering to `port`.
  void make(std::uint16_t port, std::chrono::milliseconds ack_timeout = 10s) {
    config::Exchange gp;
    gp.id = "gp-hie";
    gp.mllp_delivery = config::MllpDelivery{"127.0.0.1", port, false};
    auto made = ExchangeEventTransport::create(io_.get_executor(), {gp}, ack_timeout);
    ASSERT_TRUE(made) << made.error().describe();
    transport_ = std::move(*made);
  }

  AttemptResult attempt(const std::string& subscriber, OutgoingEvent event) {
    std::promise<AttemptResult> promise;
    auto future = promise.get_future();
    transport_->send(subscriber, std::move(event), [&promise](AttemptResult r) { promise.set_value(std::move(r)); });
    if (future.wait_for(30s) != std::future_status::ready) throw std::runtime_error("done never ran");
    return future.get();
  }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
  std::unique_ptr<ExchangeEventTransport> transport_;
};

TEST_F(ExchangeEventTransportTest, OnlyAnAaAcknowledgementIsDelivered) {
  MllpTestServer gp;
  make(gp.port());
  EXPECT_EQ(transport_->capacity("gp-hie"), 1u);
  auto delivered = attempt("gp-hie", admission("ev-1-0"));
  EXPECT_EQ(delivered.outcome, Outcome::acknowledged) << delivered.error;
  ASSERT_EQ(gp.messages().size(), 1u);
  EXPECT_NE(gp.messages()[0].find("|ev-1-0|"), std::string::npos);

  gp.set_policy(MllpPolicy::error);
  auto error = attempt("gp-hie", admission("ev-2-0"));
  EXPECT_EQ(error.outcome, Outcome::refused);
  EXPECT_EQ(error.error, "MSA-1 AE");  // the code only: the receiver's text may hold anything
  gp.set_policy(MllpPolicy::reject);
  EXPECT_EQ(attempt("gp-hie", admission("ev-3-0")).error, "MSA-1 AR");
  gp.set_policy(MllpPolicy::wrong_control_id);
  EXPECT_EQ(attempt("gp-hie", admission("ev-4-0")).outcome, Outcome::refused);
}

TEST_F(ExchangeEventTransportTest, NoAnswerInTimeIsARefusedAttempt) {
  MllpTestServer gp;
  gp.set_policy(MllpPolicy::silent);
  make(gp.port(), 200ms);
  auto silent = attempt("gp-hie", admission("ev-1-0"));
  EXPECT_EQ(silent.outcome, Outcome::refused);
  EXPECT_NE(silent.error.find("no ACK within 200 ms"), std::string::npos) << silent.error;
  gp.set_policy(MllpPolicy::close);
  EXPECT_EQ(attempt("gp-hie", admission("ev-2-0")).outcome, Outcome::refused);
}

TEST_F(ExchangeEventTransportTest, NobodyListeningIsUnreachableNotRefused) {
  make(closed_port());
  auto down = attempt("gp-hie", admission("ev-1-0"));
  EXPECT_EQ(down.outcome, Outcome::unreachable);
  EXPECT_NE(down.error.find("cannot connect"), std::string::npos) << down.error;
}

TEST_F(ExchangeEventTransportTest, AWebSocketSubscriberWithoutThePeerEndpointIsUnreachable) {
  MllpTestServer gp;
  make(gp.port());
  EXPECT_EQ(transport_->capacity("city-hie"), SIZE_MAX);
  EXPECT_EQ(attempt("city-hie", admission("ev-1-0")).outcome, Outcome::unreachable);
  EXPECT_TRUE(gp.messages().empty());
}

}  // namespace
}  // namespace hie::routing
