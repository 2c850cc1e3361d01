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

  /// Accepts ten digits, optionally grouped with spaces ("943 476 5919"), whose tenth digit is
  /// the Modulus 11 check digit of the first nine (weights 10..2; 11 -> 0; 10 -> invalid).
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
