#pragma once
// MLLP load: N senders, each on its own connection and thread, send messages one after another
// (each waits for its ACK, as MLLP senders do) and time every ACK.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace hie::tools {

struct MllpLoadOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 2575;
  unsigned senders = 8;
  unsigned messages = 4000;  ///< in total, shared among the senders
  std::string run_id;        ///< makes control ids unique across runs against one store
};

struct MllpLoadResult {
  unsigned senders = 0;
  std::uint64_t sent = 0;
  std::uint64_t accepted = 0;  ///< MSA-1 AA or CA
  std::uint64_t refused = 0;   ///< any other MSA-1
  std::uint64_t failed = 0;    ///< no ACK: connection error or timeout
  double seconds = 0;
  std::vector<double> latencies_ms;  ///< one per ACK received, sorted
  double percentile_ms(double p) const;
};

MllpLoadResult run_mllp_load(const MllpLoadOptions& options);

}  // namespace hie::tools
