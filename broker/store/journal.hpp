#pragma once
// What the journal holds: every inbound message as received, with its fate.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace hie::store {

/// accepted: stored and acknowledged positively; rejected: kept for the record, refused to the
/// sender (AE/AR or nack) with `detail` saying why.
enum class JournalStatus { accepted, rejected };
std::string_view to_string(JournalStatus status);

/// One inbound message on its way into the journal.
struct InboundMessage {
  std::string exchange;
  /// The sender's id for the message (MSH-10, a peer's publish id). With `exchange`, the key
  /// that makes a resend a duplicate. Empty when the message could not be read far enough.
  std::string control_id;
  std::string format;  ///< adapter name: "hl7v2"
  std::string payload;
  std::chrono::system_clock::time_point received = std::chrono::system_clock::now();
  JournalStatus status = JournalStatus::accepted;
  std::string detail;  ///< why it was rejected; never patient data
};

/// What the store did with an appended message.
struct Appended {
  std::int64_t id = 0;     ///< journal row id
  bool duplicate = false;  ///< an accepted message with this (exchange, control id) was already stored
};

/// One journal row, as read back.
struct JournalRecord {
  std::int64_t id = 0;
  std::string exchange;
  std::string control_id;
  std::string format;
  std::string received;  ///< UTC, ISO 8601 with milliseconds: 2026-11-26T09:41:07.123Z
  std::string status;
  std::string detail;
  std::int64_t bytes = 0;
  std::string translation;  ///< pending, translated, failed, skipped
  std::string translation_detail;
  std::optional<std::string> payload;  ///< only when asked for
};

struct JournalQuery {
  std::int64_t after_id = 0;  ///< rows with a larger id
  std::size_t limit = 1000;
  std::string exchange;  ///< empty: every exchange
  bool with_payload = false;
};

/// UTC, ISO 8601 with milliseconds.
std::string format_utc(std::chrono::system_clock::time_point time);

}  // namespace hie::store
