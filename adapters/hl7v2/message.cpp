#include "adapters/hl7v2/message.hpp"

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "adapters/hl7v2/line_end.hpp"

namespace hie::adapters::hl7v2 {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool is_segment_id(std::string_view id) {
  if (id.size() != 3) return false;
  return std::all_of(id.begin(), id.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }) &&
         id[0] >= 'A' && id[0] <= 'Z';
}

std::string_view trim_trailing_blanks(std::string_view line) {
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  return line;
}

/// Number of bits set in each byte value: std::popcount is a libgcc call without -mpopcnt.
constexpr auto kBitsSet = [] {
  std::array<std::uint8_t, 256> bits{};
  for (unsigned i = 0; i < 256; ++i) bits[i] = static_cast<std::uint8_t>((i & 1) + bits[i / 2]);
  return bits;
}();

inline unsigned bits_set(unsigned mask16) { return kBitsSet[mask16 & 0xFF] + kBitsSet[mask16 >> 8]; }

/// Finds the end of the line starting at `p` (its CR or LF, or `end`) and adds the number of
/// field separators before it to `separators`. SSE2 looks at 16 bytes at a time.
const char* scan_line(const char* p, const char* end, char separator, std::size_t& separators) {
#if defined(__SSE2__)
  const __m128i cr = _mm_set1_epi8('\r');
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i sep = _mm_set1_epi8(separator);
  while (end - p >= 16) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const unsigned terminators =
        static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(chunk, cr), _mm_cmpeq_epi8(chunk, lf))));
    unsigned found = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, sep)));
    if (terminators) {
      separators += bits_set(found & ((terminators & (0u - terminators)) - 1));  // those before the line end
      return p + __builtin_ctz(terminators);
    }
    separators += bits_set(found);
    p += 16;
  }
#endif
  for (; p != end && *p != '\r' && *p != '\n'; ++p) separators += *p == separator;
  return p;
}

/// Writes the offset of every `separator` in `text` to `out`.
void find_all(std::string_view text, char separator, std::uint32_t* out) {
  const char* const begin = text.data();
  const char* p = begin;
  const char* const end = begin + text.size();
#if defined(__SSE2__)
  const __m128i sep = _mm_set1_epi8(separator);
  for (; end - p >= 16; p += 16) {
    unsigned found = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), sep)));
    while (found) {
      *out++ = static_cast<std::uint32_t>(p - begin) + static_cast<std::uint32_t>(__builtin_ctz(found));
      found &= found - 1;
    }
  }
#endif
  for (; p != end; ++p)
    if (*p == separator) *out++ = static_cast<std::uint32_t>(p - begin);
}

Charset charset_of(std::string_view msh18, std::vector<ParseNote>& notes, Status& status) {
  if (msh18.empty()) return Charset::unspecified;
  if (msh18 == "ASCII") return Charset::ascii;
  if (msh18 == "8859/1") return Charset::latin1;
  if (msh18 == "UNICODE UTF-8" || msh18 == "UNICODE" || msh18 == "UTF-8") {
    if (msh18 != "UNICODE UTF-8") notes.push_back({"MSH-18", "character set named '" + std::string(msh18) + "', read as UTF-8"});
    return Charset::utf8;
  }
  status = make_error(Errc::unsupported, "character set '" + std::string(msh18) + "' is not supported", "MSH-18");
  return Charset::unspecified;
}

}  // namespace

std::string_view piece(std::string_view value, char separator, std::size_t n) {
  // Values are short: a plain loop beats a memchr call per piece.
  if (n == 0) return {};
  const char* p = value.data();
  const char* const end = p + value.size();
  for (; n > 1; --n) {
    while (p != end && *p != separator) ++p;
    if (p == end) return {};
    ++p;
  }
  const char* const begin = p;
  while (p != end && *p != separator) ++p;
  return {begin, static_cast<std::size_t>(p - begin)};
}

std::size_t piece_count(std::string_view value, char separator) {
  if (value.empty()) return 0;
  return static_cast<std::size_t>(std::count(value.begin(), value.end(), separator)) + 1;
}

void Segment::find_separators() const {
  find_all(raw_, field_separator_, separator_at_);
  separators_found_ = true;
}

std::string_view Segment::part(std::size_t i) const {
  if (i > separators_) return {};
  if (!separators_found_) {
    if (i == 0) return id();
    find_separators();
  }
  const std::size_t begin = i == 0 ? 0 : separator_at_[i - 1] + 1;
  const std::size_t end = i == separators_ ? raw_.size() : separator_at_[i];
  return raw_.substr(begin, end - begin);
}

std::string_view Segment::field(std::size_t n) const {
  if (!is_msh_) return part(n);
  if (n == 1) return raw_.substr(3, 1);
  return n == 0 ? std::string_view{} : part(n - 1);
}

Message::Message(Message&&) noexcept = default;
Message& Message::operator=(Message&&) noexcept = default;
Message::~Message() = default;

Result<Message> Message::parse(std::string_view bytes) {
  if (bytes.substr(0, kBom.size()) == kBom) bytes.remove_prefix(kBom.size());
  Message m;
  // Blank lines and indentation before MSH are tolerated; anything else is not HL7 v2.
  const std::size_t start = bytes.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos)
    return make_error(Errc::parse_error, "no segments: the input is empty", "segment 1");
  bytes.remove_prefix(start);
  const std::string_view msh = trim_trailing_blanks(bytes.substr(0, find_line_end(bytes, 0)));
  if (msh.substr(0, 3) != "MSH")
    return make_error(Errc::parse_error, "the message does not start with an MSH segment", "segment 1");
  if (msh.size() < 4) return make_error(Errc::parse_error, "MSH has no field separator", "MSH-1");

  Delimiters& d = m.delimiters_;
  d.field = msh[3];
  if (std::isalnum(static_cast<unsigned char>(d.field)) || d.field == ' ')
    return make_error(Errc::parse_error, "MSH-1 field separator must be a punctuation character", "MSH-1");
  std::string_view encoding = piece(msh.substr(4), d.field, 1);
  if (encoding == "^~\\\\&") {
    // A doubled escape character, as written by code that escaped the backslash twice.
    m.notes_.push_back({"MSH-2", "encoding characters '^~\\\\&' read as '^~\\&'"});
    encoding = "^~\\&";
  }
  if (encoding.size() < 4 || encoding.size() > 5)
    return make_error(Errc::parse_error,
                      "MSH-2 must hold 4 or 5 encoding characters, found " + std::to_string(encoding.size()),
                      "MSH-2");
  d.component = encoding[0];
  d.repetition = encoding[1];
  d.escape = encoding[2];
  d.subcomponent = encoding[3];
  d.truncation = encoding.size() == 5 ? encoding[4] : '\0';
  std::string all{d.field};
  all += encoding;
  std::string sorted = all;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
    return make_error(Errc::parse_error, "MSH-1 and MSH-2 must be distinct characters", "MSH-2");
  for (char c : all)
    if (std::isalnum(static_cast<unsigned char>(c)) || c == ' ')
      return make_error(Errc::parse_error, "encoding characters must be punctuation", "MSH-2");

  // One pass over the bytes finds the segments and counts their field separators; the offsets
  // of those separators are found when a segment is first read (Segment::find_separators).
  if (bytes.size() > UINT32_MAX)
    return make_error(Errc::limit_exceeded, "a message over 4 GiB cannot be read", "segment 1");
  std::size_t separators = 0;
  const char* p = bytes.data();
  const char* const end = bytes.data() + bytes.size();
  m.segments_.reserve(bytes.size() / 64 + 4);
  while (p != end) {
    const char* const line_begin = p;
    std::size_t line_separators = 0;
    p = scan_line(p, end, d.field, line_separators);
    const char* last_end = p;  // trailing blanks end a line, never a value
    while (last_end != line_begin && (last_end[-1] == ' ' || last_end[-1] == '\t')) --last_end;
    if (p != end) ++p;
    if (last_end == line_begin) continue;  // a blank line
    const std::size_t number = m.segments_.size() + 1;
    const std::string_view raw(line_begin, static_cast<std::size_t>(last_end - line_begin));
    auto where = [number] { return "segment " + std::to_string(number); };
    if (!is_segment_id(raw.substr(0, 3)) || (raw.size() > 3 && raw[3] != d.field))
      return make_error(Errc::parse_error, "not a segment: expected a 3-character segment id", where());
    if (number > 1 && raw.substr(0, 3) == "MSH")
      return make_error(Errc::parse_error, "a second MSH: several messages must be split first", where());
    Segment& seg = m.segments_.emplace_back();
    seg.raw_ = raw;
    seg.separators_ = static_cast<std::uint32_t>(line_separators);
    seg.number_ = static_cast<std::uint32_t>(number);
    seg.is_msh_ = number == 1;
    seg.field_separator_ = d.field;
    separators += line_separators;
  }
  m.separator_offsets_ = std::make_unique_for_overwrite<std::uint32_t[]>(separators + 1);
  std::uint32_t* next = m.separator_offsets_.get();
  for (Segment& seg : m.segments_) {
    seg.separator_at_ = next;
    next += seg.separators_;
  }

  Status status;
  m.charset_ = charset_of(piece(m.msh().field(18), d.repetition, 1), m.notes_, status);
  if (!status) return status.error();
  return m;
}

const Segment* Message::find(std::string_view id) const {
  for (const auto& s : segments_)
    if (s.id() == id) return &s;
  return nullptr;
}

std::string_view Message::message_code() const {
  return piece(piece(msh().field(9), delimiters_.repetition, 1), delimiters_.component, 1);
}
std::string_view Message::trigger_event() const {
  return piece(piece(msh().field(9), delimiters_.repetition, 1), delimiters_.component, 2);
}
std::string_view Message::message_structure() const {
  return piece(piece(msh().field(9), delimiters_.repetition, 1), delimiters_.component, 3);
}
std::string_view Message::control_id() const { return msh().field(10); }
std::string_view Message::version() const {
  return piece(piece(msh().field(12), delimiters_.repetition, 1), delimiters_.component, 1);
}

std::string Address::to_string() const {
  std::string out = std::string(segment) + "-" + std::to_string(field);
  if (repetition > 1) out += "[" + std::to_string(repetition) + "]";
  if (component > 0) out += "." + std::to_string(component);
  if (subcomponent > 0) out += "." + std::to_string(subcomponent);
  return out;
}

std::string_view raw_value(const Segment& segment, const Delimiters& d, const Address& a) {
  std::string_view value = segment.field(a.field);
  // MSH-1 and MSH-2 are the delimiters themselves: never split them.
  if (segment.id() == "MSH" && a.field <= 2) return value;
  value = piece(value, d.repetition, a.repetition);
  if (a.component > 0) value = piece(value, d.component, a.component);
  if (a.subcomponent > 0) value = piece(value, d.subcomponent, a.subcomponent);
  return value;
}

}  // namespace hie::adapters::hl7v2
