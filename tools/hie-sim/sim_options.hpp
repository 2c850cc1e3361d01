#pragma once
// hie-sim's command line, read and checked once into an immutable value. Pure: no files are
// opened here (the dataset and certificates are read later, by what uses them).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "broker/core/result.hpp"

namespace hie::sim {

/// The command line's synopsis, printed after a usage error.
extern const std::string_view kUsage;
/// The synopsis and what each option does, printed by --help.
std::string help_text();

/// Certificate, key and CA files for TLS; cert and key are empty when no client certificate is
/// presented (MLLP only: the peer protocol always needs one).
struct TlsFiles {
  std::string cert;
  std::string key;
  std::string ca;
};

/// A wss:// URL split into what the connection needs.
struct PeerUrl {
  std::string host;    ///< a name or an address; IPv6 without its brackets
  std::string port;    ///< "443" when the URL names none
  std::string target;  ///< path and query, "/peer"
};

/// Pacing shared by both modes.
struct Pacing {
  double rate = 0;      ///< messages per second; 0: as fast as acknowledgements allow
  unsigned repeat = 1;  ///< rounds over the dataset, each with its own control ids
};

/// How queries are answered (peer mode).
struct QueryBehaviour {
  unsigned latency_ms = 0;  ///< wait before each answer
  double error_rate = 0;    ///< probability of answering {"error":"unavailable"}
  double garbage_rate = 0;  ///< probability of answering with a text frame that is not JSON
  bool silent = false;      ///< never answer a query
  std::size_t answer_bytes = 0;  ///< pad each answer to at least this many bytes; 0: as it is
  bool drop_mid_answer = false;  ///< send half of each answer, then drop the TCP connection
  std::optional<std::uint64_t> seed;  ///< fixed seed for the two probabilities; random when absent
};

/// The event words of the peer protocol's `subscribe` (docs/peer-protocol.md), in its order.
inline constexpr std::string_view kEventKinds[] = {"admission",           "discharge", "transfer",
                                                   "demographics-update", "merge",     "new-result",
                                                   "new-document"};

/// What to answer each `event` once it is kept (peer mode, --event-ack).
enum class EventAck {
  always,  ///< `ack`
  never,   ///< nothing: the broker sends it again later (retry and dead-letter tests)
  nack,    ///< `nack` reason `busy`
};

/// Events: the subscription to make and what to do with each event (peer mode).
struct EventBehaviour {
  /// --subscribe: the event words to subscribe to, each once, in the order given ("all": every
  /// one of kEventKinds); empty: no `subscribe` is sent.
  std::vector<std::string> subscribe;
  /// --subscribe-patients: NHS numbers as ten digits; empty: "held".
  std::vector<std::string> patients;
  /// --events-out: the file each received event is appended to as a JSON line; "-" for stdout;
  /// empty: events are not recorded.
  std::string out;
  EventAck ack = EventAck::always;
};

struct PeerOptions {
  std::string url;  ///< as given
  PeerUrl endpoint;
  std::string dataset;
  TlsFiles tls;
  Pacing pacing;
  bool announce = true;
  bool exit_after_publish = false;
  QueryBehaviour queries;
  EventBehaviour events;
};

struct MllpOptions {
  std::string host;
  std::uint16_t port = 0;
  std::optional<TlsFiles> tls;  ///< set by --tls
  Pacing pacing;
  std::vector<std::string> files;
};

/// `hie-sim --help` (or `hie-sim MODE --help`).
struct HelpRequest {};

using SimOptions = std::variant<HelpRequest, PeerOptions, MllpOptions>;

/// Reads the arguments after the program name. An error is a one-line reason
/// ("--rate: expected a number >= 0 (got \"fast\")") for a usage error, exit code 2.
Result<SimOptions> parse_options(const std::vector<std::string_view>& args);

/// Splits `wss://HOST[:PORT][/PATH]`; ws:// and other schemes are refused (the peer protocol
/// runs over TLS only).
Result<PeerUrl> parse_peer_url(std::string_view url);

}  // namespace hie::sim
