// hiebench: load generator for the broker.
//
//   hiebench mllp [--host 127.0.0.1] [--port 2575] [--senders 8] [--messages 4000] [--run-id ID]
//   hiebench queries --tokens FILE [--host 127.0.0.1] [--port 8080] [--clients 8] [--queries 1000]
//                    [--expect-sources N]
//
// Prints one JSON object (for bench/run) on stdout and a human line on stderr.
#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <string_view>

#include "tools/hiebench/mllp_load.hpp"
#include "tools/hiebench/query_load.hpp"

namespace {

constexpr const char* kUsage =
    "usage: hiebench mllp [--host ADDRESS] [--port N] [--senders N] [--messages N] [--run-id ID]\n"
    "       hiebench queries --tokens FILE [--host ADDRESS] [--port N] [--clients N] [--queries N]\n"
    "                        [--expect-sources N]\n"
    "\n"
    "mllp: sends N ADT^A08 messages over MLLP from several concurrent senders, each waiting for its\n"
    "ACK before the next message (as MLLP senders do), and reports messages/s and ACK latency.\n"
    "queries: asks GET /fhir/Patient/{nhs}/$everything from several concurrent clients (keep-alive),\n"
    "going round the patients of FILE (one 'NHS_NUMBER TOKEN' per line), and reports queries/s and\n"
    "latency; an answer naming fewer than --expect-sources exchanges counts as incomplete.\n";

bool to_unsigned(std::string_view text, unsigned& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size() && out > 0;
}

/// --flag value pairs after the subcommand; false (with a message) on a flag without a value.
bool read_flags(int argc, char** argv, std::map<std::string, std::string>& flags) {
  for (int i = 2; i < argc; i += 2) {
    if (i + 1 >= argc) {
      std::cerr << "hiebench: " << argv[i] << " needs a value\n" << kUsage;
      return false;
    }
    flags[argv[i]] = argv[i + 1];
  }
  return true;
}

int bad_option(const std::string& flag, const std::string& value) {
  std::cerr << "hiebench: bad option " << flag << " " << value << "\n" << kUsage;
  return 2;
}

int mllp(const std::map<std::string, std::string>& flags) {
  hie::tools::MllpLoadOptions options;
  options.run_id = "R" + std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  for (const auto& [flag, value] : flags) {
    unsigned number = 0;
    if (flag == "--host") options.host = value;
    else if (flag == "--run-id") options.run_id = value;
    else if ((flag == "--port" || flag == "--senders" || flag == "--messages") && to_unsigned(value, number)) {
      if (flag == "--port") options.port = static_cast<std::uint16_t>(number);
      if (flag == "--senders") options.senders = number;
      if (flag == "--messages") options.messages = number;
    } else {
      return bad_option(flag, value);
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

int queries(const std::map<std::string, std::string>& flags) {
  hie::tools::QueryLoadOptions options;
  for (const auto& [flag, value] : flags) {
    unsigned number = 0;
    if (flag == "--host") {
      options.host = value;
    } else if (flag == "--tokens") {
      std::ifstream in(value);
      std::string nhs, token;
      while (in >> nhs >> token) options.patients.emplace_back(nhs, token);
      if (options.patients.empty()) {
        std::cerr << "hiebench: " << value << " holds no 'NHS_NUMBER TOKEN' line\n";
        return 2;
      }
    } else if ((flag == "--port" || flag == "--clients" || flag == "--queries" || flag == "--expect-sources") &&
               to_unsigned(value, number)) {
      if (flag == "--port") options.port = static_cast<std::uint16_t>(number);
      if (flag == "--clients") options.clients = number;
      if (flag == "--queries") options.queries = number;
      if (flag == "--expect-sources") options.expected_sources = number;
    } else {
      return bad_option(flag, value);
    }
  }
  if (options.patients.empty()) {
    std::cerr << "hiebench: queries needs --tokens FILE\n" << kUsage;
    return 2;
  }
  const auto r = hie::tools::run_query_load(options);
  const double rate = r.seconds > 0 ? static_cast<double>(r.ok + r.incomplete) / r.seconds : 0;
  std::printf(
      "{\"benchmark\":\"query_fanout\",\"clients\":%u,\"sent\":%llu,\"ok\":%llu,\"incomplete\":%llu,\"refused\":%llu,"
      "\"failed\":%llu,\"seconds\":%.3f,\"queries_per_second\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f}\n",
      r.clients, static_cast<unsigned long long>(r.sent), static_cast<unsigned long long>(r.ok),
      static_cast<unsigned long long>(r.incomplete), static_cast<unsigned long long>(r.refused),
      static_cast<unsigned long long>(r.failed), r.seconds, rate, r.percentile_ms(50), r.percentile_ms(99));
  std::fprintf(stderr,
               "hiebench: %u clients, %llu/%llu complete answers in %.2f s: %.0f queries/s, p50 %.2f ms, p99 %.2f ms\n",
               r.clients, static_cast<unsigned long long>(r.ok), static_cast<unsigned long long>(r.sent), r.seconds,
               rate, r.percentile_ms(50), r.percentile_ms(99));
  return r.failed == 0 && r.refused == 0 && r.incomplete == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view command = argc >= 2 ? argv[1] : "";
  std::map<std::string, std::string> flags;
  if (command == "mllp" || command == "queries") {
    if (!read_flags(argc, argv, flags)) return 2;
    return command == "mllp" ? mllp(flags) : queries(flags);
  }
  std::cerr << kUsage;
  return 2;
}
