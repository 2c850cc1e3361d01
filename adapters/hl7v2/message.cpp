#include "adapters/hl7v2/message.hpp"

#include <algorithm>

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

/// Calls `f(line)` for every segment line: CR, LF or CRLF terminated, blank lines skipped.
template <class F>
void for_each_line(std::string_view text, F&& f) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = find_line_end(text, start);
    std::string_view line = text.substr(start, end - start);
    if (!is_blank(line)) f(trim_trailing_blanks(line));
    start = end + 1;
  }
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
  std::vector<std::string_view> lines;
  for_each_line(bytes, [&](std::string_view line) { lines.push_back(line); });
  if (lines.empty()) return make_error(Errc::parse_error, "no segments: the input is empty", "segment 1");

  std::string_view msh = lines.front();
  // Leading spaces before MSH happen when a file is indented; anything else is not HL7 v2.
  while (!msh.empty() && (msh.front() == ' ' || msh.front() == '\t')) msh.remove_prefix(1);
  lines.front() = msh;
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

  // Split every line into its fields; spans are taken once parts_ no longer grows.
  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  ranges.reserve(lines.size());
  m.parts_.reserve(static_cast<std::size_t>(std::count(bytes.begin(), bytes.end(), d.field)) + lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    std::size_t begin = m.parts_.size();
    // Fields are short: a plain scan beats a memchr call per field.
    const char* field_start = line.data();
    const char* const line_end = line.data() + line.size();
    for (const char* c = field_start; c != line_end; ++c) {
      if (*c != d.field) continue;
      m.parts_.emplace_back(field_start, static_cast<std::size_t>(c - field_start));
      field_start = c + 1;
    }
    m.parts_.emplace_back(field_start, static_cast<std::size_t>(line_end - field_start));
    std::string_view id = m.parts_[begin];
    auto where = [i] { return "segment " + std::to_string(i + 1); };
    if (!is_segment_id(id))
      return make_error(Errc::parse_error, "not a segment: expected a 3-character segment id", where());
    if (i > 0 && id == "MSH")
      return make_error(Errc::parse_error, "a second MSH: several messages must be split first", where());
    ranges.emplace_back(begin, m.parts_.size() - begin);
  }
  m.segments_.resize(lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    Segment& s = m.segments_[i];
    s.parts_ = std::span<const std::string_view>(m.parts_.data() + ranges[i].first, ranges[i].second);
    s.raw_ = lines[i];
    s.number_ = i + 1;
    s.is_msh_ = i == 0;
    s.field_separator_ = d.field;
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
