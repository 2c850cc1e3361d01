#pragma once
// Date and time patterns a CSV mapping names ("DD/MM/YYYY", "YYYY-MM-DD hh:mm", "ISO8601"), and
// reading a cell with them. Pure: the caller decides what a time without an offset becomes.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/core/result.hpp"

namespace hie::adapters::csv {

/// A compiled pattern. Tokens: YYYY, MM, DD (two digits), M, D (one or two digits), hh, mm, ss,
/// TZ (Z, +hh:mm or +hhmm); any other character must appear as written. "ISO8601" alone reads
/// YYYY[-MM[-DD[Thh:mm[:ss[.fff]][TZ]]]] (a space may stand for the T).
class DateFormat {
 public:
  /// An error (message only) for a pattern without YYYY, with a day but no month, a time but no
  /// full date, or a token twice.
  static Result<DateFormat> parse(std::string_view pattern);

  const std::string& pattern() const { return pattern_; }
  bool has_time() const { return has_time_; }

 private:
  friend struct DateReader;
  enum class Token { literal, year, month2, month, day2, day, hour, minute, second, offset };
  struct Part {
    Token token;
    char literal = 0;
  };
  std::string pattern_;
  std::vector<Part> parts_;
  bool iso_ = false;
  bool has_time_ = false;
};

/// A cell read by a pattern, as FHIR text pieces.
struct ReadDate {
  std::string date;    ///< YYYY, YYYY-MM or YYYY-MM-DD
  std::string time;    ///< "" or hh:mm:ss[.fff]
  std::string offset;  ///< "" (none given), "Z" or +hh:mm
};

/// `text` read by the first of `formats` that matches all of it and gives a real calendar date;
/// nullopt when none does.
std::optional<ReadDate> read_date(std::string_view text, const std::vector<DateFormat>& formats);

}  // namespace hie::adapters::csv
