#pragma once
// How one delivery attempt reaches a subscriber (over its peer connection, or as an MLLP client)
// and what came back. The dispatcher decides what to send and when; a transport only carries it.

#include <cstdint>
#include <functional>
#include <string>

namespace hie::routing {

/// One event as one subscriber receives it, in its format.
struct OutgoingEvent {
  std::string id;  ///< the event's stable id: the same on every attempt
  std::string kind;
  std::string format;  ///< "fhir", or the subscriber's own format when its adapter wrote it
  std::string source;
  std::string occurred;
  std::int64_t attempt = 1;
  std::string payload;
};

struct AttemptResult {
  enum class Outcome {
    acknowledged,  ///< peer `ack`, MLLP `AA`: delivered
    refused,       ///< no ack in time, a nack, AE/AR, a dropped connection: counts as an attempt
    unreachable,   ///< not connected, or no connection could be made: nothing was sent
  };
  Outcome outcome = Outcome::refused;
  std::string error;  ///< for operators; never patient data
};

class EventTransport {
 public:
  virtual ~EventTransport() = default;
  /// Sends `event` to `subscriber`; `done` runs exactly once, on any thread.
  virtual void send(const std::string& subscriber, OutgoingEvent event, std::function<void(AttemptResult)> done) = 0;
  /// How many attempts may await their ack at once for `subscriber` (MLLP: one).
  virtual std::size_t capacity(const std::string& subscriber) const = 0;
};

}  // namespace hie::routing
