#pragma once
// HL7 v2 acknowledgements: the ACK for a received message (original mode AA/AE/AR, enhanced
// mode commit CA/CE/CR), and a best-effort reject for bytes that could not be parsed at all.
// Pure code: control id and timestamp are supplied by the caller.

#include <string>
#include <string_view>
#include <vector>

#include "adapters/hl7v2/message.hpp"

namespace hie::adapters::hl7v2 {

/// AA/AE/AR in original mode; CA/CE/CR in enhanced mode.
enum class AckCode { accept, error, reject };

/// One problem to report in an ERR segment.
struct AckError {
  /// Where: "PID-3[2].1", "OBX[3]-5", "MSH-2" or "segment 4". Written as ERR-2 (v2.5+) or
  /// ERR-1 (before v2.5) when it can be read; otherwise as ERR-7 (diagnostic information).
  std::string location;
  /// Why, in words for the sender (ERR-8; escaped). Never patient data.
  std::string reason;
  /// HL7 table 0357: 100 segment sequence, 101 required field missing, 102 data type error,
  /// 103 table value not found, 200 unsupported message type, 201 unsupported event,
  /// 202 unsupported processing id, 203 unsupported version, 204 unknown key, 205 duplicate
  /// key, 206 application record locked, 207 application internal error.
  std::string hl7_error_code = "207";
};

struct AckOptions {
  std::string control_id;  ///< MSH-10 of the ACK
  std::string timestamp;   ///< MSH-7 of the ACK, an HL7 DTM (no clocks in adapters)
  /// Write the application acknowledgement (AA/AE/AR) even when the original asked for
  /// enhanced mode, where the default is the commit acknowledgement (CA/CE/CR).
  bool application_ack = false;
};

/// The ACK for a message that parsed: MSH with sender and receiver swapped (MSH-3/4 <-> MSH-5/6),
/// MSH-9 "ACK^<trigger>^ACK", the original's MSH-11, MSH-12, MSH-18 and delimiters; MSA-1 the
/// code (CA/CE/CR when the original asked for enhanced mode), MSA-2 the original MSH-10; ERR
/// segments for `errors` (ERR-4 severity W when `code` is accept, E otherwise). Before v2.5 one
/// ERR with ERR-1 (ELD) repeated per error; from v2.5 one ERR per error with ERR-2/3/4/8.
/// Segments are joined with CR, without a trailing terminator.
std::string build_ack(const Message& original, AckCode code, const std::vector<AckError>& errors,
                      const AckOptions& options);

/// Which acknowledgement mode the sender asked for: enhanced when MSH-15 or MSH-16 is valued.
enum class AckMode { original, enhanced };
AckMode ack_mode(const Message& original);

/// Whether the ACK for outcome `code` should be sent. Enhanced mode: as MSH-15 asks (AL always,
/// NE never, ER only on CE/CR, SU only on CA; empty or unknown values count as AL).
/// Original mode: always true (the AA/AE/AR is always due).
bool commit_ack_wanted(const Message& original, AckCode code);

/// For bytes that could not be parsed: a best-effort AR with an ERR, written with delimiters
/// |^~\& and whatever MSH-3..6, MSH-9.2, MSH-10, MSH-11 and MSH-12 can be recovered from the
/// first line. Never throws; the result always parses with Message::parse.
std::string build_reject_for_unparsed(std::string_view raw_bytes, const AckError& error,
                                      const AckOptions& options);

}  // namespace hie::adapters::hl7v2
