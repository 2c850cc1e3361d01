#pragma once
// The peer protocol's messages (docs/peer-protocol.md, version 1) as values: reading what a peer
// sends, writing what the broker sends. Pure: no I/O, no state.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "broker/store/store.hpp"

namespace hie::peers::protocol {

inline constexpr int kVersion = 1;
inline constexpr std::size_t kMaxIdLength = 128;
inline constexpr std::size_t kMaxControlIdLength = 256;
inline constexpr std::size_t kMaxAnnouncedPatients = 10000;

struct Hello {
  int protocol = 0;
  std::string exchange;
  std::vector<std::string> formats;
};
struct Publish {
  std::string format, control_id, payload;
};
struct Announce {
  std::vector<std::vector<store::PatientIdentity>> patients;  ///< each: one patient's identifiers
};
/// A peer's answer to a broker query: records in its format, or an error word.
struct QueryResult {
  std::string error;  ///< "not-found", "refused", "unavailable"; empty when records came
  std::string format;
  std::vector<std::string> payloads;
};
struct Ping {};
struct Pong {};
struct Ack {};
struct Nack {
  std::string reason, detail;
};
/// A peer asking the broker for a patient's shared record (answered by the query engine).
struct Query {
  std::vector<store::PatientIdentity> patient;  ///< at least one identifier of the patient
  std::vector<std::string> resource_types;      ///< empty: every type
  std::string date_ge, date_le;                 ///< empty: unbounded
};
/// A peer subscribing to events; a new one replaces its last.
struct Subscribe {
  std::vector<std::string> events;  ///< event words, each known
  std::string patients = "held";    ///< "held", "all", or "listed"
  std::vector<std::vector<store::PatientIdentity>> listed;  ///< patients "listed": each one's identifiers
};

using Body = std::variant<Hello, Publish, Announce, QueryResult, Ping, Pong, Ack, Nack, Query, Subscribe>;

/// A message read from a peer.
struct Incoming {
  std::string type, id;
  std::string re;  ///< on replies
  Body body;
};
/// A message that cannot be read: the broker answers it with this nack.
struct Unreadable {
  std::string re;  ///< the message's id when it could be read, else ""
  std::string reason;  ///< malformed, unknown-type
  std::string detail;  ///< for people; never patient data
};

std::variant<Incoming, Unreadable> read_message(std::string_view text);

/// Where a patient list (announce, subscribe) has an NHS number that fails its check:
/// "patients[3].identifiers[0].value: not a valid NHS number"; nullopt when none does.
std::optional<std::string> invalid_nhs_number(const std::vector<std::vector<store::PatientIdentity>>& patients);

/// What the broker sends. `id` is the broker's own message id; `re` the request answered.
std::string hello_ack(std::string_view id, std::string_view re, std::string_view broker);
std::string publish_ack(std::string_view id, std::string_view re, std::int64_t journal_id, bool duplicate);
std::string announce_ack(std::string_view id, std::string_view re, std::size_t patients);
std::string ack(std::string_view id, std::string_view re);
std::string nack(std::string_view id, std::string_view re, std::string_view reason, std::string_view detail);
std::string pong(std::string_view id, std::string_view re);
std::string result_error(std::string_view id, std::string_view re, std::string_view error, std::string_view detail);
/// The broker's answer to a peer's query: records in `format` (the merged record: "fhir").
std::string result(std::string_view id, std::string_view re, std::string_view format, std::string_view payload);

/// The reply to a subscribe: the subscription's id.
std::string subscribe_ack(std::string_view id, std::string_view re, std::string_view subscription);

/// An event sent to a subscriber; its `id` is the event's stable id, which the peer's ack names.
struct EventMessage {
  std::string id, kind, format, source, occurred;
  std::int64_t attempt = 1;
  std::string payload;
};
std::string event(const EventMessage& event);

/// A query the broker asks a peer.
struct QueryRequest {
  std::vector<store::PatientIdentity> patient;
  std::vector<std::string> resource_types;  ///< empty: every type
  std::string date_ge, date_le;             ///< empty: unbounded
  std::chrono::milliseconds deadline{5000};
  std::string query_id = {};  ///< the broker's id for the query, for its own log lines; never sent
};
std::string query(std::string_view id, const QueryRequest& request);

}  // namespace hie::peers::protocol
