#pragma once
// Checks for setting values whose form FHIR fixes, shared by the configuration and the
// command line, so both accept exactly the same spellings.

#include <string_view>

namespace hie::config {

/// An absolute URI fit to be a FHIR Identifier.system: `http://` or `https://` with a host,
/// `urn:oid:` with a dotted OID (2.16.840.1…), or `urn:uuid:` with a lower-case UUID. No blanks.
bool is_identifier_system_uri(std::string_view text);

/// A UTC offset as FHIR writes one at the end of a dateTime: `Z`, or `+HH:MM` / `-HH:MM` from
/// 00:00 to 13:59, or 14:00.
bool is_utc_offset(std::string_view text);

}  // namespace hie::config
