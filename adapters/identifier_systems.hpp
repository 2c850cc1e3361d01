#pragma once
// The configured identifier systems of an exchange, looked up the same way by every adapter.

#include <optional>
#include <string>
#include <string_view>

#include "adapters/adapter.hpp"

namespace hie::adapters {

/// The system URI that `context.identifier_systems` gives `authority` (an assigning authority
/// such as PID-3.4.1, or an identifier type code), matched exactly; the first entry wins.
/// nullopt for an empty authority or one without an entry. The view points into `context`.
std::optional<std::string_view> identifier_system_for(const Context& context,
                                                      std::string_view authority);

/// `text` made safe for the tail of a URN: characters outside RFC 3986 unreserved, ':' and '@'
/// are percent-encoded ("GOOD HOSP" → "GOOD%20HOSP"). Used for every urn:hiebroker system.
std::string urn_safe(std::string_view text);

/// The well-known identifier system of an assigning authority OID (CDA `id/@root`): the NHS
/// number OID 2.16.840.1.113883.2.1.4.1 → https://fhir.nhs.uk/Id/nhs-number, US SSN, NPI;
/// nullopt for any other OID.
std::optional<std::string_view> known_identifier_system_for_oid(std::string_view oid);

}  // namespace hie::adapters
