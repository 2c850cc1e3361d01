#pragma once
// MLLP framing (HL7 Minimal Lower Layer Protocol, release 2): 0x0B payload 0x1C 0x0D.
// Pure byte handling: no sockets, clocks or logging, so sessions, tools and fuzzers share it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "broker/core/result.hpp"

namespace hie::adapters::hl7v2 {

inline constexpr char kMllpStartBlock = '\x0B';
inline constexpr char kMllpEndBlock = '\x1C';
inline constexpr char kMllpCarriageReturn = '\x0D';

/// Wraps `payload` in one MLLP frame: 0x0B + payload + 0x1C 0x0D.
///
/// MLLP release 2 forbids 0x0B and 0x1C inside the payload; this function does not check,
/// since an HL7 v2 encoder never emits them (a decoder would reject such a frame).
std::string mllp_frame(std::string_view payload);

/// What MllpDecoder::next() found, when it is not an error.
enum class MllpEventKind {
  need_more,  ///< all input consumed; feed() more bytes
  frame,      ///< a complete frame: `payload` holds its content without the framing bytes
  junk,       ///< `junk_bytes` bytes outside any frame were skipped (log or count them)
};

struct MllpEvent {
  MllpEventKind kind = MllpEventKind::need_more;
  /// The frame's payload (kind == frame). Points into the bytes given to feed() when the frame
  /// arrived in one piece, else into the decoder; valid until the next call to next() or feed().
  std::string_view payload;
  /// 1-based number of the frame in the stream, counting every start byte seen (kind == frame).
  std::uint64_t frame_number = 0;
  /// Bytes skipped in this step (kind == junk); junk_bytes() holds the running total.
  std::size_t junk_bytes = 0;
};

/// Incremental MLLP decoder: bytes in, frames and framing errors out.
///
/// Usage, once per read from the peer:
///
///     decoder.feed(bytes_read);
///     for (;;) {
///       auto event = decoder.next();
///       if (!event) { count(event.error()); continue; }  // already resynchronised
///       if (event->kind == MllpEventKind::need_more) break;
///       ...
///     }
///
/// feed() does not copy: the bytes must stay valid until next() returns need_more, and feed()
/// must not be called before that. Only a frame split across feeds is copied, into a buffer that
/// never holds more than `max_frame_bytes`, so the decoder's memory is O(max_frame_bytes)
/// whatever the input.
///
/// Errors (each reported once; decoding then resumes by itself at the next start byte):
/// - Errc::limit_exceeded: the payload grew past `max_frame_bytes`; the frame is dropped as soon
///   as the limit is passed, and everything up to the next 0x0B is discarded.
/// - Errc::parse_error, truncated: a 0x0B arrived inside a frame; the unfinished frame is dropped
///   and the 0x0B starts a new one.
/// - Errc::parse_error, bad end block: 0x1C followed by anything but 0x0D. Release 2 allows
///   neither 0x0B nor 0x1C in the payload, so this is a malformed frame, not payload: it is
///   dropped, and bytes from the one after the 0x1C up to the next 0x0B are discarded (a 0x0B
///   right after the 0x1C starts a new frame).
/// Error locations read "frame N, byte B": N as in MllpEvent::frame_number, B the 0-based offset
/// in the whole stream of the byte that showed the fault.
///
/// Every byte fed ends up counted exactly once: in a frame returned by next() (payload plus the
/// three framing bytes), in junk_bytes(), in discarded_bytes(), or in buffered_bytes() until its
/// frame is complete.
class MllpDecoder {
 public:
  /// `max_frame_bytes` bounds a payload (framing bytes excluded); it must be at least 1.
  explicit MllpDecoder(std::size_t max_frame_bytes);

  /// Hands over the next bytes of the stream. Precondition: next() has consumed the previous
  /// input, which it has once it returns need_more (else std::logic_error: a bug in the caller).
  void feed(std::string_view bytes);
  /// A temporary string would be gone before next() reads it: refused at compile time.
  template <class String>
  requires std::is_same_v<String, std::string>
  void feed(String&& bytes) = delete;

  /// The next frame, junk report, framing error, or need_more.
  Result<MllpEvent> next();

  /// Call when the stream has ended: reports a frame cut short (Errc::parse_error), if any, and
  /// counts its bytes as discarded. The decoder is then ready for a new stream position.
  Status finish();

  std::size_t max_frame_bytes() const { return max_frame_bytes_; }
  /// Bytes skipped outside any frame, in total.
  std::uint64_t junk_bytes() const { return junk_bytes_; }
  /// Bytes of frames that were refused (too large, truncated, bad end block), in total.
  std::uint64_t discarded_bytes() const { return discarded_bytes_; }
  /// Frames returned by next(), in total.
  std::uint64_t frames() const { return frames_; }
  /// Bytes of the unfinished frame (start byte, payload so far, a pending 0x1C).
  std::size_t buffered_bytes() const;
  /// Payload bytes the decoder has copied: never more than max_frame_bytes() (the string's
  /// capacity may reach twice that, as std::string grows geometrically).
  std::size_t copied_bytes() const { return partial_.size(); }

 private:
  enum class State {
    outside,     ///< between frames: bytes before a start byte are junk
    in_frame,    ///< after a start byte
    end_block,   ///< the frame's payload is in partial_, and its 0x1C was the last byte fed
    discarding,  ///< after an error: bytes before a start byte belong to the refused frame
  };

  Result<MllpEvent> scan_frame();
  Result<MllpEvent> check_end_block();
  MllpEvent complete_frame(std::string_view payload);
  /// Drops the current frame: counts its bytes so far and input_[pos_, consumed_end) as discarded,
  /// and moves to discarding; `fault_index` (in input_) is the byte that showed the fault.
  Error refuse_frame(Errc code, std::string message, std::size_t fault_index,
                     std::size_t consumed_end);
  void append_partial(std::string_view bytes);
  std::uint64_t offset_of(std::size_t index) const { return input_offset_ + index; }

  std::size_t max_frame_bytes_;
  State state_ = State::outside;

  std::string_view input_;          // bytes of the last feed()
  std::size_t pos_ = 0;             // next unread byte of input_
  std::uint64_t input_offset_ = 0;  // stream offset of input_[0]

  std::string partial_;           // payload of a frame split across feeds
  bool release_partial_ = false;  // partial_ was returned as a payload: clear it on next()

  std::uint64_t frame_number_ = 0;
  std::uint64_t junk_bytes_ = 0;
  std::uint64_t discarded_bytes_ = 0;
  std::uint64_t frames_ = 0;
};

}  // namespace hie::adapters::hl7v2
