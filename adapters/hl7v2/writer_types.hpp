#pragma once
// Internal to the HL7 v2 writer (writer.cpp): model datatypes → v2 data type values (CX, XPN,
// XAD, XTN, CWE, XCN, XON, EI), already escaped for the default delimiters |^~\&. Each is the
// inverse of the matching reader in v2_types.cpp / clinical_helpers.cpp / order_fields.cpp.

#include <string>
#include <string_view>
#include <vector>

#include "adapters/hl7v2/delimiters.hpp"
#include "broker/model/datatypes.hpp"

namespace hie::adapters::hl7v2::write_detail {

inline constexpr Delimiters kDelimiters{};

/// encode_text with the default delimiters.
std::string esc(std::string_view text);
/// Already-escaped parts joined with `separator`, trailing empty parts dropped.
std::string join(const std::vector<std::string>& parts, char separator);

/// One segment being built: fields by HL7 number (1-based), trailing empty fields dropped.
class SegmentWriter {
 public:
  explicit SegmentWriter(std::string id) : id_(std::move(id)) {}
  /// Sets field n to an already-escaped value.
  void set(std::size_t n, std::string value);
  std::string str() const;

 private:
  std::string id_;
  std::vector<std::string> fields_;
};

/// First code of `cc` (preferring a coding in `system` when given).
std::string first_code(const std::optional<model::CodeableConcept>& cc, std::string_view system = {});

std::string cx(const model::Identifier& id);
std::string xpn(const model::HumanName& name);
std::string xad(const model::Address& address);
/// XTN for a ContactPoint; "" when the system has no XTN form (url, sms) or the value is empty.
std::string xtn(const model::ContactPoint& cp);
std::string cwe(const model::CodeableConcept& cc);
/// XCN: identifier value ^ display as family name ^ … ^ authority (XCN-9).
std::string xcn(const model::Reference& ref);
/// XON: display ^ … ^ identifier value in XON-10.
std::string xon(const model::Reference& ref);
/// EI: value ^ namespace (assigner) ^ universal id ^ ISO/URI.
std::string ei(const model::Identifier& id);

/// "urn:hiebroker:<exchange>:<kind>:<NAME>" → NAME percent-decoded, when `uri` has that form.
std::optional<std::string> hiebroker_name(std::string_view uri, std::string_view kind);
std::string percent_decode(std::string_view text);

}  // namespace hie::adapters::hl7v2::write_detail
