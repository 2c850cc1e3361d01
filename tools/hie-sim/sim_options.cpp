#include "tools/hie-sim/sim_options.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include "broker/model/nhs_number.hpp"

namespace hie::sim {

// One literal per line of output, as printed.
// clang-format off
const std::string_view kUsage =
    "usage: hie-sim peer --url wss://HOST:PORT/peer --dataset FILE --cert FILE --key FILE --ca FILE\n"
    "                    [--rate N] [--repeat N] [--no-announce] [--exit-after-publish]\n"
    "                    [--latency-ms N] [--error-rate P] [--garbage-rate P] [--silent] [--seed N]\n"
    "                    [--answer-bytes N] [--drop-mid-answer]\n"
    "                    [--subscribe KINDS [--subscribe-patients held|NHS,...]]\n"
    "                    [--events-out FILE] [--event-ack always|never|nack]\n"
    "       hie-sim mllp --host HOST --port PORT [--tls --cert FILE --key FILE --ca FILE]\n"
    "                    [--rate N] [--repeat N] FILE...\n";

std::string help_text() {
  return std::string(kUsage) +
    "\n"
    "An exchange simulator. peer: connects to the broker's /peer endpoint (WebSocket over mutual\n"
    "TLS), announces and publishes every record of the dataset, then answers queries and events\n"
    "until SIGINT/SIGTERM. mllp: sends the HL7 v2 messages of FILE... over MLLP, each after the\n"
    "ACK of the one before. Progress goes to stderr, one JSON summary line to stdout at exit.\n"
    "  --rate N              messages per second (default 0: as fast as acknowledgements allow)\n"
    "  --repeat N            send everything N times, control ids unique per round (default 1)\n"
    "  --no-announce         do not send the dataset's patients in an announce first\n"
    "  --exit-after-publish  exit once every publish is answered (exit 1 if any was nacked)\n"
    "  --latency-ms N        wait N ms before answering each query\n"
    "  --error-rate P        answer a query {\"error\":\"unavailable\"} with probability P (0..1)\n"
    "  --garbage-rate P      answer a query with a frame that is not JSON with probability P\n"
    "  --silent              never answer queries (pings are still answered)\n"
    "  --seed N              seed for --error-rate and --garbage-rate (default: random)\n"
    "  --answer-bytes N      pad each answer to at least N bytes (fault tests: an oversized answer)\n"
    "  --drop-mid-answer     send the first half of each answer, then drop the TCP connection\n"
    "  --subscribe KINDS     subscribe to these events after hello (and announce), again after\n"
    "                        every reconnect: a comma list of admission, discharge, transfer,\n"
    "                        demographics-update, merge, new-result, new-document; or all\n"
    "  --subscribe-patients held|NHS,...\n"
    "                        the patients to subscribe for: held (default: those the broker's\n"
    "                        record locator says this exchange holds) or NHS numbers\n"
    "  --events-out FILE     append each event received as one JSON line, flushed before it is\n"
    "                        acknowledged (- for stdout)\n"
    "  --event-ack WHAT      always (default): ack each event; never: record it, answer nothing;\n"
    "                        nack: record it, answer nack busy\n"
    "  --tls                 MLLP over TLS: verify the broker against --ca, present --cert/--key\n"
    "Exit: 0 success, 1 runtime failure, 2 usage error. See docs/hie-sim.md.\n";
}
// clang-format on

namespace {

struct FlagSpec {
  std::string_view name;
  bool takes_value;
};

// clang-format off
constexpr FlagSpec kPeerFlags[] = {
    {"--url", true},         {"--dataset", true},             {"--cert", true},
    {"--key", true},         {"--ca", true},                  {"--rate", true},
    {"--repeat", true},      {"--no-announce", false},        {"--exit-after-publish", false},
    {"--latency-ms", true},  {"--error-rate", true},          {"--garbage-rate", true},
    {"--silent", false},     {"--seed", true},                {"--subscribe", true},
    {"--events-out", true},  {"--subscribe-patients", true},  {"--event-ack", true},
    {"--answer-bytes", true}, {"--drop-mid-answer", false}, {"--help", false},
};
// clang-format on

constexpr FlagSpec kMllpFlags[] = {
    {"--host", true}, {"--port", true}, {"--tls", false},   {"--cert", true},  {"--key", true},
    {"--ca", true},   {"--rate", true}, {"--repeat", true}, {"--help", false},
};

/// Flags (each at most once) and positionals, as written.
struct Words {
  std::map<std::string, std::string, std::less<>> flags;
  std::vector<std::string> positionals;

  bool has(std::string_view flag) const { return flags.contains(flag); }
  std::string value(std::string_view flag) const {
    auto it = flags.find(flag);
    return it == flags.end() ? std::string() : it->second;
  }
};

template <std::size_t N>
Result<Words> split_words(const std::vector<std::string_view>& args, const FlagSpec (&specs)[N]) {
  Words words;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string_view word = args[i];
    if (word.size() < 2 || !word.starts_with("--")) {
      words.positionals.emplace_back(word);
      continue;
    }
    const auto eq = word.find('=');
    const std::string_view name = word.substr(0, eq);
    const auto* spec = std::find_if(std::begin(specs), std::end(specs),
                                    [&](const FlagSpec& s) { return s.name == name; });
    if (spec == std::end(specs))
      return make_error(Errc::invalid_argument, "unknown option " + std::string(name));
    std::string value;
    if (!spec->takes_value) {
      if (eq != std::string_view::npos)
        return make_error(Errc::invalid_argument, std::string(name) + " takes no value");
    } else if (eq != std::string_view::npos) {
      value = word.substr(eq + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return make_error(Errc::invalid_argument, std::string(name) + " needs a value");
    }
    if (!words.flags.emplace(name, std::move(value)).second)
      return make_error(Errc::invalid_argument, std::string(name) + " given twice");
  }
  return words;
}

Error bad_value(std::string_view flag, std::string_view expected, std::string_view got) {
  return make_error(Errc::invalid_argument, std::string(flag) + ": expected " +
                                                std::string(expected) + " (got \"" +
                                                std::string(got) + "\")");
}

Result<std::uint64_t> read_unsigned(std::string_view flag, const std::string& text,
                                    std::uint64_t min, std::uint64_t max) {
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size() || n < min || n > max)
    return bad_value(
        flag, "a whole number from " + std::to_string(min) + " to " + std::to_string(max), text);
  return n;
}

Result<double> read_number(std::string_view flag, const std::string& text, double min, double max,
                           std::string_view expected) {
  double x = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
  if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(x) || x < min ||
      x > max)
    return bad_value(flag, expected, text);
  return x;
}

Status require(const Words& words, std::initializer_list<std::string_view> flags) {
  for (auto flag : flags)
    if (!words.has(flag) || words.value(flag).empty())
      return make_error(Errc::invalid_argument, std::string(flag) + " is required");
  return {};
}

Result<Pacing> read_pacing(const Words& words) {
  Pacing pacing;
  if (words.has("--rate")) {
    auto rate = read_number("--rate", words.value("--rate"), 0, 1e6,
                            "a number of messages per second >= 0");
    if (!rate) return rate.error();
    pacing.rate = *rate;
  }
  if (words.has("--repeat")) {
    auto repeat = read_unsigned("--repeat", words.value("--repeat"), 1, 1'000'000);
    if (!repeat) return repeat.error();
    pacing.repeat = static_cast<unsigned>(*repeat);
  }
  return pacing;
}

/// Splits "a,b,c"; an empty item (",,", a trailing comma) is an error of `flag`.
Result<std::vector<std::string>> split_list(std::string_view flag, const std::string& text,
                                            std::string_view expected) {
  std::vector<std::string> items;
  std::string_view rest = text;
  while (true) {
    const auto comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    if (item.empty()) return bad_value(flag, expected, text);
    items.emplace_back(item);
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  return items;
}

Result<EventBehaviour> read_events(const Words& words) {
  EventBehaviour events;
  if (words.has("--subscribe")) {
    constexpr std::string_view expected = "all or a comma list of event words";
    const std::string text = words.value("--subscribe");
    auto items = split_list("--subscribe", text, expected);
    if (!items) return items.error();
    if (*items == std::vector<std::string>{"all"}) {
      events.subscribe.assign(std::begin(kEventKinds), std::end(kEventKinds));
    } else {
      for (const auto& item : *items) {
        if (std::ranges::find(kEventKinds, item) == std::end(kEventKinds))
          return make_error(Errc::invalid_argument,
                            "--subscribe: unknown event \"" + item +
                                "\" (admission, discharge, transfer, demographics-update, merge, "
                                "new-result, new-document, or all alone)");
        if (std::ranges::find(events.subscribe, item) == events.subscribe.end())
          events.subscribe.push_back(item);
      }
    }
  }
  if (words.has("--subscribe-patients")) {
    if (!words.has("--subscribe"))
      return make_error(Errc::invalid_argument, "--subscribe-patients needs --subscribe");
    const std::string text = words.value("--subscribe-patients");
    if (text != "held") {
      auto items = split_list("--subscribe-patients", text, "held or a comma list of NHS numbers");
      if (!items) return items.error();
      for (const auto& item : *items) {
        auto nhs = model::NhsNumber::parse(item);
        if (!nhs)
          return make_error(Errc::invalid_argument, "--subscribe-patients: \"" + item +
                                                        "\" is not an NHS number (" +
                                                        nhs.error().message() + ")");
        if (std::ranges::find(events.patients, nhs->value()) == events.patients.end())
          events.patients.push_back(nhs->value());
      }
    }
  }
  if (words.has("--events-out")) {
    events.out = words.value("--events-out");
    if (events.out.empty()) return bad_value("--events-out", "a file name or -", events.out);
  }
  if (words.has("--event-ack")) {
    const std::string ack = words.value("--event-ack");
    if (ack == "always")
      events.ack = EventAck::always;
    else if (ack == "never")
      events.ack = EventAck::never;
    else if (ack == "nack")
      events.ack = EventAck::nack;
    else
      return bad_value("--event-ack", "always, never or nack", ack);
  }
  return events;
}

Result<SimOptions> read_peer(const Words& words) {
  if (!words.positionals.empty())
    return make_error(Errc::invalid_argument,
                      "unexpected argument \"" + words.positionals.front() + "\"");
  if (auto ok = require(words, {"--url", "--dataset", "--cert", "--key", "--ca"}); !ok)
    return ok.error();
  PeerOptions options;
  options.url = words.value("--url");
  auto endpoint = parse_peer_url(options.url);
  if (!endpoint) return endpoint.error();
  options.endpoint = *endpoint;
  options.dataset = words.value("--dataset");
  options.tls = {words.value("--cert"), words.value("--key"), words.value("--ca")};
  auto pacing = read_pacing(words);
  if (!pacing) return pacing.error();
  options.pacing = *pacing;
  options.announce = !words.has("--no-announce");
  options.exit_after_publish = words.has("--exit-after-publish");
  auto& q = options.queries;
  if (words.has("--latency-ms")) {
    auto ms = read_unsigned("--latency-ms", words.value("--latency-ms"), 0, 3'600'000);
    if (!ms) return ms.error();
    q.latency_ms = static_cast<unsigned>(*ms);
  }
  for (auto [flag, out] :
       {std::pair{"--error-rate", &q.error_rate}, {"--garbage-rate", &q.garbage_rate}}) {
    if (!words.has(flag)) continue;
    auto p = read_number(flag, words.value(flag), 0, 1, "a probability from 0 to 1");
    if (!p) return p.error();
    *out = *p;
  }
  q.silent = words.has("--silent");
  if (words.has("--answer-bytes")) {
    auto bytes = read_unsigned("--answer-bytes", words.value("--answer-bytes"), 1, std::size_t{1} << 30);
    if (!bytes) return bytes.error();
    q.answer_bytes = static_cast<std::size_t>(*bytes);
  }
  q.drop_mid_answer = words.has("--drop-mid-answer");
  if (words.has("--seed")) {
    auto seed = read_unsigned("--seed", words.value("--seed"), 0, UINT64_MAX);
    if (!seed) return seed.error();
    q.seed = *seed;
  }
  auto events = read_events(words);
  if (!events) return events.error();
  options.events = std::move(*events);
  return SimOptions(std::move(options));
}

Result<SimOptions> read_mllp(const Words& words) {
  if (auto ok = require(words, {"--host", "--port"}); !ok) return ok.error();
  MllpOptions options;
  options.host = words.value("--host");
  auto port = read_unsigned("--port", words.value("--port"), 1, 65535);
  if (!port) return port.error();
  options.port = static_cast<std::uint16_t>(*port);
  const bool any_tls_file = words.has("--cert") || words.has("--key") || words.has("--ca");
  if (words.has("--tls")) {
    if (auto ok = require(words, {"--ca"}); !ok)
      return make_error(Errc::invalid_argument, "--tls needs --ca");
    if (words.has("--cert") != words.has("--key"))
      return make_error(Errc::invalid_argument, "--cert and --key go together");
    options.tls = TlsFiles{words.value("--cert"), words.value("--key"), words.value("--ca")};
  } else if (any_tls_file) {
    return make_error(Errc::invalid_argument, "--cert, --key and --ca need --tls");
  }
  auto pacing = read_pacing(words);
  if (!pacing) return pacing.error();
  options.pacing = *pacing;
  if (words.positionals.empty()) return make_error(Errc::invalid_argument, "no FILE to send");
  options.files = words.positionals;
  return SimOptions(std::move(options));
}

}  // namespace

Result<PeerUrl> parse_peer_url(std::string_view url) {
  const std::string_view scheme = "wss://";
  if (!url.starts_with(scheme)) {
    if (url.starts_with("ws://"))
      return make_error(
          Errc::invalid_argument,
          "--url: ws:// is not accepted, the peer protocol runs over TLS (use wss://)");
    return bad_value("--url", "wss://HOST:PORT/PATH", url);
  }
  std::string_view rest = url.substr(scheme.size());
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  PeerUrl out;
  out.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  std::string_view port;
  if (authority.starts_with("[")) {  // [IPv6]:port
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return bad_value("--url", "wss://HOST:PORT/PATH", url);
    out.host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(":"))
      return bad_value("--url", "wss://HOST:PORT/PATH", url);
    if (!after.empty()) port = after.substr(1);
  } else {
    const auto colon = authority.rfind(':');
    out.host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty() || out.host.find('@') != std::string::npos)
    return bad_value("--url", "wss://HOST:PORT/PATH", url);
  if (port.empty() && authority.ends_with(":"))
    return bad_value("--url", "wss://HOST:PORT/PATH", url);
  out.port = port.empty() ? "443" : std::string(port);
  if (auto n = read_unsigned("--url", out.port, 1, 65535); !n)
    return bad_value("--url", "a port from 1 to 65535", url);
  return out;
}

Result<SimOptions> parse_options(const std::vector<std::string_view>& args) {
  if (args.empty()) return make_error(Errc::invalid_argument, "a mode is required: peer or mllp");
  const std::string_view mode = args.front();
  if (mode == "--help" || mode == "-h" || mode == "help") return SimOptions(HelpRequest{});
  Result<Words> words = make_error(Errc::invalid_argument, "");
  if (mode == "peer")
    words = split_words(args, kPeerFlags);
  else if (mode == "mllp")
    words = split_words(args, kMllpFlags);
  else
    return make_error(Errc::invalid_argument,
                      "unknown mode \"" + std::string(mode) + "\" (peer or mllp)");
  if (!words) return words.error();
  if (words->has("--help")) return SimOptions(HelpRequest{});
  return mode == "peer" ? read_peer(*words) : read_mllp(*words);
}

}  // namespace hie::sim
