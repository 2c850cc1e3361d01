// hiebench: load generator for the broker. Today: MLLP ingest with N concurrent senders.
//
//   hiebench mllp [--host 127.0.0.1] [--port 2575] [--senders 8] [--messages 4000] [--run-id ID]
//
// Prints one JSON object (for bench/run) on stdout and a human line on stderr.
#include <charconv>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>

#include "tools/hiebench/mllp_load.hpp"

namespace {

constexpr const char* kUsage =
    "usage: hiebench mllp [--host ADDRESS] [--port N] [--senders N] [--messages N] [--run-id ID]\n"
    "\n"
    "Sends N ADT^A08 messages over MLLP from several concurrent senders, each waiting for its ACK\n"
    "before the next message (as MLLP senders do), and reports messages/s and ACK latency.\n";

bool to_unsigned(std::string_view text, unsigned& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size() && out > 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string_view(argv[1]) != "mllp") {
    std::cerr << kUsage;
    return 2;
  }
  hie::tools::MllpLoadOptions options;
  options.run_id = "R" + std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  for (int i = 2; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (i + 1 >= argc) {
      std::cerr << "hiebench: " << flag << " needs a value\n" << kUsage;
      return 2;
    }
    const std::string_view value = argv[++i];
    unsigned number = 0;
    if (flag == "--host") options.host = value;
    else if (flag == "--run-id") options.run_id = value;
    else if ((flag == "--port" || flag == "--senders" || flag == "--messages") && to_unsigned(value, number)) {
      if (flag == "--port") options.port = static_cast<std::uint16_t>(number);
      if (flag == "--senders") options.senders = number;
      if (flag == "--messages") options.messages = number;
    } else {
      std::cerr << "hiebench: bad option " << flag << " " << value << "\n" << kUsage;
      return 2;
    }
  }
  const auto r = hie::tools::run_mllp_load(options);
  const double rate = r.seconds > 0 ? static_cast<double>(r.accepted) / r.seconds : 0;
  std::printf(
      "{\"benchmark\":\"mllp_ingest\",\"senders\":%u,\"sent\":%llu,\"accepted\":%llu,\"refused\":%llu,"
      "\"failed\":%llu,\"seconds\":%.3f,\"messages_per_second\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f}\n",
      r.senders, static_cast<unsigned long long>(r.sent), static_cast<unsigned long long>(r.accepted),
      static_cast<unsigned long long>(r.refused), static_cast<unsigned long long>(r.failed), r.seconds, rate,
      r.percentile_ms(50), r.percentile_ms(99));
  std::fprintf(stderr, "hiebench: %u senders, %llu/%llu accepted in %.2f s: %.0f msg/s, ACK p50 %.2f ms, p99 %.2f ms\n",
               r.senders, static_cast<unsigned long long>(r.accepted), static_cast<unsigned long long>(r.sent),
               r.seconds, rate, r.percentile_ms(50), r.percentile_ms(99));
  return r.failed == 0 && r.refused == 0 ? 0 : 1;
}
