#pragma once
// Byte and text encodings every adapter needs: Latin-1 to UTF-8, repairing UTF-8 for texts that
// quote input, and base64 for attachments.

#include <string>
#include <string_view>

namespace hie::adapters {

/// ISO-8859-1 bytes as UTF-8 (each byte is the code point of the same value).
std::string latin1_to_utf8(std::string_view bytes);

/// Windows-1252 bytes as UTF-8: Latin-1 but for 0x80-0x9F (the euro sign, curly quotes...); the
/// five bytes the code page leaves undefined become U+FFFD.
std::string windows1252_to_utf8(std::string_view bytes);

/// Appends code point `cp` (at most U+10FFFF, not a surrogate) to `out` as UTF-8.
void append_utf8(std::string& out, char32_t cp);

/// `bytes` with every byte that is not part of well-formed UTF-8 replaced by U+FFFD, for
/// messages that quote input (issue texts must be valid FHIR strings whatever was received).
std::string to_valid_utf8(std::string_view bytes);

/// `bytes` in base64 (RFC 4648 alphabet, with padding, no line breaks).
std::string base64_encode(std::string_view bytes);

}  // namespace hie::adapters
