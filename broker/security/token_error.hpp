#pragma once
// Why a bearer token was refused: one fixed reason per case, safe to show the caller and to log
// (it never quotes the token), and one fixed word per case for metric labels.

#include <boost/assert/source_location.hpp>
#include <span>
#include <string>
#include <string_view>

namespace hie::security {

enum class Refusal {
  oversized,          ///< longer than the 8 KiB bound
  malformed,          ///< not three dot-separated parts
  bad_base64,         ///< a part is not strict unpadded base64url
  bad_json,           ///< header or payload is not one JSON object
  too_deep,           ///< JSON nested deeper than 16 levels
  duplicate_member,   ///< header or payload names a member twice
  alg_none,           ///< alg "none": an unsigned token
  alg_hmac,           ///< HS256/384/512: a shared secret, which the broker never accepts
  alg_unsupported,    ///< any other alg, or none given
  crit_unsupported,   ///< a `crit` header: extensions the broker does not implement
  missing_issuer,     ///< no `iss`
  untrusted_issuer,   ///< `iss` is not a configured issuer
  unknown_kid,        ///< `kid` names no key of the issuer
  kid_required,       ///< no `kid`, and the issuer has several keys
  key_alg_mismatch,   ///< the key chosen is not for the token's alg
  bad_signature,      ///< the signature does not verify
  bad_claim,          ///< a claim or header parameter has the wrong JSON type
  missing_exp,        ///< no `exp`
  expired,            ///< `exp` has passed (beyond the clock skew)
  not_yet_valid,      ///< `nbf` is still ahead (beyond the clock skew)
  audience_mismatch,  ///< `aud` lacks the issuer's configured audience
  missing_subject,    ///< no `sub`
  bad_patient,        ///< `patient` is not a valid NHS number
  missing_purpose,    ///< a user token without `purpose_of_use`
  bad_purpose,        ///< `purpose_of_use` is not a v3-ActReason code
};

/// Every refusal, in declaration order (to create each metric series up front).
std::span<const Refusal> all_refusals();

/// The metric word: "alg_none", "expired", ...
std::string_view word(Refusal refusal);

/// The one-line reason: "alg none is refused", "unknown kid", "expired", "audience mismatch", ...
std::string_view reason(Refusal refusal);

/// A refused token.
class TokenError {
 public:
  TokenError() = default;
  /// `claim` names the claim or header parameter at fault (bad_claim), from our fixed vocabulary.
  explicit TokenError(Refusal refusal, std::string_view claim = {})
      : refusal_(refusal), claim_(claim) {}

  Refusal refusal() const { return refusal_; }
  std::string_view word() const { return security::word(refusal_); }
  /// The reason, with the claim at fault when there is one: "claim has the wrong type: exp".
  std::string message() const;

  friend bool operator==(const TokenError& a, const TokenError& b) {
    return a.refusal_ == b.refusal_;
  }

 private:
  Refusal refusal_ = Refusal::malformed;
  std::string_view claim_;  ///< always a string literal
};

/// Found by ADL from boost::system::result<T, TokenError>::value(): calling it on a refusal is a
/// bug.
[[noreturn]] void throw_exception_from_error(const TokenError& error,
                                             const boost::source_location& loc);

}  // namespace hie::security
