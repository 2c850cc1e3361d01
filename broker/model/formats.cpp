#include "broker/model/formats.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>

namespace hie::model {
namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }
bool space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Reads exactly n digits at pos into value; false when they are not there.
bool digits(std::string_view s, std::size_t& pos, int n, int& value) {
  if (pos + n > s.size()) return false;
  value = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (!digit(c)) return false;
    value = value * 10 + (c - '0');
  }
  pos += n;
  return true;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in(int y, int m) {
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : days[m - 1];
}

enum class DatePrecision { none, year, month, day };

// Parses YYYY(-MM(-DD)?)? from the start; returns how far it got (none = invalid).
DatePrecision parse_date(std::string_view s, std::size_t& pos) {
  int y = 0, m = 0, d = 0;
  if (!digits(s, pos, 4, y) || y == 0) return DatePrecision::none;
  if (pos == s.size() || s[pos] != '-') return DatePrecision::year;
  ++pos;
  if (!digits(s, pos, 2, m) || m < 1 || m > 12) return DatePrecision::none;
  if (pos == s.size() || s[pos] != '-') return DatePrecision::month;
  ++pos;
  if (!digits(s, pos, 2, d) || d < 1 || d > days_in(y, m)) return DatePrecision::none;
  return DatePrecision::day;
}

bool parse_time(std::string_view s, std::size_t& pos) {
  int h = 0, mi = 0, se = 0;
  if (!digits(s, pos, 2, h) || h > 23) return false;
  if (pos >= s.size() || s[pos++] != ':') return false;
  if (!digits(s, pos, 2, mi) || mi > 59) return false;
  if (pos >= s.size() || s[pos++] != ':') return false;
  if (!digits(s, pos, 2, se) || se > 60) return false;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::size_t start = pos;
    while (pos < s.size() && digit(s[pos])) ++pos;
    if (pos == start) return false;
  }
  return true;
}

bool parse_offset(std::string_view s, std::size_t& pos) {
  if (pos >= s.size()) return false;
  if (s[pos] == 'Z') return ++pos == s.size();
  if (s[pos] != '+' && s[pos] != '-') return false;
  ++pos;
  int h = 0, m = 0;
  if (!digits(s, pos, 2, h)) return false;
  if (pos >= s.size() || s[pos++] != ':') return false;
  if (!digits(s, pos, 2, m) || m > 59) return false;
  if (h > 14 || (h == 14 && m != 0)) return false;
  return pos == s.size();
}

bool base64_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=';
}

// Base64Rule::strict: the characters before the (at most two) trailing '=' are all data.
bool is_canonical_base64(std::string_view s) {
  if (s.empty() || s.size() % 4 != 0) return false;
  std::size_t data = s.size();
  while (data > s.size() - 2 && s[data - 1] == '=') --data;
  return std::all_of(s.begin(), s.begin() + data,
                     [](char c) { return c != '=' && base64_char(c); });
}

}  // namespace

std::string_view to_string(Primitive type) {
  switch (type) {
    case Primitive::complex:
      return "complex";
    case Primitive::string:
      return "string";
    case Primitive::code:
      return "code";
    case Primitive::id:
      return "id";
    case Primitive::uri:
      return "uri";
    case Primitive::url:
      return "url";
    case Primitive::canonical:
      return "canonical";
    case Primitive::oid:
      return "oid";
    case Primitive::uuid:
      return "uuid";
    case Primitive::markdown:
      return "markdown";
    case Primitive::base64_binary:
      return "base64Binary";
    case Primitive::date:
      return "date";
    case Primitive::date_time:
      return "dateTime";
    case Primitive::instant:
      return "instant";
    case Primitive::time:
      return "time";
    case Primitive::xhtml:
      return "xhtml";
    case Primitive::boolean:
      return "boolean";
    case Primitive::integer:
      return "integer";
    case Primitive::positive_int:
      return "positiveInt";
    case Primitive::unsigned_int:
      return "unsignedInt";
    case Primitive::decimal:
      return "decimal";
  }
  return "unknown";
}

bool is_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    // Most text is ASCII: skip it eight bytes at a time.
    while (s.size() - i >= 8) {
      std::uint64_t word;
      std::memcpy(&word, s.data() + i, 8);
      if (word & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i == s.size()) break;
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // UTF-16 surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      return false;
    }
    if (s.size() - i < len) return false;
    auto c1 = static_cast<unsigned char>(s[i + 1]);
    if (c1 < lo || c1 > hi) return false;
    for (std::size_t k = 2; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

bool is_string(std::string_view s) {
  if (s.empty() || !is_utf8(s)) return false;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\t' && c != '\r' && c != '\n') return false;
  }
  return true;
}

bool is_code(std::string_view s) {
  if (s.empty() || space(s.front()) || space(s.back())) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (space(s[i]) && (s[i] != ' ' || space(s[i + 1]))) return false;
  }
  return true;
}

bool is_id(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') return false;
  }
  return true;
}

bool is_uri(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (space(c) || static_cast<unsigned char>(c) < 0x20) return false;
  }
  return true;
}

bool is_oid(std::string_view s) {
  constexpr std::string_view prefix = "urn:oid:";
  if (!s.starts_with(prefix)) return false;
  s.remove_prefix(prefix.size());
  if (s.size() < 3 || s[0] < '0' || s[0] > '2' || s[1] != '.') return false;
  std::size_t pos = 1;
  while (pos < s.size()) {
    if (s[pos++] != '.' || pos == s.size()) return false;
    if (s[pos] == '0') {
      ++pos;
      if (pos < s.size() && s[pos] != '.') return false;
      continue;
    }
    std::size_t start = pos;
    while (pos < s.size() && digit(s[pos])) ++pos;
    if (pos == start) return false;
  }
  return true;
}

bool is_uuid(std::string_view s) {
  constexpr std::string_view prefix = "urn:uuid:";
  if (!s.starts_with(prefix)) return false;
  s.remove_prefix(prefix.size());
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    char c = s[i];
    if (dash ? c != '-' : !(digit(c) || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool is_base64(std::string_view s, Base64Rule rule) {
  if (rule == Base64Rule::strict) return is_canonical_base64(s);
  std::size_t count = 0;
  for (char c : s) {
    if (space(c)) continue;
    if (!base64_char(c)) return false;
    ++count;
  }
  return count > 0 && count % 4 == 0;
}

bool is_date(std::string_view s) {
  std::size_t pos = 0;
  return parse_date(s, pos) != DatePrecision::none && pos == s.size();
}

bool is_date_time(std::string_view s) {
  std::size_t pos = 0;
  DatePrecision p = parse_date(s, pos);
  if (p == DatePrecision::none) return false;
  if (pos == s.size()) return true;
  // A time needs a full date and an offset: "2015-02-07T13:28:17-05:00".
  if (p != DatePrecision::day || s[pos++] != 'T') return false;
  return parse_time(s, pos) && parse_offset(s, pos);
}

bool is_instant(std::string_view s) {
  std::size_t pos = 0;
  if (parse_date(s, pos) != DatePrecision::day || pos == s.size() || s[pos++] != 'T') return false;
  return parse_time(s, pos) && parse_offset(s, pos);
}

bool is_time(std::string_view s) {
  std::size_t pos = 0;
  return parse_time(s, pos) && pos == s.size();
}

bool is_decimal(std::string_view s) {
  std::size_t pos = 0;
  if (pos < s.size() && s[pos] == '-') ++pos;
  if (pos >= s.size()) return false;
  if (s[pos] == '0') {
    ++pos;
  } else if (digit(s[pos])) {
    while (pos < s.size() && digit(s[pos])) ++pos;
  } else {
    return false;
  }
  if (pos < s.size() && s[pos] == '.') {
    std::size_t start = ++pos;
    while (pos < s.size() && digit(s[pos])) ++pos;
    if (pos == start) return false;
  }
  if (pos < s.size() && (s[pos] == 'e' || s[pos] == 'E')) {
    ++pos;
    if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) ++pos;
    std::size_t start = pos;
    while (pos < s.size() && digit(s[pos])) ++pos;
    if (pos == start) return false;
  }
  return pos == s.size();
}

bool has_valid_form(Primitive type, std::string_view s) {
  if (!is_utf8(s)) return false;
  switch (type) {
    case Primitive::code:
      return is_code(s);
    case Primitive::id:
      return is_id(s);
    case Primitive::uri:
    case Primitive::url:
    case Primitive::canonical:
      return is_uri(s);
    case Primitive::oid:
      return is_oid(s);
    case Primitive::uuid:
      return is_uuid(s);
    case Primitive::base64_binary:
      return is_base64(s);
    case Primitive::date:
      return is_date(s);
    case Primitive::date_time:
      return is_date_time(s);
    case Primitive::instant:
      return is_instant(s);
    case Primitive::time:
      return is_time(s);
    case Primitive::decimal:
      return is_decimal(s);
    case Primitive::xhtml:
      return is_xhtml_div(s);
    default:
      return is_string(s);
  }
}

}  // namespace hie::model
