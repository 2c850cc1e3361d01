#include "broker/config/value_formats.hpp"

#include <algorithm>

namespace hie::config {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }

/// FHIR's oid type: [0-2](\.(0|[1-9][0-9]*))+
bool is_oid(std::string_view text) {
  if (text.size() < 3 || text[0] < '0' || text[0] > '2' || text[1] != '.') return false;
  for (std::size_t start = 2; start <= text.size();) {
    const auto end = std::min(text.find('.', start), text.size());
    const auto arc = text.substr(start, end - start);
    if (arc.empty() || !std::all_of(arc.begin(), arc.end(), is_digit) ||
        (arc.size() > 1 && arc[0] == '0'))
      return false;
    start = end + 1;
  }
  return true;
}

/// FHIR's uuid type without its prefix: 8-4-4-4-12 lower-case hex digits.
bool is_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash_here = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_here ? text[i] != '-' : !is_lower_hex(text[i])) return false;
  }
  return true;
}

/// A host is present (`https:///path` has none) and nothing is blank or a control character.
bool is_http_rest(std::string_view rest) {
  if (rest.empty() || rest[0] == '/') return false;
  return std::none_of(rest.begin(), rest.end(),
                      [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == 0x7f; });
}

}  // namespace

bool is_identifier_system_uri(std::string_view text) {
  if (text.starts_with("https://")) return is_http_rest(text.substr(8));
  if (text.starts_with("http://")) return is_http_rest(text.substr(7));
  if (text.starts_with("urn:oid:")) return is_oid(text.substr(8));
  if (text.starts_with("urn:uuid:")) return is_uuid(text.substr(9));
  return false;
}

bool is_utc_offset(std::string_view text) {
  if (text == "Z") return true;
  if (text.size() != 6 || (text[0] != '+' && text[0] != '-') || text[3] != ':') return false;
  for (std::size_t i : {1, 2, 4, 5})
    if (!is_digit(text[i])) return false;
  const int hours = (text[1] - '0') * 10 + (text[2] - '0');
  const int minutes = (text[4] - '0') * 10 + (text[5] - '0');
  return minutes < 60 && (hours < 14 || (hours == 14 && minutes == 0));
}

std::optional<std::string> sha256_fingerprint(std::string_view text) {
  constexpr std::size_t kDigits = 64;
  const bool paired = text.size() == kDigits + kDigits / 2 - 1;
  if (!paired && text.size() != kDigits) return std::nullopt;
  std::string hex;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (paired && i % 3 == 2) {
      if (text[i] != ':') return std::nullopt;
      continue;
    }
    const char lower = (text[i] >= 'A' && text[i] <= 'F') ? static_cast<char>(text[i] - 'A' + 'a') : text[i];
    if (!is_lower_hex(lower)) return std::nullopt;
    hex += lower;
  }
  return hex;
}

}  // namespace hie::config
