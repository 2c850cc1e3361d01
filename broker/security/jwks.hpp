#pragma once
// JSON Web Key Sets (RFC 7517): the public keys an identity provider publishes, read from a
// file at start-up (the broker fetches nothing at run time).

#include <string>
#include <string_view>
#include <vector>

#include "broker/core/result.hpp"
#include "broker/security/public_key.hpp"

namespace hie::security {

/// A key with the name tokens use to pick it.
struct NamedKey {
  std::string kid;  ///< empty when the key has none
  std::string
      alg;  ///< the JWK's `alg` ("RS256", "ES256") when it names one: the key verifies only that
  PublicKey key;
};

struct Jwks {
  std::vector<NamedKey> keys;
  /// Keys left out because they are for something else (`use` enc, `kty` oct/OKP, another curve
  /// or alg), each as "keys[N]: why": a provider's set often holds such keys beside ours.
  std::vector<std::string> skipped;
};

/// Parses a JWKS document: `{"keys": [...]}` with RSA keys (`n`, `e`) and EC P-256 keys (`x`,
/// `y`). A key meant for signatures that cannot be read, a repeated `kid`, or a set without one
/// usable key is an error naming the key (`keys[2]: ...`).
Result<Jwks> parse_jwks(std::string_view json);

/// The file at `path` read with parse_jwks; errors carry `path` as their location.
Result<Jwks> load_jwks_file(const std::string& path);

}  // namespace hie::security
