#include "adapters/csv/date_format.hpp"

#include <array>

namespace hie::adapters::csv {

struct DateReader {
  static std::optional<ReadDate> read(std::string_view text, const DateFormat& format);
  static std::optional<ReadDate> read_iso(std::string_view text);
};

namespace {

struct Fields {
  int year = -1, month = -1, day = -1, hour = -1, minute = -1, second = -1;
  std::string fraction;
  std::string offset;
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// Reads `min`..`max` digits at `pos` into `value`.
bool digits(std::string_view text, std::size_t& pos, std::size_t min, std::size_t max, int& value) {
  std::size_t n = 0;
  int v = 0;
  while (n < max && pos + n < text.size() && is_digit(text[pos + n]))
    v = v * 10 + (text[pos + n++] - '0');
  if (n < min) return false;
  pos += n;
  value = v;
  return true;
}

/// Z, +hh:mm or +hhmm, written back as Z or +hh:mm.
bool offset(std::string_view text, std::size_t& pos, std::string& out) {
  if (pos < text.size() && text[pos] == 'Z') {
    ++pos;
    out = "Z";
    return true;
  }
  if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) return false;
  const char sign = text[pos++];
  int h = 0, m = 0;
  if (!digits(text, pos, 2, 2, h)) return false;
  if (pos < text.size() && text[pos] == ':') ++pos;
  if (!digits(text, pos, 2, 2, m) || h > 14 || m > 59) return false;
  out = std::string(1, sign) + char('0' + h / 10) + char('0' + h % 10) + ':' + char('0' + m / 10) +
        char('0' + m % 10);
  return true;
}

int days_in(int year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[static_cast<std::size_t>(month - 1)];
}

std::string two(int v) { return std::string{char('0' + v / 10), char('0' + v % 10)}; }

std::optional<ReadDate> finish(const Fields& f) {
  if (f.year < 1 || f.year > 9999) return std::nullopt;
  if (f.month != -1 && (f.month < 1 || f.month > 12)) return std::nullopt;
  if (f.day != -1 && (f.day < 1 || f.day > days_in(f.year, f.month))) return std::nullopt;
  if (f.hour > 23 || f.minute > 59 || f.second > 59) return std::nullopt;
  ReadDate out;
  out.date = std::to_string(f.year);
  out.date.insert(0, 4 - out.date.size(), '0');
  if (f.month != -1) out.date += "-" + two(f.month);
  if (f.day != -1) out.date += "-" + two(f.day);
  if (f.hour != -1) {
    out.time = two(f.hour) + ":" + two(f.minute == -1 ? 0 : f.minute) + ":" +
               two(f.second == -1 ? 0 : f.second);
    if (!f.fraction.empty()) out.time += "." + f.fraction;
    out.offset = f.offset;
  }
  return out;
}

}  // namespace

Result<DateFormat> DateFormat::parse(std::string_view pattern) {
  DateFormat f;
  f.pattern_ = std::string(pattern);
  if (pattern == "ISO8601") {
    f.iso_ = true;
    f.has_time_ = true;
    return f;
  }
  struct Name {
    std::string_view text;
    Token token;
  };
  static constexpr std::array<Name, 10> kNames = {
      Name{"YYYY", Token::year}, Name{"MM", Token::month2}, Name{"DD", Token::day2},
      Name{"hh", Token::hour},   Name{"mm", Token::minute}, Name{"ss", Token::second},
      Name{"TZ", Token::offset}, Name{"M", Token::month},   Name{"D", Token::day},
      Name{"", Token::literal}};
  unsigned seen = 0;
  for (std::size_t i = 0; i < pattern.size();) {
    Token token = Token::literal;
    std::size_t length = 1;
    for (const auto& n : kNames)
      if (!n.text.empty() && pattern.substr(i).starts_with(n.text)) {
        token = n.token;
        length = n.text.size();
        break;
      }
    if (token != Token::literal) {
      // M and MM (D and DD) are one field: either may appear, once.
      const Token field = token == Token::month2 ? Token::month
                          : token == Token::day2 ? Token::day
                                                 : token;
      const unsigned bit = 1u << static_cast<unsigned>(field);
      if (seen & bit)
        return make_error(Errc::config_error,
                          "date pattern \"" + f.pattern_ + "\" names a part twice");
      seen |= bit;
    }
    f.parts_.push_back({token, token == Token::literal ? pattern[i] : '\0'});
    i += length;
  }
  auto has = [&](Token t) { return (seen & (1u << static_cast<unsigned>(t))) != 0; };
  f.has_time_ = has(Token::hour);
  if (!has(Token::year))
    return make_error(Errc::config_error, "date pattern \"" + f.pattern_ + "\" has no YYYY");
  if (has(Token::day) && !has(Token::month))
    return make_error(Errc::config_error,
                      "date pattern \"" + f.pattern_ + "\" has a day but no month");
  if ((f.has_time_ || has(Token::minute) || has(Token::second) || has(Token::offset)) &&
      !(has(Token::day) && f.has_time_))
    return make_error(Errc::config_error, "date pattern \"" + f.pattern_ +
                                              "\": a time needs hh and a full date (YYYY, MM, DD)");
  if (has(Token::second) && !has(Token::minute))
    return make_error(Errc::config_error, "date pattern \"" + f.pattern_ + "\" has ss but no mm");
  return f;
}

std::optional<ReadDate> DateReader::read_iso(std::string_view text) {
  Fields f;
  std::size_t pos = 0;
  auto lit = [&](char c) {
    if (pos < text.size() && text[pos] == c) return ++pos, true;
    return false;
  };
  if (!digits(text, pos, 4, 4, f.year)) return std::nullopt;
  if (lit('-')) {
    if (!digits(text, pos, 2, 2, f.month)) return std::nullopt;
    if (lit('-')) {
      if (!digits(text, pos, 2, 2, f.day)) return std::nullopt;
      if (lit('T') || lit(' ')) {
        if (!digits(text, pos, 2, 2, f.hour) || !lit(':') || !digits(text, pos, 2, 2, f.minute))
          return std::nullopt;
        if (lit(':')) {
          if (!digits(text, pos, 2, 2, f.second)) return std::nullopt;
          if (lit('.')) {
            const std::size_t begin = pos;
            while (pos < text.size() && is_digit(text[pos]) && pos - begin < 9) ++pos;
            if (pos == begin) return std::nullopt;
            f.fraction = std::string(text.substr(begin, pos - begin));
          }
        }
        if (pos < text.size() && !offset(text, pos, f.offset)) return std::nullopt;
      }
    }
  }
  if (pos != text.size()) return std::nullopt;
  return finish(f);
}

std::optional<ReadDate> DateReader::read(std::string_view text, const DateFormat& format) {
  if (format.iso_) return read_iso(text);
  Fields f;
  std::size_t pos = 0;
  using T = DateFormat::Token;
  for (const auto& part : format.parts_) {
    bool ok = true;
    switch (part.token) {
      case T::literal:
        ok = pos < text.size() && text[pos++] == part.literal;
        break;
      case T::year:
        ok = digits(text, pos, 4, 4, f.year);
        break;
      case T::month2:
        ok = digits(text, pos, 2, 2, f.month);
        break;
      case T::month:
        ok = digits(text, pos, 1, 2, f.month);
        break;
      case T::day2:
        ok = digits(text, pos, 2, 2, f.day);
        break;
      case T::day:
        ok = digits(text, pos, 1, 2, f.day);
        break;
      case T::hour:
        ok = digits(text, pos, 2, 2, f.hour);
        break;
      case T::minute:
        ok = digits(text, pos, 2, 2, f.minute);
        break;
      case T::second:
        ok = digits(text, pos, 2, 2, f.second);
        break;
      case T::offset:
        ok = offset(text, pos, f.offset);
        break;
    }
    if (!ok) return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  return finish(f);
}

std::optional<ReadDate> read_date(std::string_view text, const std::vector<DateFormat>& formats) {
  for (const auto& format : formats)
    if (auto d = DateReader::read(text, format)) return d;
  return std::nullopt;
}

}  // namespace hie::adapters::csv
