#pragma once
// What every hiebench load shares: a blocking TCP connection and latency percentiles.

#include <cstdint>
#include <string>
#include <vector>

namespace hie::tools {

/// A blocking TCP connection to host:port with Nagle off; -1 when it cannot be made.
int connect_to(const std::string& host, std::uint16_t port);

/// The p-th percentile (0..100) of `sorted`, nearest rank; 0 when empty.
double percentile(const std::vector<double>& sorted, double p);

}  // namespace hie::tools
