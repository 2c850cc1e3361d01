#include "tools/hiebench/mllp_load.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>
#include <thread>

#include "adapters/hl7v2/mllp_codec.hpp"
#include "tools/hiebench/load_support.hpp"

namespace hie::tools {
namespace {

using Clock = std::chrono::steady_clock;

/// An ADT^A08 with a valid NHS number; the control id makes every message distinct.
std::string message(const std::string& control_id) {
  return "MSH|^~\\&|BENCH|BENCHFAC|HIE|HIE|20240102030405+0000||ADT^A08^ADT_A01|" + control_id +
         "|P|2.5.1\rEVN|A08|20240102030405+0000\rPID|1||9434765919^^^NHS^NH~B" + control_id +
         "^^^HOSP^MR||BENCH^PATIENT||19700101|M|||1 HIGH STREET^^LEEDS^^LS1 1AA\rPV1|1|I|WARD1^BED1\r";
}

}  // namespace

double MllpLoadResult::percentile_ms(double p) const { return percentile(latencies_ms, p); }

MllpLoadResult run_mllp_load(const MllpLoadOptions& options) {
  MllpLoadResult total;
  total.senders = options.senders;
  std::mutex mutex;
  std::vector<std::thread> threads;
  const auto started = Clock::now();
  for (unsigned s = 0; s < options.senders; ++s) {
    threads.emplace_back([&, s] {
      MllpLoadResult mine;
      const unsigned count = options.messages / options.senders + (s < options.messages % options.senders ? 1 : 0);
      const int fd = connect_to(options.host, options.port);
      std::string buffer;
      for (unsigned i = 0; i < count; ++i) {
        ++mine.sent;
        if (fd < 0) {
          ++mine.failed;
          continue;
        }
        const std::string frame =
            adapters::hl7v2::mllp_frame(message(options.run_id + "-" + std::to_string(s) + "-" + std::to_string(i)));
        const auto sent_at = Clock::now();
        if (::send(fd, frame.data(), frame.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(frame.size())) {
          ++mine.failed;
          continue;
        }
        const std::string ack = read_mllp_frame(fd, buffer, std::chrono::seconds(10));
        if (ack.empty()) {
          ++mine.failed;
          continue;
        }
        mine.latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - sent_at).count());
        const std::string code = msa_code(ack);
        if (code == "AA" || code == "CA") ++mine.accepted;
        else ++mine.refused;
      }
      if (fd >= 0) ::close(fd);
      std::lock_guard lock(mutex);
      total.sent += mine.sent;
      total.accepted += mine.accepted;
      total.refused += mine.refused;
      total.failed += mine.failed;
      total.latencies_ms.insert(total.latencies_ms.end(), mine.latencies_ms.begin(), mine.latencies_ms.end());
    });
  }
  for (auto& t : threads) t.join();
  total.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  std::sort(total.latencies_ms.begin(), total.latencies_ms.end());
  return total;
}

}  // namespace hie::tools
