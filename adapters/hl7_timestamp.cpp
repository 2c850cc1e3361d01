#include "adapters/hl7_timestamp.hpp"

#include <algorithm>

namespace hie::adapters {
namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::optional<Hl7Timestamp> split_hl7_timestamp(std::string_view v) {
  Hl7Timestamp t;
  std::size_t sign = v.find_first_of("+-");
  if (sign != std::string_view::npos) {
    t.offset = v.substr(sign);
    v = v.substr(0, sign);
    if (t.offset.size() != 5 || !all_digits(t.offset.substr(1))) return std::nullopt;
  }
  std::size_t dot = v.find('.');
  if (dot != std::string_view::npos) {
    t.fraction = v.substr(dot + 1);
    v = v.substr(0, dot);
    if (!all_digits(t.fraction) || v.size() != 14) return std::nullopt;
  }
  if (!all_digits(v)) return std::nullopt;
  if (v.size() != 4 && v.size() != 6 && v.size() != 8 && v.size() != 10 && v.size() != 12 &&
      v.size() != 14)
    return std::nullopt;
  t.digits = v;
  auto num = [&](std::size_t at) { return (v[at] - '0') * 10 + (v[at + 1] - '0'); };
  if (v.size() >= 6 && (num(4) < 1 || num(4) > 12)) return std::nullopt;
  if (v.size() >= 8) {
    // A real calendar day: 2010-04-31 and 2023-02-29 are not dates.
    const int year = num(0) * 100 + num(2), month = num(4), day = num(6);
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (day < 1 || day > kDays[month - 1] + (month == 2 && leap ? 1 : 0)) return std::nullopt;
  }
  if (v.size() >= 10 && num(8) > 23) return std::nullopt;
  if (v.size() >= 12 && num(10) > 59) return std::nullopt;
  if (v.size() >= 14 && num(12) > 59) return std::nullopt;
  return t;
}

std::string hl7_date_part(std::string_view d) {
  std::string out(d.substr(0, 4));
  if (d.size() >= 6) out += "-" + std::string(d.substr(4, 2));
  if (d.size() >= 8) out += "-" + std::string(d.substr(6, 2));
  return out;
}

FhirTimeConversion hl7_to_fhir_datetime(std::string_view value, std::string_view default_offset) {
  FhirTimeConversion r;
  auto ts = split_hl7_timestamp(value);
  if (!ts) {
    r.invalid = true;
    return r;
  }
  std::string out = hl7_date_part(ts->digits);
  if (ts->digits.size() <= 8) {
    r.value = std::move(out);
    return r;
  }
  std::string offset;
  if (!ts->offset.empty()) {
    offset = std::string(ts->offset.substr(0, 3)) + ":" + std::string(ts->offset.substr(3, 2));
  } else if (!default_offset.empty()) {
    offset = default_offset;
  } else {
    r.cut_to_date = true;
    r.value = std::move(out);
    return r;
  }
  const auto d = ts->digits;
  out += "T" + std::string(d.substr(8, 2)) + ":" +
         (d.size() >= 12 ? std::string(d.substr(10, 2)) : "00");
  out += ":" + (d.size() >= 14 ? std::string(d.substr(12, 2)) : "00");
  r.hour_only = d.size() < 12;
  if (!ts->fraction.empty()) out += "." + std::string(ts->fraction);
  r.value = out + offset;
  return r;
}

FhirTimeConversion hl7_to_fhir_date(std::string_view value) {
  FhirTimeConversion r;
  auto ts = split_hl7_timestamp(value);
  if (!ts) {
    r.invalid = true;
    return r;
  }
  r.time_dropped = ts->digits.size() > 8;
  r.value = hl7_date_part(ts->digits.substr(0, std::min<std::size_t>(8, ts->digits.size())));
  return r;
}

}  // namespace hie::adapters
