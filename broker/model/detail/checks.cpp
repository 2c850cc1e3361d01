#include "broker/model/detail/checks.hpp"

#include <algorithm>
#include <cstdint>

#include "broker/model/formats.hpp"
#include "broker/model/nhs_number.hpp"

namespace hie::model::detail {
namespace {

int number(std::string_view s, std::size_t pos, std::size_t n) {
  int value = 0;
  for (std::size_t i = 0; i < n; ++i) value = value * 10 + (s[pos + i] - '0');
  return value;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, int m, int d) {
  y -= m <= 2;
  std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  std::int64_t yoe = y - era * 400;
  std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// A valid dateTime with a time, "YYYY-MM-DDThh:mm:ss(.f+)?(Z|+hh:mm|-hh:mm)": UTC seconds and the
// fraction digits.
std::int64_t utc_seconds(std::string_view s, std::string& fraction) {
  std::int64_t days = days_from_civil(number(s, 0, 4), number(s, 5, 2), number(s, 8, 2));
  std::int64_t seconds =
      days * 86400 + number(s, 11, 2) * 3600 + number(s, 14, 2) * 60 + number(s, 17, 2);
  std::size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    std::size_t start = ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    fraction = s.substr(start, pos - start);
  }
  if (s[pos] != 'Z') {
    int offset = number(s, pos + 1, 2) * 3600 + number(s, pos + 4, 2) * 60;
    seconds -= s[pos] == '+' ? offset : -offset;
  }
  return seconds;
}

}  // namespace

std::optional<int> compare_same_precision(std::string_view a, std::string_view b) {
  if (!is_date_time(a) || !is_date_time(b)) return std::nullopt;
  bool a_time = a.size() > 10, b_time = b.size() > 10;
  if (!a_time && !b_time) {
    if (a.size() != b.size()) return std::nullopt;
    return a.compare(b);
  }
  if (!a_time || !b_time) return std::nullopt;
  std::string fa, fb;
  std::int64_t sa = utc_seconds(a, fa), sb = utc_seconds(b, fb);
  if (sa != sb) return sa < sb ? -1 : 1;
  std::size_t n = std::max(fa.size(), fb.size());
  fa.resize(n, '0');
  fb.resize(n, '0');
  return fa.compare(fb);
}

void check_invariants(const Period& period, const std::string& path, IssueSink& issues) {
  if (period.start.empty() || period.end.empty()) return;
  if (auto order = compare_same_precision(period.start, period.end); order && *order > 0) {
    issues.add(Severity::error, "invariant", path, "per-1: start is after end");
  }
}

void check_invariants(const Quantity& quantity, const std::string& path, IssueSink& issues) {
  if (!quantity.code.empty() && quantity.system.empty()) {
    issues.add(Severity::error, "invariant", path + "/code", "qty-3: a unit code needs a system");
  }
}

void check_invariants(const Attachment& attachment, const std::string& path, IssueSink& issues) {
  if (!attachment.data.empty() && attachment.content_type.empty()) {
    issues.add(Severity::error, "invariant", path + "/data", "att-1: data needs a contentType");
  }
}

void check_invariants(const Identifier& identifier, const std::string& path, IssueSink& issues) {
  if (identifier.system != NhsNumber::system || identifier.value.empty()) return;
  auto nhs = NhsNumber::parse(identifier.value);
  if (!nhs || nhs->value() != identifier.value) {
    issues.add(Severity::error, "value", path + "/value",
               "not a valid NHS number (ten digits, no spaces, Modulus 11 check digit)");
  }
}

}  // namespace hie::model::detail
