#include "broker/security/detail/claims.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include "broker/model/nhs_number.hpp"
#include "broker/security/detail/jose_json.hpp"

namespace hie::security::detail {
namespace {

using Checked = boost::system::result<Principal, TokenError>;

/// Latest instant kept: beyond it, a system_clock time_point (nanoseconds) would overflow.
constexpr double kMaxSeconds = 8.0e9;

std::string text(const rapidjson::Value& v) { return {v.GetString(), v.GetStringLength()}; }

/// v3-ActReason codes are upper-case letters (TREAT, ETREAT, HPAYMT, PUBHLTH, ...).
bool is_act_reason_code(const std::string& code) {
  return code.size() >= 2 && code.size() <= 32 &&
         std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

/// Reads an optional string claim into `out`; false when present but not a string.
bool optional_string(const rapidjson::Value& claims, const char* name, std::string& out) {
  const auto* v = find_member(claims, name);
  if (!v) return true;
  if (!v->IsString()) return false;
  out = text(*v);
  return true;
}

}  // namespace

Checked principal_from_claims(const rapidjson::Value& claims, const TrustedIssuer& issuer,
                              std::chrono::system_clock::time_point now,
                              std::chrono::seconds clock_skew) {
  const double now_seconds = std::chrono::duration<double>(now.time_since_epoch()).count();
  const double skew = static_cast<double>(clock_skew.count());

  const auto* exp = find_member(claims, "exp");
  if (!exp) return TokenError(Refusal::missing_exp);
  if (!exp->IsNumber() || !std::isfinite(exp->GetDouble()))
    return TokenError(Refusal::bad_claim, "exp");
  const double expires = exp->GetDouble();
  if (now_seconds >= expires + skew) return TokenError(Refusal::expired);
  if (const auto* nbf = find_member(claims, "nbf")) {
    if (!nbf->IsNumber() || !std::isfinite(nbf->GetDouble()))
      return TokenError(Refusal::bad_claim, "nbf");
    if (nbf->GetDouble() > now_seconds + skew) return TokenError(Refusal::not_yet_valid);
  }

  const auto* aud = find_member(claims, "aud");
  bool audience_found = false;
  if (aud && aud->IsString()) {
    audience_found = text(*aud) == issuer.audience;
  } else if (aud && aud->IsArray()) {
    for (const auto& item : aud->GetArray()) {
      if (!item.IsString()) return TokenError(Refusal::bad_claim, "aud");
      audience_found = audience_found || text(item) == issuer.audience;
    }
  } else if (aud) {
    return TokenError(Refusal::bad_claim, "aud");
  }
  if (!audience_found) return TokenError(Refusal::audience_mismatch);

  Principal p;
  p.issuer = issuer.issuer;
  p.expires = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::duration<double>(std::clamp(expires, -kMaxSeconds, kMaxSeconds))));
  if (!optional_string(claims, "sub", p.subject)) return TokenError(Refusal::bad_claim, "sub");
  if (p.subject.empty()) return TokenError(Refusal::missing_subject);
  if (!optional_string(claims, "fhirUser", p.fhir_user))
    return TokenError(Refusal::bad_claim, "fhirUser");
  if (!optional_string(claims, "jti", p.token_id)) return TokenError(Refusal::bad_claim, "jti");

  if (const auto* scope = find_member(claims, "scope")) {
    if (scope->IsString()) {
      p.scopes = Scopes::parse(std::string_view(scope->GetString(), scope->GetStringLength()));
    } else if (scope->IsArray()) {
      std::vector<std::string> words;
      for (const auto& item : scope->GetArray()) {
        if (!item.IsString()) return TokenError(Refusal::bad_claim, "scope");
        words.push_back(text(item));
      }
      p.scopes = Scopes::parse(words);
    } else {
      return TokenError(Refusal::bad_claim, "scope");
    }
  }

  if (const auto* patient = find_member(claims, "patient")) {
    // Our convention: the patient claim is the patient's NHS number, as ten bare digits.
    if (!patient->IsString()) return TokenError(Refusal::bad_patient);
    auto nhs =
        model::NhsNumber::parse(std::string_view(patient->GetString(), patient->GetStringLength()));
    if (!nhs || nhs->value() != text(*patient)) return TokenError(Refusal::bad_patient);
    p.kind = ContextKind::patient;
    p.patient = nhs->value();
  } else if (p.scopes.has_context(ContextKind::system) &&
             !p.scopes.has_context(ContextKind::user)) {
    p.kind = ContextKind::system;
  } else {
    p.kind = ContextKind::user;
  }

  if (!optional_string(claims, "purpose_of_use", p.purpose_of_use))
    return TokenError(Refusal::bad_purpose);
  if (!p.purpose_of_use.empty() && !is_act_reason_code(p.purpose_of_use))
    return TokenError(Refusal::bad_purpose);
  if (p.kind == ContextKind::user && p.purpose_of_use.empty())
    return TokenError(Refusal::missing_purpose);
  return p;
}

}  // namespace hie::security::detail
