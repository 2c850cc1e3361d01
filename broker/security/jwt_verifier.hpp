#pragma once
// Bearer JWT verification (compact JWS, RS256 or ES256) against the issuers in the
// configuration, giving the Principal a request acts for. OpenSSL stays in the .cpp files.

#include <boost/system/result.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/core/result.hpp"
#include "broker/security/jwks.hpp"
#include "broker/security/principal.hpp"
#include "broker/security/token_error.hpp"

namespace prometheus {
class Registry;
}

namespace hie::config {
struct Jwt;
}

namespace hie::security {

/// The longest compact token accepted, in bytes.
constexpr std::size_t kMaxTokenBytes = 8 * 1024;

/// An issuer whose tokens are accepted, with its keys already loaded.
struct TrustedIssuer {
  std::string issuer;    ///< exact `iss`
  std::string audience;  ///< must be in `aud`
  std::vector<NamedKey> keys;
};

struct VerifierSettings {
  std::chrono::seconds clock_skew{60};  ///< tolerance on exp and nbf
  std::size_t cache_entries = 10'000;   ///< verified tokens remembered; 0: none
};

using TokenResult = boost::system::result<std::shared_ptr<const Principal>, TokenError>;

/// Verifies bearer tokens. Immutable after creation, so one instance serves every thread.
///
/// A token is accepted when it is at most 8 KiB; three strict base64url parts; its header and
/// claims are JSON objects (nesting ≤ 16, no repeated member); `alg` is RS256 or ES256 (`none`,
/// HS*, anything else refused; `crit` refused; `jku`, `jwk`, `x5u` never followed); `iss` is a
/// trusted issuer; `kid` names one of its keys (no `kid`: only when the issuer has one key), a
/// key of that alg; the signature verifies; `exp` is present and later than now − skew; `nbf`,
/// when present, no later than now + skew; `aud` (string or array) contains the issuer's
/// audience; `sub` is present; `patient`, when present, is a valid NHS number; and a user token
/// carries `purpose_of_use` (see principal.hpp for the kinds).
class TokenVerifier {
 public:
  /// Loads every configured issuer's PEM and JWKS keys and the development issuer's key (when
  /// configured; skipped when `optional` and its file is missing). Errors name the setting and
  /// file. `registry`: where to count verifications (token_metrics.hpp); may be null.
  static Result<std::shared_ptr<TokenVerifier>> create(const config::Jwt& config,
                                                       prometheus::Registry* registry = nullptr);
  /// From keys already loaded: tests and the fuzz target. An issuer without keys, a repeated
  /// issuer or kid, or a key without kid beside others is an error.
  static Result<std::shared_ptr<TokenVerifier>> create(std::vector<TrustedIssuer> issuers,
                                                       VerifierSettings settings,
                                                       prometheus::Registry* registry = nullptr);
  ~TokenVerifier();

  /// Verifies `compact_token` (the part after "Bearer ") as of `now`. Thread-safe.
  TokenResult verify(std::string_view compact_token,
                     std::chrono::system_clock::time_point now) const;

  const std::vector<TrustedIssuer>& issuers() const;
  std::uint64_t cache_hits() const;
  std::uint64_t cache_misses() const;
  std::size_t cached_tokens() const;

 private:
  struct Impl;
  explicit TokenVerifier(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// The token of an `Authorization: Bearer TOKEN` header value (scheme case-insensitive, RFC
/// 6750 §2.1); nothing when the value is not a Bearer credential.
std::optional<std::string_view> bearer_token(std::string_view authorization);

}  // namespace hie::security
