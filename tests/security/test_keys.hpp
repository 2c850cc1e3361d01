#pragma once
// Keys for the security tests, made in-process with OpenSSL (not with the code under test), and
// the pieces a test needs to sign tokens and to configure a verifier with them.

#include <string>

namespace hie::security::testing {

struct TestKey {
  std::string private_pem;  ///< PKCS#8 PEM
  std::string public_pem;   ///< SubjectPublicKeyInfo PEM
  std::string jwk;  ///< the public key as one JWK object (no kid), built from OpenSSL's parameters
};

/// Generated once per process.
const TestKey& rsa_key();         ///< RSA 2048
const TestKey& second_rsa_key();  ///< another RSA 2048, which signs nothing the tests trust
const TestKey& ec_key();          ///< EC P-256
const TestKey& rsa_1024_key();    ///< too short for RS256
const TestKey& ec_p384_key();     ///< the wrong curve for ES256

/// `jwk` with `"kid": kid` added (and `"extra"` members, e.g. `"use":"sig"`).
std::string jwk_with(const TestKey& key, const std::string& kid, const std::string& extra = "");

}  // namespace hie::security::testing
