#pragma once
// hie-sim mllp: sends HL7 v2 messages over MLLP (plain or TLS), one at a time, each after the
// ACK of the one before, as MLLP senders do. A dropped connection is made again with capped
// exponential backoff and the unacknowledged message sent again.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tools/hie-sim/mllp_messages.hpp"
#include "tools/hie-sim/sim_options.hpp"

namespace hie::sim {

struct MllpSummary {
  std::uint64_t sent = 0;      ///< messages sent (each counted once, however often resent)
  std::uint64_t accepted = 0;  ///< ACK with MSA-1 AA or CA
  std::uint64_t refused = 0;   ///< any other MSA-1, or an ACK that cannot be read
};

/// {"mode":"mllp","sent":N,"accepted":N,"refused":N}
std::string summary_json(const MllpSummary& summary);

class MllpClient {
 public:
  /// `tls` is null for plain MLLP.
  MllpClient(boost::asio::any_io_executor executor, std::shared_ptr<boost::asio::ssl::context> tls,
             const MllpOptions& options, std::vector<OutgoingMessage> messages);
  ~MllpClient();
  MllpClient(const MllpClient&) = delete;
  MllpClient& operator=(const MllpClient&) = delete;

  /// Sends every message; returns 0 when each was accepted, 1 when any was refused, the
  /// connection could not be made again, or stop() came first.
  boost::asio::awaitable<int> run();
  void stop();
  const MllpSummary& summary() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace hie::sim
