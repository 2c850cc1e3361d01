#pragma once
// Reading the acknowledgement an MLLP receiver sends back for a message the broker delivered.
// Pure: bytes in, Result out; the MLLP client and its fuzz target share it.

#include <cstddef>
#include <string>
#include <string_view>

#include "broker/core/result.hpp"

namespace hie::peers {

/// What a receiver answered, read from the ACK's MSA segment.
struct MllpReply {
  /// MSA-1: AA, AE or AR (original mode), CA, CE or CR (enhanced mode). Only AA means that the
  /// receiver's application accepted the message; CA only that it committed it to storage.
  std::string code;
  std::string control_id;  ///< MSA-2: the MSH-10 of the message it answers
  /// MSA-3 (or, when that is empty, the first ERR-8, where v2.5+ receivers put their words),
  /// decoded, on one line (control characters become spaces), at most kMaxReplyText bytes.
  /// The receiver's words: may say anything, so log it at debug only.
  std::string text;
};

inline constexpr std::size_t kMaxReplyText = 200;

/// The reply in `payload` (one MLLP frame's content) to the message whose MSH-10 is
/// `expected_control_id`. Errors: Errc::parse_error when the payload is not an HL7 v2 message
/// or has no MSA with a known MSA-1 code; Errc::validation_error when MSA-2 names another
/// message. Messages are free of the reply's content but for control ids (cut to 40 bytes).
Result<MllpReply> read_mllp_reply(std::string_view payload, std::string_view expected_control_id);

}  // namespace hie::peers
