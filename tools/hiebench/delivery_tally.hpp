#pragma once
// The receiving side of `hiebench events`: what each subscriber answers to a delivered HL7 v2
// message, and the count of which event reached which subscriber, when. Thread-safe: senders
// record send times from their threads while the subscribers' thread records receipts.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace hie::tools {

/// The ACK a subscriber sends for `delivered` (one MLLP payload): MSA-1 AA and MSA-2 its MSH-10
/// when it parses as HL7 v2; otherwise an AR, so that nothing unreadable counts as delivered.
std::string subscriber_ack(std::string_view delivered);

/// The index of the event that `delivered` reports, read from the run's patient identifier in
/// PID-3 (bench_patient_id); -1 when it is not an ADT^A01 of this run with an index below `events`.
long delivered_event(std::string_view delivered, std::string_view run_id, std::size_t events);

class DeliveryTally {
 public:
  using Clock = std::chrono::steady_clock;

  DeliveryTally(std::string run_id, std::size_t events, std::size_t subscribers);

  /// Event `index`'s source message was sent at `when`; call before the send, so a delivery
  /// can never be counted before its send time is known.
  void sent(std::size_t index, Clock::time_point when);

  /// Subscriber `subscriber` received `delivered` at `when`. The first copy of each (event,
  /// subscriber) is a delivery, with latency `when` − the event's send time; later copies are
  /// duplicates (at-least-once allows them); anything else is unmatched.
  void received(std::size_t subscriber, std::string_view delivered, Clock::time_point when);

  /// Blocks until `expected` deliveries have arrived, or until none has arrived for `idle`.
  /// True when all arrived.
  bool wait_for(std::uint64_t expected, std::chrono::milliseconds idle);

  struct Summary {
    std::uint64_t delivered = 0;        ///< distinct (event, subscriber) pairs received
    std::uint64_t duplicates = 0;       ///< further copies of those
    std::uint64_t unmatched = 0;        ///< messages that name no event of this run
    std::uint64_t complete_events = 0;  ///< events every subscriber received
    double seconds = 0;                 ///< first send to the last delivery
    std::vector<double> latencies_ms;   ///< one per delivery, sorted
  };
  Summary summary() const;

 private:
  const std::string run_id_;
  const std::size_t events_, subscribers_;
  mutable std::mutex mutex_;
  std::condition_variable progress_;
  std::vector<Clock::time_point> sent_at_;  // per event; epoch: not sent
  std::vector<std::uint8_t> received_;      // per (event, subscriber)
  std::vector<double> latencies_ms_;
  std::uint64_t duplicates_ = 0, unmatched_ = 0;
  Clock::time_point first_sent_ = Clock::time_point::max(), last_delivery_{};
};

}  // namespace hie::tools
