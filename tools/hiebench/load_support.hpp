#pragma once
// What every hiebench load shares: a blocking TCP connection, reading an MLLP reply, and latency
// percentiles.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hie::tools {

/// A blocking TCP connection to host:port with Nagle off; -1 when it cannot be made.
int connect_to(const std::string& host, std::uint16_t port);

/// Reads one MLLP frame's payload from `fd`; what arrives after it stays in `buffer` for the next
/// call. Empty on a connection error, or when no whole frame came within `timeout`.
std::string read_mllp_frame(int fd, std::string& buffer, std::chrono::milliseconds timeout);

/// MSA-1 of an ACK written with the standard field separator (the broker answers in the
/// sender's); empty when it has no MSA.
std::string msa_code(std::string_view ack);

/// The p-th percentile (0..100) of `sorted`, nearest rank; 0 when empty.
double percentile(const std::vector<double>& sorted, double p);

}  // namespace hie::tools
