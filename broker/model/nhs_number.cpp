#include "broker/model/nhs_number.hpp"

namespace hie::model {

Result<NhsNumber> NhsNumber::parse(std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (c == ' ') continue;
    if (c < '0' || c > '9') {
      return make_error(Errc::invalid_argument, "NHS number may hold only digits and spaces");
    }
    if (digits.size() == 10) break;  // reported below as too long
    digits += c;
  }
  std::size_t count = 0;
  for (char c : text) count += c != ' ';
  if (count != 10) return make_error(Errc::invalid_argument, "NHS number must have 10 digits");
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
