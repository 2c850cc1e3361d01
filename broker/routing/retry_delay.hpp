#pragma once
// The wait before a failed delivery is tried again: exponential in the attempts made, capped,
// with jitter so that many deliveries failed by one outage do not all come back at once.

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace hie::routing {

/// `attempts` made so far (1 after the first failure); `unit` is a random number in [0, 1).
/// The wait is between half and all of initial * 2^(attempts-1), never more than `longest`.
inline std::chrono::milliseconds retry_delay(std::int64_t attempts, std::chrono::milliseconds initial,
                                             std::chrono::milliseconds longest, double unit) {
  const std::int64_t doublings = std::clamp<std::int64_t>(attempts - 1, 0, 40);
  const double full = std::min(static_cast<double>(initial.count()) * static_cast<double>(std::int64_t{1} << doublings),
                               static_cast<double>(longest.count()));
  return std::chrono::milliseconds(static_cast<std::int64_t>(full / 2 + unit * full / 2));
}

}  // namespace hie::routing
