#include "adapters/identifier_systems.hpp"

#include <cctype>

#include "broker/model/nhs_number.hpp"

namespace hie::adapters {

std::optional<std::string_view> identifier_system_for(const Context& context,
                                                      std::string_view authority) {
  if (authority.empty()) return std::nullopt;
  for (const auto& [name, system] : context.identifier_systems)
    if (name == authority) return std::string_view(system);
  return std::nullopt;
}

std::string urn_safe(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == ':' || c == '@') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::optional<std::string_view> known_identifier_system_for_oid(std::string_view oid) {
  if (oid == "2.16.840.1.113883.2.1.4.1") return model::NhsNumber::system;
  if (oid == "2.16.840.1.113883.4.1") return "http://hl7.org/fhir/sid/us-ssn";
  if (oid == "2.16.840.1.113883.4.6") return "http://hl7.org/fhir/sid/us-npi";
  return std::nullopt;
}

}  // namespace hie::adapters
