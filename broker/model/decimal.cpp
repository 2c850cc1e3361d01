#include "broker/model/decimal.hpp"

#include "broker/model/formats.hpp"

namespace hie::model {

Result<Decimal> Decimal::parse(std::string_view text) {
  if (!is_decimal(text)) {
    return make_error(Errc::invalid_argument, "not a FHIR decimal");
  }
  return Decimal(std::string(text));
}

}  // namespace hie::model
