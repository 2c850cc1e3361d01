#include "broker/security/token_error.hpp"

#include <array>
#include <boost/throw_exception.hpp>

#include "broker/core/error.hpp"

namespace hie::security {
namespace {

struct Entry {
  Refusal refusal;
  std::string_view word;
  std::string_view reason;
};

constexpr std::array kEntries = {
    Entry{Refusal::oversized, "oversized", "token is longer than 8192 bytes"},
    Entry{Refusal::malformed, "malformed", "token is not three dot-separated parts"},
    Entry{Refusal::bad_base64, "bad_base64", "token part is not unpadded base64url"},
    Entry{Refusal::bad_json, "bad_json", "token header or payload is not a JSON object"},
    Entry{Refusal::too_deep, "too_deep", "token JSON nests deeper than 16 levels"},
    Entry{Refusal::duplicate_member, "duplicate_member",
          "token header or payload repeats a member"},
    Entry{Refusal::alg_none, "alg_none", "alg none is refused"},
    Entry{Refusal::alg_hmac, "alg_hmac", "HMAC algorithms (HS256, HS384, HS512) are refused"},
    Entry{Refusal::alg_unsupported, "alg_unsupported", "alg must be RS256 or ES256"},
    Entry{Refusal::crit_unsupported, "crit_unsupported",
          "crit header extensions are not supported"},
    Entry{Refusal::missing_issuer, "missing_issuer", "iss claim is missing"},
    Entry{Refusal::untrusted_issuer, "untrusted_issuer", "issuer is not trusted"},
    Entry{Refusal::unknown_kid, "unknown_kid", "unknown kid"},
    Entry{Refusal::kid_required, "kid_required",
          "token has no kid and its issuer has several keys"},
    Entry{Refusal::key_alg_mismatch, "key_alg_mismatch",
          "the key named by kid is not for this alg"},
    Entry{Refusal::bad_signature, "bad_signature", "signature does not verify"},
    Entry{Refusal::bad_claim, "bad_claim", "claim has the wrong type"},
    Entry{Refusal::missing_exp, "missing_exp", "exp claim is required"},
    Entry{Refusal::expired, "expired", "expired"},
    Entry{Refusal::not_yet_valid, "not_yet_valid", "not valid yet (nbf is in the future)"},
    Entry{Refusal::audience_mismatch, "audience_mismatch", "audience mismatch"},
    Entry{Refusal::missing_subject, "missing_subject", "sub claim is missing"},
    Entry{Refusal::bad_patient, "bad_patient", "patient claim is not a valid NHS number"},
    Entry{Refusal::missing_purpose, "missing_purpose", "user tokens must carry purpose_of_use"},
    Entry{Refusal::bad_purpose, "bad_purpose", "purpose_of_use is not a v3-ActReason code"},
};

constexpr std::array<Refusal, kEntries.size()> make_all() {
  std::array<Refusal, kEntries.size()> all{};
  for (std::size_t i = 0; i < kEntries.size(); ++i) all[i] = kEntries[i].refusal;
  return all;
}
constexpr auto kAll = make_all();

const Entry& entry(Refusal refusal) {
  for (const auto& e : kEntries)
    if (e.refusal == refusal) return e;
  return kEntries[1];
}

}  // namespace

std::span<const Refusal> all_refusals() { return kAll; }
std::string_view word(Refusal refusal) { return entry(refusal).word; }
std::string_view reason(Refusal refusal) { return entry(refusal).reason; }

std::string TokenError::message() const {
  std::string text(reason(refusal_));
  if (!claim_.empty()) text += ": " + std::string(claim_);
  return text;
}

void throw_exception_from_error(const TokenError& error, const boost::source_location& loc) {
  boost::throw_exception(ErrorException(Error(Errc::validation_error, error.message())), loc);
}

}  // namespace hie::security
