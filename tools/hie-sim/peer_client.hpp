#pragma once
// hie-sim peer: one exchange connected to the broker's /peer endpoint (WebSocket over mutual
// TLS). It says hello, announces its patients, subscribes to events (--subscribe), publishes
// every record, and answers queries, pings and events until stopped; it reconnects with capped
// exponential backoff when the connection drops and then publishes only what was not answered.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "tools/hie-sim/dataset.hpp"
#include "tools/hie-sim/peer_protocol.hpp"
#include "tools/hie-sim/sim_options.hpp"

namespace hie::sim {

class PeerClient {
 public:
  /// `keep_event` records each event before it is answered (--events-out); see PeerProtocol.
  PeerClient(boost::asio::any_io_executor executor, std::shared_ptr<boost::asio::ssl::context> tls,
             const PeerOptions& options, const Dataset& dataset,
             PeerProtocol::EventSink keep_event = {});
  ~PeerClient();
  PeerClient(const PeerClient&) = delete;
  PeerClient& operator=(const PeerClient&) = delete;

  /// Connects and runs until stop(), a hello refusal, giving up on reconnecting, or (with
  /// --exit-after-publish) every publish answered. Returns the exit code.
  boost::asio::awaitable<int> run();

  /// Closes the connection politely and makes run() return. Call on the executor's thread.
  void stop();

  const PeerSummary& summary() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace hie::sim
