#include "tools/hiebench/delivery_tally.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>

#include "adapters/hl7v2/ack.hpp"
#include "adapters/hl7v2/message.hpp"
#include "tools/hiebench/admission_feed.hpp"

namespace hie::tools {
namespace {

namespace v2 = adapters::hl7v2;

/// Now, as an HL7 DTM in UTC (MSH-7 of the ACK).
std::string hl7_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%d%H%M%S+0000", &utc);
  return text;
}

}  // namespace

std::string subscriber_ack(std::string_view delivered) {
  auto message = v2::Message::parse(delivered);
  if (!message)
    return v2::build_reject_for_unparsed(delivered, {"MSH", "not an HL7 v2 message", "100"},
                                         {"ACK-unparsed", hl7_now(), true});
  return v2::build_ack(*message, v2::AckCode::accept, {},
                       {"ACK-" + std::string(message->control_id()), hl7_now(), true});
}

long delivered_event(std::string_view delivered, std::string_view run_id, std::size_t events) {
  auto message = v2::Message::parse(delivered);
  if (!message || message->message_code() != "ADT" || message->trigger_event() != "A01") return -1;
  const v2::Segment* pid = message->find("PID");
  if (!pid) return -1;
  const std::string prefix = bench_patient_prefix(run_id);
  const auto& d = message->delimiters();
  const std::string_view ids = pid->field(3);
  for (std::size_t i = 1; i <= v2::piece_count(ids, d.repetition); ++i) {
    const std::string_view value = v2::piece(v2::piece(ids, d.repetition, i), d.component, 1);
    if (!value.starts_with(prefix)) continue;
    std::size_t index = 0;
    const char* begin = value.data() + prefix.size();
    const char* end = value.data() + value.size();
    if (auto [at, ec] = std::from_chars(begin, end, index);
        ec == std::errc{} && at == end && begin != end && index < events)
      return static_cast<long>(index);
  }
  return -1;
}

DeliveryTally::DeliveryTally(std::string run_id, std::size_t events, std::size_t subscribers)
    : run_id_(std::move(run_id)),
      events_(events),
      subscribers_(subscribers),
      sent_at_(events),
      received_(events * subscribers) {}

void DeliveryTally::sent(std::size_t index, Clock::time_point when) {
  std::lock_guard lock(mutex_);
  sent_at_.at(index) = when;
  first_sent_ = std::min(first_sent_, when);
}

void DeliveryTally::received(std::size_t subscriber, std::string_view delivered,
                             Clock::time_point when) {
  const long index = subscriber < subscribers_ ? delivered_event(delivered, run_id_, events_) : -1;
  std::lock_guard lock(mutex_);
  const auto event = static_cast<std::size_t>(index);
  if (index < 0 || sent_at_[event] == Clock::time_point{}) {
    ++unmatched_;
  } else if (auto& got = received_[event * subscribers_ + subscriber]; got) {
    ++duplicates_;
  } else {
    got = 1;
    latencies_ms_.push_back(
        std::chrono::duration<double, std::milli>(when - sent_at_[event]).count());
    last_delivery_ = std::max(last_delivery_, when);
  }
  progress_.notify_all();
}

bool DeliveryTally::wait_for(std::uint64_t expected, std::chrono::milliseconds idle) {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (latencies_ms_.size() >= expected) return true;
    const std::size_t before = latencies_ms_.size() + duplicates_ + unmatched_;
    // Any message from the broker is progress: a duplicate means it is still retrying.
    if (!progress_.wait_for(
            lock, idle, [&] { return latencies_ms_.size() + duplicates_ + unmatched_ != before; }))
      return false;
  }
}

DeliveryTally::Summary DeliveryTally::summary() const {
  std::lock_guard lock(mutex_);
  Summary s;
  s.delivered = latencies_ms_.size();
  s.duplicates = duplicates_;
  s.unmatched = unmatched_;
  for (std::size_t e = 0; e < events_; ++e) {
    const auto first = received_.begin() + static_cast<std::ptrdiff_t>(e * subscribers_);
    if (subscribers_ > 0 && std::all_of(first, first + static_cast<std::ptrdiff_t>(subscribers_),
                                        [](std::uint8_t r) { return r > 0; }))
      ++s.complete_events;
  }
  if (s.delivered > 0)
    s.seconds = std::chrono::duration<double>(last_delivery_ - first_sent_).count();
  s.latencies_ms = latencies_ms_;
  std::sort(s.latencies_ms.begin(), s.latencies_ms.end());
  return s;
}

}  // namespace hie::tools
