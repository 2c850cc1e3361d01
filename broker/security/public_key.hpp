#pragma once
// A public key that verifies JWS signatures: RSA (RS256) or EC P-256 (ES256). OpenSSL stays in
// the .cpp files; the key is shared and immutable, so copies are cheap and thread-safe.

#include <memory>
#include <string>
#include <string_view>

#include "broker/core/result.hpp"

namespace hie::security {

enum class KeyType { rsa, ec_p256 };

/// The JWS `alg` a key type verifies: "RS256" or "ES256".
std::string_view jws_alg_of(KeyType type);

class PublicKey {
 public:
  struct Impl;  ///< defined in broker/security/detail/evp.hpp, for this library's own files
  explicit PublicKey(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

  KeyType type() const;
  int bits() const;
  const Impl& impl() const { return *impl_; }

 private:
  std::shared_ptr<const Impl> impl_;
};

/// A PEM public key (`PUBLIC KEY`, or the key of a `CERTIFICATE`). RSA keys need 2048 bits or
/// more; EC keys must be on P-256. Other keys are refused.
Result<PublicKey> parse_public_key_pem(std::string_view pem);

/// The file at `path` read with parse_public_key_pem; errors carry `path` as their location.
Result<PublicKey> load_public_key_pem_file(const std::string& path);

/// The contents of a small file (key material, JWKS): at most `max_bytes`.
Result<std::string> read_small_file(const std::string& path, std::size_t max_bytes = 1024 * 1024);

}  // namespace hie::security
