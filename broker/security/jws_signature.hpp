#pragma once
// The two JWS signature algorithms the broker accepts (RFC 7518 §3.3, §3.4).

#include <string>
#include <string_view>

#include "broker/core/result.hpp"
#include "broker/security/public_key.hpp"

namespace hie::security {

/// Verifies `signature` over `signing_input` ("header.payload") with `key`, as RS256 when it
/// is an RSA key and as ES256 when it is a P-256 key. ES256 signatures are the raw 64 bytes
/// r || s that JWS uses (not DER). False for any signature that does not verify.
bool verify_jws_signature(const PublicKey& key, std::string_view signing_input,
                          std::string_view signature);

/// An ES256 signature (r || s, 64 bytes) as the DER ECDSA-Sig-Value OpenSSL verifies;
/// nothing when it is not 64 bytes.
Result<std::string> es256_raw_to_der(std::string_view raw);

/// The reverse, for signing: DER ECDSA-Sig-Value to r || s, each left-padded to 32 bytes.
Result<std::string> es256_der_to_raw(std::string_view der);

}  // namespace hie::security
