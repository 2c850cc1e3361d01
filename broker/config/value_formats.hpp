#pragma once
// Checks for setting values whose form FHIR (or X.509) fixes, shared by the configuration and
// the command line, so both accept exactly the same spellings.

#include <optional>
#include <string>
#include <string_view>

namespace hie::config {

/// An absolute URI fit to be a FHIR Identifier.system: `http://` or `https://` with a host,
/// `urn:oid:` with a dotted OID (2.16.840.1…), or `urn:uuid:` with a lower-case UUID. No blanks.
bool is_identifier_system_uri(std::string_view text);

/// A UTC offset as FHIR writes one at the end of a dateTime: `Z`, or `+HH:MM` / `-HH:MM` from
/// 00:00 to 13:59, or 14:00.
bool is_utc_offset(std::string_view text);

/// A certificate's SHA-256 fingerprint as written by hand or printed by `openssl x509
/// -fingerprint -sha256` (`AB:CD:…`): 64 hex digits in either case, bare or in colon-separated
/// pairs. Returned as lower-case hex without colons, the form the broker computes; nothing when
/// `text` is not a fingerprint.
std::optional<std::string> sha256_fingerprint(std::string_view text);

}  // namespace hie::config
