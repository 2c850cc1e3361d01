#pragma once
// Coding system names and OIDs to FHIR system URIs: one table per notation, shared by every
// adapter (HL7 v2 names its systems, table 0396 "LN"; CDA by OID "2.16.840.1.113883.6.1").

#include <optional>
#include <string>
#include <string_view>

namespace hie::adapters {

/// FHIR system URI for an HL7 v2 coding system name (LN, SCT, I10, UCUM, CVX, HL70001 …);
/// unknown names keep the name in a URN so nothing is lost.
std::string coding_system_uri(std::string_view v2_name);

/// True when coding_system_uri() knows the name.
bool is_known_coding_system(std::string_view v2_name);

/// The FHIR system URI of a code system OID (2.16.840.1.113883.6.96 → http://snomed.info/sct;
/// 2.16.840.1.113883.12.N → the v2 table N); nullopt when the table has no entry.
std::optional<std::string> known_oid_system_uri(std::string_view oid);

/// known_oid_system_uri(), else `urn:oid:<oid>`.
std::string oid_system_uri(std::string_view oid);

}  // namespace hie::adapters
