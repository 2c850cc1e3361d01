#pragma once
// What the broker gets back when it asks a live exchange, whatever the transport (a WebSocket
// peer, or a FHIR REST server): the query engine treats both alike.

#include <string>
#include <string_view>
#include <vector>

namespace hie::peers {

/// A broker-to-peer query's end.
struct PeerAnswer {
  enum class Outcome { answered, error, timed_out, not_connected, disconnected };
  Outcome outcome = Outcome::answered;
  std::string error;  ///< the peer's error word, or why there is no answer
  std::string format;
  std::vector<std::string> payloads;
};
std::string_view to_string(PeerAnswer::Outcome outcome);

/// What became of an event sent to a peer.
struct EventReceipt {
  enum class Outcome { acknowledged, refused, not_connected };
  Outcome outcome = Outcome::acknowledged;
  std::string error;  ///< why not: "nack busy", "no ack within 10000 ms"; never patient data
};

}  // namespace hie::peers
