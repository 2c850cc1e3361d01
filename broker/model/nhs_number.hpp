#pragma once
// NHS number: the cross-exchange patient key (10 digits, Modulus 11 check digit).

#include <string>
#include <string_view>

#include "broker/core/result.hpp"

namespace hie::model {

class NhsNumber {
 public:
  /// Identifier.system for NHS numbers.
  static constexpr std::string_view system = "https://fhir.nhs.uk/Id/nhs-number";

  /// Accepts ten digits, bare or grouped 3-3-4 by spaces or dashes ("943 476 5919",
  /// "943-476-5919"; no other separators or surrounding spaces), whose tenth digit is the
  /// Modulus 11 check digit of the first nine (weights 10..2; 11 -> 0; 10 -> invalid), and which
  /// are not ten identical digits (0000000000, 9999999999: placeholders).
  static Result<NhsNumber> parse(std::string_view text);

  /// The ten digits, no spaces.
  const std::string& value() const { return value_; }

  /// "943 476 5919", the form people read.
  std::string formatted() const;

  friend bool operator==(const NhsNumber&, const NhsNumber&) = default;

 private:
  explicit NhsNumber(std::string digits) : value_(std::move(digits)) {}
  std::string value_;
};

}  // namespace hie::model
