#pragma once
// FHIR decimal kept exactly as written: "1.00" stays "1.00", "1E-22" stays "1E-22".

#include <string>
#include <string_view>

#include "broker/core/result.hpp"

namespace hie::model {

/// A FHIR decimal. Holds the text of a valid JSON number, so it round-trips byte-exact and
/// keeps its precision; converting to binary floating point is the caller's choice.
class Decimal {
 public:
  Decimal() = default;  ///< "0"

  /// Accepts the FHIR/JSON decimal grammar `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
  static Result<Decimal> parse(std::string_view text);

  const std::string& text() const { return text_; }

  /// Exact textual equality: 1.0 and 1.00 differ, as FHIR precision says they do.
  friend bool operator==(const Decimal&, const Decimal&) = default;

 private:
  explicit Decimal(std::string text) : text_(std::move(text)) {}
  std::string text_ = "0";
};

}  // namespace hie::model
