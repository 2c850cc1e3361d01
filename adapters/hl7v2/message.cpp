#include "adapters/hl7v2/message.hpp"

#include <algorithm>
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

bool is_blank(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t'; });
}

/// Splits one line at `separator` from `p` on, appending every completed field to `parts`
/// and moving `field_start`; returns the position of the line's CR/LF (or `end`).
/// SSE2 looks at 16 bytes at a time: most are neither a separator nor a terminator.
const char* split_fields(const char* p, const char* end, char separator, const char*& field_start,
                         std::vector<std::string_view>& parts) {
#if defined(__SSE2__)
  const __m128i cr = _mm_set1_epi8('\r');
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i sep = _mm_set1_epi8(separator);
  while (end - p >= 16) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const unsigned terminators =
        static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(chunk, cr), _mm_cmpeq_epi8(chunk, lf))));
    unsigned separators = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, sep)));
    if (terminators) separators &= (terminators & (0u - terminators)) - 1;  // only those before the line end
    while (separators) {
      const char* at = p + __builtin_ctz(separators);
      parts.emplace_back(field_start, static_cast<std::size_t>(at - field_start));
      field_start = at + 1;
      separators &= separators - 1;
    }
    if (terminators) return p + __builtin_ctz(terminators);
    p += 16;
  }
#endif
  for (; p != end && *p != '\r' && *p != '\n'; ++p) {
    if (*p != separator) continue;
    parts.emplace_back(field_start, static_cast<std::size_t>(p - field_start));
    field_start = p + 1;
  }
  return p;
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
  if (n == 0) return {};
  std::size_t start = 0;
  for (std::size_t i = 1; i < n; ++i) {
    std::size_t next = value.find(separator, start);
    if (next == std::string_view::npos) return {};
    start = next + 1;
  }
  std::size_t end = value.find(separator, start);
  return value.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}

std::size_t piece_count(std::string_view value, char separator) {
  if (value.empty()) return 0;
  return static_cast<std::size_t>(std::count(value.begin(), value.end(), separator)) + 1;
}

std::string_view Segment::field(std::size_t n) const {
  if (is_msh_) {
    if (n == 1) return raw_.substr(3, 1);
    return n - 1 < parts_.size() ? parts_[n - 1] : std::string_view{};
  }
  return n < parts_.size() ? parts_[n] : std::string_view{};
}

std::size_t Segment::field_count() const { return is_msh_ ? parts_.size() : parts_.size() - 1; }

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

  // One pass over the bytes: segment terminators and field separators together. Segments keep
  // indices into parts_ until it stops growing, then take spans.
  struct Range {
    std::size_t begin, count;
    std::string_view raw;
  };
  std::vector<Range> ranges;
  m.parts_.reserve(static_cast<std::size_t>(std::count(bytes.begin(), bytes.end(), d.field)) + 8);
  const char* p = bytes.data();
  const char* const end = bytes.data() + bytes.size();
  while (p != end) {
    const char* const line_begin = p;
    const std::size_t begin = m.parts_.size();
    const char* field_start = p;
    p = split_fields(p, end, d.field, field_start, m.parts_);
    const char* last_end = p;  // trailing blanks end a line, never a value
    while (last_end != field_start && (last_end[-1] == ' ' || last_end[-1] == '\t')) --last_end;
    const std::string_view line(line_begin, static_cast<std::size_t>(p - line_begin));
    if (p != end) ++p;
    if (is_blank(line)) {
      m.parts_.resize(begin);
      continue;
    }
    m.parts_.emplace_back(field_start, static_cast<std::size_t>(last_end - field_start));
    const std::size_t number = ranges.size() + 1;
    auto where = [number] { return "segment " + std::to_string(number); };
    const std::string_view id = m.parts_[begin];
    if (!is_segment_id(id))
      return make_error(Errc::parse_error, "not a segment: expected a 3-character segment id", where());
    if (number > 1 && id == "MSH")
      return make_error(Errc::parse_error, "a second MSH: several messages must be split first", where());
    ranges.push_back({begin, m.parts_.size() - begin,
                      std::string_view(line_begin, static_cast<std::size_t>(last_end - line_begin))});
  }
  m.segments_.resize(ranges.size());
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    Segment& seg = m.segments_[i];
    seg.parts_ = std::span<const std::string_view>(m.parts_.data() + ranges[i].begin, ranges[i].count);
    seg.raw_ = ranges[i].raw;
    seg.number_ = i + 1;
    seg.is_msh_ = i == 0;
    seg.field_separator_ = d.field;
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
