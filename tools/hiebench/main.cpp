// hiebench: load generator for the broker.
//
//   hiebench mllp [--host 127.0.0.1] [--port 2575] [--senders 8] [--messages 4000] [--run-id ID]
//   hiebench queries --tokens FILE [--host 127.0.0.1] [--port 8080] [--clients 8] [--queries 1000]
//                    [--expect-sources N]
//   hiebench events --subscriber-ports P1,P2,... [--host 127.0.0.1] [--port 2575] [--senders 4]
//                   [--events 2000] [--rate 0] [--run-id ID] [--idle-timeout-s 30]
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
#include <vector>

#include "tools/hiebench/admission_feed.hpp"
#include "tools/hiebench/events_load.hpp"
#include "tools/hiebench/mllp_load.hpp"
#include "tools/hiebench/query_load.hpp"

namespace {

constexpr const char* kUsage =
    "usage: hiebench mllp [--host ADDRESS] [--port N] [--senders N] [--messages N] [--run-id ID]\n"
    "       hiebench queries --tokens FILE [--host ADDRESS] [--port N] [--clients N] [--queries N]\n"
    "                        [--expect-sources N]\n"
    "       hiebench events --subscriber-ports P1,P2,... [--host ADDRESS] [--port N] [--senders N]\n"
    "                       [--events N] [--rate N] [--run-id ID] [--idle-timeout-s N]\n"
    "\n"
    "mllp: sends N ADT^A08 messages over MLLP from several concurrent senders, each waiting for its\n"
    "ACK before the next message (as MLLP senders do), and reports messages/s and ACK latency.\n"
    "queries: asks GET /fhir/Patient/{nhs}/$everything from several concurrent clients (keep-alive),\n"
    "going round the patients of FILE (one 'NHS_NUMBER TOKEN' per line), and reports queries/s and\n"
    "latency; an answer naming fewer than --expect-sources exchanges counts as incomplete.\n"
    "events: listens on 127.0.0.1 at each subscriber port (the broker's mllp_delivery of one\n"
    "subscriber exchange each) and answers every delivery with MSA-1 AA, while several senders send N\n"
    "ADT^A01 admissions, each for its own patient, to the broker's MLLP listener (each waits for its\n"
    "ACK; --rate N: N admissions/s in all, 0 as fast as ACKs come). Reports deliveries/s, events/s\n"
    "(reaching every subscriber) and delivery latency (source sent -> subscriber received); deliveries\n"
    "still missing once the broker has sent nothing for --idle-timeout-s count as failed.\n";

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

/// "2601,2602": ports from 1 to 65535.
bool to_ports(std::string_view text, std::vector<std::uint16_t>& out) {
  while (!text.empty()) {
    const auto comma = text.find(',');
    unsigned port = 0;
    if (!to_unsigned(text.substr(0, comma), port) || port > 65535) return false;
    out.push_back(static_cast<std::uint16_t>(port));
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
  }
  return !out.empty();
}

int events(const std::map<std::string, std::string>& flags) {
  hie::tools::EventsLoadOptions options;
  options.run_id = "E" + std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  for (const auto& [flag, value] : flags) {
    unsigned number = 0;
    if (flag == "--host") {
      options.host = value;
    } else if (flag == "--run-id" && hie::tools::valid_run_id(value)) {
      options.run_id = value;
    } else if (flag == "--subscriber-ports" && to_ports(value, options.subscriber_ports)) {
    } else if (flag == "--rate" && (value == "0" || to_unsigned(value, number))) {
      options.rate = number;
    } else if ((flag == "--port" || flag == "--senders" || flag == "--events" || flag == "--idle-timeout-s") &&
               to_unsigned(value, number)) {
      if (flag == "--port") options.port = static_cast<std::uint16_t>(number);
      if (flag == "--senders") options.senders = number;
      if (flag == "--events") options.events = number;
      if (flag == "--idle-timeout-s") options.idle_timeout = std::chrono::seconds(number);
    } else {
      return bad_option(flag, value);
    }
  }
  if (options.subscriber_ports.empty()) {
    std::cerr << "hiebench: events needs --subscriber-ports\n" << kUsage;
    return 2;
  }
  const auto r = hie::tools::run_events_load(options);
  if (!r.listen_error.empty()) {
    std::cerr << "hiebench: " << r.listen_error << "\n";
    return 1;
  }
  const double deliveries = r.seconds > 0 ? static_cast<double>(r.delivered) / r.seconds : 0;
  const double complete = r.seconds > 0 ? static_cast<double>(r.complete_events) / r.seconds : 0;
  const auto n = [](std::uint64_t v) { return static_cast<unsigned long long>(v); };
  std::printf(
      "{\"benchmark\":\"event_fanout\",\"subscribers\":%u,\"senders\":%u,\"rate\":%.0f,\"sent\":%llu,"
      "\"accepted\":%llu,\"ingest_failed\":%llu,\"expected\":%llu,\"delivered\":%llu,\"missing\":%llu,"
      "\"duplicates\":%llu,\"unmatched\":%llu,\"complete_events\":%llu,\"seconds\":%.3f,"
      "\"deliveries_per_second\":%.1f,\"events_per_second\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,"
      "\"max_ms\":%.3f}\n",
      r.subscribers, r.senders, r.rate, n(r.sent), n(r.accepted), n(r.ingest_failed), n(r.expected), n(r.delivered),
      n(r.missing()), n(r.duplicates), n(r.unmatched), n(r.complete_events), r.seconds, deliveries, complete,
      r.percentile_ms(50), r.percentile_ms(99), r.percentile_ms(100));
  std::fprintf(stderr,
               "hiebench: %llu events to %u subscribers, %llu/%llu deliveries in %.2f s: %.0f deliveries/s, "
               "%.0f events/s, latency p50 %.2f ms, p99 %.2f ms; %llu missing, %llu ingest failures, "
               "%llu duplicates\n",
               n(r.sent), r.subscribers, n(r.delivered), n(r.expected), r.seconds, deliveries, complete,
               r.percentile_ms(50), r.percentile_ms(99), n(r.missing()), n(r.ingest_failed), n(r.duplicates));
  return r.missing() == 0 && r.ingest_failed == 0 && r.unmatched == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view command = argc >= 2 ? argv[1] : "";
  std::map<std::string, std::string> flags;
  if (command == "mllp" || command == "queries" || command == "events") {
    if (!read_flags(argc, argv, flags)) return 2;
    if (command == "events") return events(flags);
    return command == "mllp" ? mllp(flags) : queries(flags);
  }
  std::cerr << kUsage;
  return 2;
}
