#include "broker/model/nhs_number.hpp"

#include <algorithm>

namespace hie::model {

Result<NhsNumber> NhsNumber::parse(std::string_view text) {
  // "9434765919", or grouped 3-3-4 with one kind of separator: "943 476 5919", "943-476-5919".
  std::string_view digits_only = text;
  std::string grouped;
  if (text.size() == 12) {
    char sep = text[3];
    if ((sep != ' ' && sep != '-') || text[7] != sep) {
      return make_error(Errc::invalid_argument,
                        "NHS number may be grouped 3-3-4 only, with spaces or dashes");
    }
    grouped = std::string(text.substr(0, 3)) + std::string(text.substr(4, 3)) +
              std::string(text.substr(8));
    digits_only = grouped;
  }
  for (char c : digits_only) {
    if (c < '0' || c > '9') {
      return make_error(Errc::invalid_argument,
                        "NHS number may hold only digits, grouped 3-3-4 by spaces or dashes");
    }
  }
  if (digits_only.size() != 10) {
    return make_error(Errc::invalid_argument, "NHS number must have 10 digits");
  }
  std::string digits(digits_only);
  if (std::all_of(digits.begin(), digits.end(), [&](char c) { return c == digits[0]; })) {
    // 0000000000 and 9999999999 pass the check digit test but are placeholders, not numbers.
    return make_error(Errc::invalid_argument, "NHS number has ten identical digits");
  }
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (digits[i] - '0') * (10 - i);
  int check = 11 - sum % 11;
  if (check == 11) check = 0;
  if (check == 10) {
    return make_error(Errc::invalid_argument, "NHS number has no valid check digit");
  }
  if (check != digits[9] - '0') {
    return make_error(Errc::invalid_argument, "NHS number check digit does not match");
  }
  return NhsNumber(std::move(digits));
}

std::string NhsNumber::formatted() const {
  return value_.substr(0, 3) + ' ' + value_.substr(3, 3) + ' ' + value_.substr(6);
}

}  // namespace hie::model
