#include "tools/hie-sim/sim_options.hpp"

#include <gtest/gtest.h>

namespace hie::sim {
namespace {

Result<SimOptions> parse(std::vector<std::string_view> args) { return parse_options(args); }

/// The one-line reason of a usage error, or "(no error)".
std::string reason(const Result<SimOptions>& result) {
  return result ? "(no error)" : result.error().message();
}

const std::vector<std::string_view> kPeer = {"peer",      "--url",  "wss://localhost:8443/peer",
                                             "--dataset", "d.json", "--cert",
                                             "c.crt",     "--key",  "c.key",
                                             "--ca",      "ca.crt"};

std::vector<std::string_view> peer_with(std::vector<std::string_view> extra) {
  auto args = kPeer;
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

TEST(SimOptions, PeerTakesEveryFlag) {
  auto result = parse(peer_with({"--rate", "2.5", "--repeat=3", "--no-announce",
                                 "--exit-after-publish", "--latency-ms", "250", "--error-rate",
                                 "0.1", "--garbage-rate", "1", "--silent", "--seed", "42",
                                 "--answer-bytes", "1048576", "--drop-mid-answer"}));
  ASSERT_TRUE(result) << reason(result);
  const auto& o = std::get<PeerOptions>(*result);
  EXPECT_EQ(o.url, "wss://localhost:8443/peer");
  EXPECT_EQ(o.endpoint.host, "localhost");
  EXPECT_EQ(o.endpoint.port, "8443");
  EXPECT_EQ(o.endpoint.target, "/peer");
  EXPECT_EQ(o.dataset, "d.json");
  EXPECT_EQ(o.tls.cert, "c.crt");
  EXPECT_EQ(o.tls.key, "c.key");
  EXPECT_EQ(o.tls.ca, "ca.crt");
  EXPECT_DOUBLE_EQ(o.pacing.rate, 2.5);
  EXPECT_EQ(o.pacing.repeat, 3u);
  EXPECT_FALSE(o.announce);
  EXPECT_TRUE(o.exit_after_publish);
  EXPECT_EQ(o.queries.latency_ms, 250u);
  EXPECT_DOUBLE_EQ(o.queries.error_rate, 0.1);
  EXPECT_DOUBLE_EQ(o.queries.garbage_rate, 1.0);
  EXPECT_TRUE(o.queries.silent);
  EXPECT_EQ(o.queries.seed, 42u);
  EXPECT_EQ(o.queries.answer_bytes, 1048576u);
  EXPECT_TRUE(o.queries.drop_mid_answer);
  EXPECT_FALSE(parse(peer_with({"--answer-bytes", "0"})));
  EXPECT_FALSE(parse(peer_with({"--answer-bytes", "2000000000"})));
}

TEST(SimOptions, PeerDefaults) {
  auto result = parse(kPeer);
  ASSERT_TRUE(result) << reason(result);
  const auto& o = std::get<PeerOptions>(*result);
  EXPECT_DOUBLE_EQ(o.pacing.rate, 0);
  EXPECT_EQ(o.pacing.repeat, 1u);
  EXPECT_TRUE(o.announce);
  EXPECT_FALSE(o.exit_after_publish);
  EXPECT_EQ(o.queries.latency_ms, 0u);
  EXPECT_FALSE(o.queries.silent);
  EXPECT_FALSE(o.queries.seed);
}

TEST(SimOptions, PeerEventFlags) {
  auto result = parse(peer_with({"--subscribe", "discharge,admission,discharge",
                                 "--subscribe-patients=943 476 5919,3870146052,9434765919",
                                 "--events-out", "events.jsonl", "--event-ack", "never"}));
  ASSERT_TRUE(result) << reason(result);
  const auto& e = std::get<PeerOptions>(*result).events;
  // In the order given, each once; NHS numbers as ten digits, each once.
  EXPECT_EQ(e.subscribe, (std::vector<std::string>{"discharge", "admission"}));
  EXPECT_EQ(e.patients, (std::vector<std::string>{"9434765919", "3870146052"}));
  EXPECT_EQ(e.out, "events.jsonl");
  EXPECT_EQ(e.ack, EventAck::never);

  auto all = parse(peer_with({"--subscribe=all", "--subscribe-patients", "held", "--events-out",
                              "-", "--event-ack", "nack"}));
  ASSERT_TRUE(all) << reason(all);
  const auto& a = std::get<PeerOptions>(*all).events;
  EXPECT_EQ(a.subscribe,
            (std::vector<std::string>{"admission", "discharge", "transfer", "demographics-update",
                                      "merge", "new-result", "new-document"}));
  EXPECT_TRUE(a.patients.empty());  // held
  EXPECT_EQ(a.out, "-");
  EXPECT_EQ(a.ack, EventAck::nack);

  auto defaults = parse(kPeer);
  ASSERT_TRUE(defaults) << reason(defaults);
  const auto& d = std::get<PeerOptions>(*defaults).events;
  EXPECT_TRUE(d.subscribe.empty());
  EXPECT_TRUE(d.patients.empty());
  EXPECT_EQ(d.out, "");
  EXPECT_EQ(d.ack, EventAck::always);

  // Events can be recorded without a subscribe of our own (one configured at the broker).
  auto record_only = parse(peer_with({"--events-out", "e.jsonl", "--event-ack", "always"}));
  ASSERT_TRUE(record_only) << reason(record_only);
  EXPECT_EQ(std::get<PeerOptions>(*record_only).events.out, "e.jsonl");
}

TEST(SimOptions, EventFlagErrorsSayWhatIsWrong) {
  EXPECT_EQ(reason(parse(peer_with({"--subscribe", "admission,birth"}))),
            "--subscribe: unknown event \"birth\" (admission, discharge, transfer, "
            "demographics-update, merge, new-result, new-document, or all alone)");
  EXPECT_EQ(reason(parse(peer_with({"--subscribe", "all,merge"}))),
            "--subscribe: unknown event \"all\" (admission, discharge, transfer, "
            "demographics-update, merge, new-result, new-document, or all alone)");
  EXPECT_EQ(reason(parse(peer_with({"--subscribe", "admission,"}))),
            "--subscribe: expected all or a comma list of event words (got \"admission,\")");
  EXPECT_EQ(reason(parse(peer_with({"--subscribe="}))),
            "--subscribe: expected all or a comma list of event words (got \"\")");
  EXPECT_EQ(reason(parse(peer_with({"--subscribe", "Admission"}))).substr(0, 40),
            "--subscribe: unknown event \"Admission\" (");
  EXPECT_EQ(reason(parse(peer_with({"--subscribe-patients", "held"}))),
            "--subscribe-patients needs --subscribe");
  EXPECT_EQ(reason(parse(peer_with(
                {"--subscribe", "merge", "--subscribe-patients", "9434765919,9434765918"}))),
            "--subscribe-patients: \"9434765918\" is not an NHS number (NHS number check digit "
            "does not match)");
  EXPECT_EQ(reason(parse(peer_with({"--subscribe", "merge", "--subscribe-patients", "all"}))),
            "--subscribe-patients: \"all\" is not an NHS number (NHS number may hold only digits, "
            "grouped 3-3-4 by spaces or dashes)");
  EXPECT_EQ(
      reason(parse(peer_with({"--subscribe", "merge", "--subscribe-patients", ",9434765919"}))),
      "--subscribe-patients: expected held or a comma list of NHS numbers (got "
      "\",9434765919\")");
  EXPECT_EQ(reason(parse(peer_with({"--event-ack", "sometimes"}))),
            "--event-ack: expected always, never or nack (got \"sometimes\")");
  EXPECT_EQ(reason(parse(peer_with({"--events-out="}))),
            "--events-out: expected a file name or - (got \"\")");
  EXPECT_EQ(reason(parse({"mllp", "--host", "h", "--port", "1", "--subscribe", "merge", "a"})),
            "unknown option --subscribe");
}

TEST(SimOptions, MllpTakesFilesAndOptionalTls) {
  auto plain =
      parse({"mllp", "--host", "127.0.0.1", "--port", "2575", "--rate", "10", "a.hl7", "b.hl7"});
  ASSERT_TRUE(plain) << reason(plain);
  const auto& p = std::get<MllpOptions>(*plain);
  EXPECT_EQ(p.host, "127.0.0.1");
  EXPECT_EQ(p.port, 2575);
  EXPECT_FALSE(p.tls);
  EXPECT_DOUBLE_EQ(p.pacing.rate, 10);
  EXPECT_EQ(p.files, (std::vector<std::string>{"a.hl7", "b.hl7"}));

  auto tls = parse({"mllp", "--host", "h", "--port", "2576", "--tls", "--cert", "c", "--key", "k",
                    "--ca", "ca", "a"});
  ASSERT_TRUE(tls) << reason(tls);
  const auto& t = std::get<MllpOptions>(*tls);
  ASSERT_TRUE(t.tls);
  EXPECT_EQ(t.tls->cert, "c");
  EXPECT_EQ(t.tls->key, "k");
  EXPECT_EQ(t.tls->ca, "ca");

  auto server_only = parse({"mllp", "--host", "h", "--port", "2576", "--tls", "--ca", "ca", "a"});
  ASSERT_TRUE(server_only) << reason(server_only);
  EXPECT_EQ(std::get<MllpOptions>(*server_only).tls->cert, "");
}

TEST(SimOptions, HelpIsNotAnError) {
  EXPECT_TRUE(std::holds_alternative<HelpRequest>(*parse({"--help"})));
  EXPECT_TRUE(std::holds_alternative<HelpRequest>(*parse({"peer", "--help"})));
  EXPECT_TRUE(std::holds_alternative<HelpRequest>(*parse({"mllp", "--help"})));
}

TEST(SimOptions, UsageErrorsSayWhatIsWrong) {
  EXPECT_EQ(reason(parse({})), "a mode is required: peer or mllp");
  EXPECT_EQ(reason(parse({"serve"})), "unknown mode \"serve\" (peer or mllp)");
  EXPECT_EQ(reason(parse({"peer", "--dataset", "d.json"})), "--url is required");
  EXPECT_EQ(reason(parse({"peer", "--url", "wss://h:1/peer", "--dataset", "d", "--cert", "c",
                          "--key", "k"})),
            "--ca is required");
  EXPECT_EQ(reason(parse(peer_with({"--rate", "fast"}))),
            "--rate: expected a number of messages per second >= 0 (got \"fast\")");
  EXPECT_EQ(reason(parse(peer_with({"--rate", "-1"}))),
            "--rate: expected a number of messages per second >= 0 (got \"-1\")");
  EXPECT_EQ(reason(parse(peer_with({"--repeat", "0"}))),
            "--repeat: expected a whole number from 1 to 1000000 (got \"0\")");
  EXPECT_EQ(reason(parse(peer_with({"--error-rate", "1.5"}))),
            "--error-rate: expected a probability from 0 to 1 (got \"1.5\")");
  EXPECT_EQ(reason(parse(peer_with({"--garbage-rate", "nan"}))),
            "--garbage-rate: expected a probability from 0 to 1 (got \"nan\")");
  EXPECT_EQ(reason(parse(peer_with({"--seed", "x"}))),
            "--seed: expected a whole number from 0 to 18446744073709551615 (got \"x\")");
  EXPECT_EQ(reason(parse(peer_with({"--rate"}))), "--rate needs a value");
  EXPECT_EQ(reason(parse(peer_with({"--silent=yes"}))), "--silent takes no value");
  EXPECT_EQ(reason(parse(peer_with({"--rate", "1", "--rate", "2"}))), "--rate given twice");
  EXPECT_EQ(reason(parse(peer_with({"--host", "h"}))), "unknown option --host");
  EXPECT_EQ(reason(parse(peer_with({"extra.json"}))), "unexpected argument \"extra.json\"");
  EXPECT_EQ(reason(parse({"mllp", "--host", "h", "--port", "2575"})), "no FILE to send");
  EXPECT_EQ(reason(parse({"mllp", "--host", "h", "--port", "0", "a"})),
            "--port: expected a whole number from 1 to 65535 (got \"0\")");
  EXPECT_EQ(reason(parse({"mllp", "--host", "h", "--port", "1", "--ca", "ca", "a"})),
            "--cert, --key and --ca need --tls");
  EXPECT_EQ(reason(parse({"mllp", "--host", "h", "--port", "1", "--tls", "a"})),
            "--tls needs --ca");
  EXPECT_EQ(reason(parse(
                {"mllp", "--host", "h", "--port", "1", "--tls", "--ca", "ca", "--cert", "c", "a"})),
            "--cert and --key go together");
  EXPECT_EQ(reason(parse({"mllp", "--port", "1", "a"})), "--host is required");
  EXPECT_EQ(reason(parse({"mllp", "--host", "h", "--port", "1", "--silent", "a"})),
            "unknown option --silent");
}

TEST(SimOptions, PeerUrlIsWssOnly) {
  auto ipv6 = parse_peer_url("wss://[::1]:9443/peer?x=1");
  ASSERT_TRUE(ipv6);
  EXPECT_EQ(ipv6->host, "::1");
  EXPECT_EQ(ipv6->port, "9443");
  EXPECT_EQ(ipv6->target, "/peer?x=1");
  auto no_port = parse_peer_url("wss://broker.example/peer");
  ASSERT_TRUE(no_port);
  EXPECT_EQ(no_port->port, "443");
  auto no_path = parse_peer_url("wss://broker.example:8443");
  ASSERT_TRUE(no_path);
  EXPECT_EQ(no_path->target, "/");

  EXPECT_EQ(parse_peer_url("ws://h:80/peer").error().message(),
            "--url: ws:// is not accepted, the peer protocol runs over TLS (use wss://)");
  EXPECT_EQ(parse_peer_url("https://h/peer").error().message(),
            "--url: expected wss://HOST:PORT/PATH (got \"https://h/peer\")");
  EXPECT_EQ(parse_peer_url("wss://h:0/peer").error().message(),
            "--url: expected a port from 1 to 65535 (got \"wss://h:0/peer\")");
  EXPECT_FALSE(parse_peer_url("wss://:8443/peer"));
  EXPECT_FALSE(parse_peer_url("wss://h:/peer"));
  EXPECT_FALSE(parse_peer_url("wss://[::1/peer"));
}

}  // namespace
}  // namespace hie::sim
