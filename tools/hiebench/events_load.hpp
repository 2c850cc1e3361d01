#pragma once
// Event fan-out load, end to end: hiebench is both ends of the broker. It runs one MLLP
// receiver per subscriber exchange (the broker connects to each as an MLLP client and delivers
// HL7 v2), and sends ADT^A01 admissions to the broker's MLLP listener from a few senders, each
// waiting for its ACK. Every admission is for its own patient; each subscriber answers every
// delivery with MSA-1 AA; a delivery's latency runs from the send of its source message to its
// arrival at the subscriber.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace hie::tools {

struct EventsLoadOptions {
  std::string host = "127.0.0.1";  ///< the broker's MLLP listener
  std::uint16_t port = 2575;
  /// One subscriber receiver per port, listening on 127.0.0.1 (the broker's mllp_delivery).
  std::vector<std::uint16_t> subscriber_ports;
  unsigned senders = 4;
  unsigned events = 2000;  ///< admissions in total, shared among the senders
  /// Admissions per second, all senders together; 0: each sender sends as soon as its last ACK
  /// came (closed loop, the most the broker takes).
  double rate = 0;
  std::string run_id;  ///< carried in every patient's identifier: [A-Za-z0-9-], up to 40
  /// Stop waiting for deliveries once nothing has come from the broker for this long.
  std::chrono::milliseconds idle_timeout{30000};
};

struct EventsLoadResult {
  unsigned subscribers = 0, senders = 0;
  double rate = 0;
  std::uint64_t sent = 0;
  std::uint64_t accepted = 0;         ///< ACKed AA or CA by the broker on ingest
  std::uint64_t ingest_failed = 0;    ///< another MSA-1, no ACK, or no connection
  std::uint64_t expected = 0;         ///< accepted × subscribers
  std::uint64_t delivered = 0;        ///< distinct (event, subscriber) deliveries received
  std::uint64_t duplicates = 0;       ///< further copies (at least once allows them)
  std::uint64_t unmatched = 0;        ///< deliveries naming no event of this run
  std::uint64_t complete_events = 0;  ///< events that reached every subscriber
  std::string listen_error;           ///< a subscriber port that could not be bound
  double seconds = 0;                 ///< first send to the last delivery
  std::vector<double> latencies_ms;   ///< one per delivery, sorted
  /// Expected deliveries that did not come (deliveries of events whose ingest ACK was lost may
  /// come too, so this saturates at 0).
  std::uint64_t missing() const { return expected > delivered ? expected - delivered : 0; }
  double percentile_ms(double p) const;
};

EventsLoadResult run_events_load(const EventsLoadOptions& options);

}  // namespace hie::tools
