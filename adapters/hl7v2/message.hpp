#pragma once
// A parsed HL7 v2 message: segments and fields as views into the caller's bytes (zero-copy).
// Parsing finds the segments (and counts their fields); a segment is split into fields the first
// time one of its fields is read, and repetitions, components and subcomponents are split on
// access, also as views. Text is decoded (escapes, character set) only when asked for as text.
// Because of that first-read split, one Message must not be read from two threads at once.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/hl7v2/delimiters.hpp"
#include "broker/core/result.hpp"

namespace hie::adapters::hl7v2 {

/// MSH-18, as far as the reader understands it.
enum class Charset { unspecified, ascii, latin1, utf8 };

/// Something the parser tolerated but the sender should hear about (never patient data).
struct ParseNote {
  std::string location;  ///< "MSH-2", "segment 7"
  std::string message;
};

/// One segment: its id and its fields, numbered as HL7 numbers them (MSH-1 is the field separator).
class Segment {
 public:
  std::string_view id() const { return raw_.substr(0, 3); }
  /// 1-based position of the segment in its message, for error locations.
  std::size_t number() const { return number_; }
  /// Raw field n (1-based, HL7 numbering), or "" when absent.
  std::string_view field(std::size_t n) const;
  /// Highest field number present.
  std::size_t field_count() const { return is_msh_ ? separators_ + 1 : separators_; }
  /// The whole segment as received (without its terminator or trailing blanks).
  std::string_view raw() const { return raw_; }

 private:
  friend class Message;
  /// Part i of the segment split at the field separator (part 0 is the id).
  std::string_view part(std::size_t i) const;
  /// Fills separator_at_ on first use.
  void find_separators() const;

  std::string_view raw_;
  std::uint32_t* separator_at_ = nullptr;  // offsets of the field separators in raw_, once found
  std::uint32_t separators_ = 0;           // counted while parsing
  std::uint32_t number_ = 0;
  mutable bool separators_found_ = false;
  bool is_msh_ = false;
  char field_separator_ = '|';
};

class Message {
 public:
  /// Parses one message. `bytes` must outlive the Message: segments and fields are views into it.
  /// Tolerates a UTF-8 BOM, CR / LF / CRLF / mixed terminators, blank lines and trailing spaces.
  static Result<Message> parse(std::string_view bytes);

  Message(const Message&) = delete;
  Message& operator=(const Message&) = delete;
  Message(Message&&) noexcept;
  Message& operator=(Message&&) noexcept;
  ~Message();

  const Delimiters& delimiters() const { return delimiters_; }
  Charset charset() const { return charset_; }
  const std::vector<Segment>& segments() const { return segments_; }
  const Segment& msh() const { return segments_.front(); }
  /// First segment with this id, or nullptr.
  const Segment* find(std::string_view id) const;
  /// Things tolerated while parsing (a doubled escape in MSH-2, an unknown character set…).
  const std::vector<ParseNote>& notes() const { return notes_; }

  // Frequently used header values (raw, undecoded components of MSH).
  std::string_view message_code() const;     ///< MSH-9.1 ("ADT")
  std::string_view trigger_event() const;    ///< MSH-9.2 ("A01")
  std::string_view message_structure() const;///< MSH-9.3 ("ADT_A01"), possibly empty
  std::string_view control_id() const;       ///< MSH-10
  std::string_view version() const;          ///< MSH-12.1 ("2.5.1")

 private:
  Message() = default;
  Delimiters delimiters_;
  Charset charset_ = Charset::unspecified;
  std::unique_ptr<std::uint32_t[]> separator_offsets_;  // every segment's separator_at_, one after another
  std::vector<Segment> segments_;
  std::vector<ParseNote> notes_;
};

/// Piece n (1-based) of `value` split at `separator`; "" when there is no such piece.
std::string_view piece(std::string_view value, char separator, std::size_t n);
/// Number of pieces of `value` split at `separator` (0 for an empty value).
std::size_t piece_count(std::string_view value, char separator);

/// `""` in HL7 v2 means "explicitly no value" (delete it), which is not the same as empty.
inline bool is_explicit_null(std::string_view raw) { return raw == "\"\""; }

/// Address of a value inside a message: PID-3[2].1.2 (repetition in brackets, 1-based).
struct Address {
  std::string_view segment;
  std::size_t field = 0;
  std::size_t repetition = 1;
  std::size_t component = 0;     ///< 0: the whole field/repetition
  std::size_t subcomponent = 0;  ///< 0: the whole component
  std::string to_string() const;
};

/// The raw value at `address` within `segment` (views; no decoding).
std::string_view raw_value(const Segment& segment, const Delimiters& d, const Address& address);

}  // namespace hie::adapters::hl7v2
