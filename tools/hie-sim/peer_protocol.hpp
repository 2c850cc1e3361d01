#pragma once
// The peer side of docs/peer-protocol.md as hie-sim plays it, without sockets or clocks: what
// to send on a new connection, which record to publish next, and how to react to each message
// from the broker. peer_client.cpp does the I/O and the waiting around it.

#include <rapidjson/document.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "tools/hie-sim/dataset.hpp"
#include "tools/hie-sim/sim_options.hpp"

namespace hie::sim {

/// What the run did, for the JSON summary line.
struct PeerSummary {
  std::uint64_t published = 0;   ///< records sent (each counted once, however often resent)
  std::uint64_t acked = 0;       ///< publishes acknowledged, duplicates included
  std::uint64_t duplicates = 0;  ///< acks with "duplicate": true
  std::map<std::string, std::uint64_t> nacked;  ///< publish and announce nacks, by reason
  std::uint64_t queries = 0;                    ///< queries received
  std::uint64_t answered = 0;  ///< `result` messages sent: records, not-found or unavailable
};

/// {"mode":"peer","exchange":...,"published":N,"acked":N,"duplicates":N,"nacked":{...},
///  "queries":N,"answered":N}
std::string summary_json(std::string_view exchange, const PeerSummary& summary);

/// Publishes in flight at once when --rate is 0.
inline constexpr std::size_t kMaxPublishesInFlight = 32;
/// Patients per announce message (the protocol's limit).
inline constexpr std::size_t kAnnounceChunk = 10'000;

class PeerProtocol {
 public:
  enum class Hello { waiting, accepted, refused };

  /// What to do after a message from the broker.
  struct Reaction {
    std::vector<std::string> send{};                ///< replies to send now
    std::optional<std::string> send_after_delay{};  ///< a query's answer, to send after --latency-ms
    /// --drop-mid-answer: send half of this answer, then drop the connection.
    std::optional<std::string> send_half_then_drop{};
  };

  /// Keeps one event's line (event_line()) durably; false when it could not, and the event is
  /// then answered `nack` `busy` rather than acknowledged.
  using EventSink = std::function<bool(std::string_view line)>;

  /// `options` and `dataset` must outlive this object. Without `keep_event` events are answered
  /// without being recorded.
  PeerProtocol(const PeerOptions& options, const Dataset& dataset, EventSink keep_event = {});

  /// Starts a new connection: forgets what was in flight on the last one (to be published
  /// again) and returns the hello to send first.
  std::string begin_connection();
  Hello hello() const { return hello_; }
  /// The broker's reason for refusing the hello ("exchange-mismatch: ..."), once refused.
  const std::string& refusal() const { return refusal_; }

  /// The announce messages not yet acknowledged (none with --no-announce), marked as sent.
  std::vector<std::string> announce_messages();

  /// The `subscribe` of --subscribe, once per connection: after hello is acknowledged and no
  /// announce is waiting for its reply (so that "held" includes the announced patients).
  std::optional<std::string> next_subscribe();
  /// The subscription the broker named in its ack ("peer:city-hie"); empty until then.
  const std::string& subscription() const { return subscription_; }

  /// The next publish, marked in flight; nullopt when none is left or `limit` are in flight.
  std::optional<std::string> next_publish(std::size_t limit = kMaxPublishesInFlight);
  std::size_t in_flight() const { return in_flight_; }
  /// Every record acked or nacked, every announce answered, and the subscribe (if any) answered.
  bool all_answered() const;
  /// Records answered (acked or nacked) so far, and in all (dataset records x --repeat).
  std::size_t records_answered() const { return answered_items_; }
  std::size_t records_total() const { return items_.size(); }

  /// Reacts to one text frame from the broker.
  Reaction on_message(std::string_view text);

  const PeerSummary& summary() const { return summary_; }
  bool any_nacked() const { return !summary_.nacked.empty(); }

 private:
  struct Item {
    const Record* record;
    std::string control_id;
    enum class State { pending, in_flight, done } state = State::pending;
    bool sent_once = false;
  };
  struct Request {
    enum class Kind { hello, announce, publish, subscribe } kind;
    std::size_t index;  ///< the item (publish) or announce chunk
  };

  std::string next_id(char prefix);
  void on_reply(bool ack, const std::string& re, const rapidjson::Value& message);
  Reaction on_query(const rapidjson::Value& message, const std::string& id);
  Reaction on_event(const rapidjson::Value& message, const std::string& id);

  const PeerOptions& options_;
  const Dataset& dataset_;
  EventSink keep_event_;
  std::vector<Item> items_;
  std::size_t cursor_ = 0;  ///< no pending item before this one
  std::size_t in_flight_ = 0;
  std::size_t answered_items_ = 0;
  std::vector<bool> announce_answered_;  ///< per chunk of kAnnounceChunk patients
  std::size_t announces_in_flight_ = 0;
  std::map<std::string, Request> requests_;  ///< by the id we gave them, this connection only
  bool subscribe_sent_ = false;              ///< on this connection
  bool subscribe_answered_ = false;          ///< on any connection
  std::string subscription_;
  Hello hello_ = Hello::waiting;
  std::string refusal_;
  std::uint64_t next_id_ = 1;
  std::mt19937_64 random_;
  PeerSummary summary_;
};

}  // namespace hie::sim
