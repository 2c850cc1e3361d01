#pragma once
// base64url without padding (RFC 7515 §2), the encoding of every part of a compact JWS.

#include <optional>
#include <string>
#include <string_view>

namespace hie::security {

/// Encodes `bytes` with the URL-safe alphabet and no `=` padding.
std::string base64url_encode(std::string_view bytes);

/// Decodes strictly: only `A-Z a-z 0-9 - _`, no padding, no whitespace, no length that leaves a
/// lone character, and unused low bits of the last character zero, so each byte string has
/// exactly one accepted spelling. Nothing when `text` breaks any of these.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace hie::security
