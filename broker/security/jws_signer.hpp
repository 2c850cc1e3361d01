#pragma once
// Signs compact JWS tokens with a private key: `hiebroker dev-token` and the tests use it.
// The broker itself only verifies.

#include <memory>
#include <string>
#include <string_view>

#include "broker/core/result.hpp"
#include "broker/security/public_key.hpp"

namespace hie::security {

class JwsSigner {
 public:
  /// A PEM private key (PKCS#8 or traditional): EC P-256 signs ES256, RSA (≥ 2048 bits) RS256.
  static Result<JwsSigner> from_private_key_pem(std::string_view pem, std::string kid);
  /// The file at `path` read with from_private_key_pem; errors carry `path` as their location.
  static Result<JwsSigner> load_private_key_file(const std::string& path, std::string kid);

  /// "ES256" or "RS256".
  std::string_view alg() const;
  const std::string& kid() const { return kid_; }
  /// The public half, to verify what this signer signs.
  const PublicKey& public_key() const { return public_key_; }

  /// A compact JWS: header {"alg", "typ": "JWT", "kid"} and `claims_json` (a JSON object, as is).
  Result<std::string> sign(std::string_view claims_json) const;
  /// A compact JWS of exactly these header and payload texts (tests forge headers with it).
  Result<std::string> sign_parts(std::string_view header_json, std::string_view payload_json) const;
  /// The raw JWS signature of `signing_input` (ES256: r || s).
  Result<std::string> signature(std::string_view signing_input) const;

 private:
  struct Key;
  JwsSigner(std::shared_ptr<const Key> key, PublicKey public_key, std::string kid)
      : key_(std::move(key)), public_key_(std::move(public_key)), kid_(std::move(kid)) {}

  std::shared_ptr<const Key> key_;
  PublicKey public_key_;
  std::string kid_;
};

}  // namespace hie::security
