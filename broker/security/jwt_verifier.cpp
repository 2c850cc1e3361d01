#include "broker/security/jwt_verifier.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "broker/security/base64url.hpp"
#include "broker/security/detail/claims.hpp"
#include "broker/security/detail/jose_json.hpp"
#include "broker/security/jws_signature.hpp"
#include "broker/security/token_cache.hpp"
#include "broker/security/token_metrics.hpp"

namespace hie::security {
namespace {

/// The header's alg decides everything that follows; refuse anything but RS256 and ES256 early.
std::optional<TokenError> check_alg(std::string_view alg, std::optional<KeyType>& key_type) {
  std::string lower(alg);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (lower == "none") return TokenError(Refusal::alg_none);
  if (lower.starts_with("hs")) return TokenError(Refusal::alg_hmac);
  if (alg == "RS256")
    key_type = KeyType::rsa;
  else if (alg == "ES256")
    key_type = KeyType::ec_p256;
  else
    return TokenError(Refusal::alg_unsupported);
  return std::nullopt;
}

std::string_view text_of(const rapidjson::Value& v) { return {v.GetString(), v.GetStringLength()}; }

}  // namespace

struct TokenVerifier::Impl {
  Impl(std::vector<TrustedIssuer> issuers, VerifierSettings settings,
       prometheus::Registry* registry)
      : issuers(std::move(issuers)), settings(settings), cache(settings.cache_entries) {
    if (registry) metrics = std::make_unique<TokenMetrics>(*registry);
    for (const auto& issuer : this->issuers) by_issuer.emplace(issuer.issuer, &issuer);
  }

  TokenResult check(std::string_view token, std::chrono::system_clock::time_point now) const;

  const std::vector<TrustedIssuer> issuers;
  std::map<std::string, const TrustedIssuer*, std::less<>> by_issuer;
  const VerifierSettings settings;
  mutable TokenCache cache;
  std::unique_ptr<TokenMetrics> metrics;
};

TokenResult TokenVerifier::Impl::check(std::string_view token,
                                       std::chrono::system_clock::time_point now) const {
  auto first_dot = token.find('.');
  auto second_dot =
      first_dot == std::string_view::npos ? first_dot : token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos ||
      token.find('.', second_dot + 1) != std::string_view::npos || first_dot == 0 ||
      second_dot == first_dot + 1)
    return TokenError(Refusal::malformed);
  const std::string_view signing_input = token.substr(0, second_dot);

  auto header_text = base64url_decode(token.substr(0, first_dot));
  if (!header_text) return TokenError(Refusal::bad_base64);
  rapidjson::Document header;
  if (auto refusal = detail::parse_jose_object(*header_text, header)) return TokenError(*refusal);
  const auto* alg = detail::find_member(header, "alg");
  if (!alg) return TokenError(Refusal::alg_unsupported);
  if (!alg->IsString()) return TokenError(Refusal::bad_claim, "alg");
  std::optional<KeyType> key_type;
  if (auto refusal = check_alg(text_of(*alg), key_type)) return *refusal;
  if (detail::find_member(header, "crit")) return TokenError(Refusal::crit_unsupported);
  const auto* kid = detail::find_member(header, "kid");
  if (kid && !kid->IsString()) return TokenError(Refusal::bad_claim, "kid");

  auto signature = base64url_decode(token.substr(second_dot + 1));
  auto payload_text = base64url_decode(token.substr(first_dot + 1, second_dot - first_dot - 1));
  if (!signature || !payload_text) return TokenError(Refusal::bad_base64);
  if (signature->empty()) return TokenError(Refusal::malformed);
  rapidjson::Document claims;
  if (auto refusal = detail::parse_jose_object(*payload_text, claims)) return TokenError(*refusal);

  // The issuer is read before the signature is checked: it says which keys to check it with.
  const auto* iss = detail::find_member(claims, "iss");
  if (!iss) return TokenError(Refusal::missing_issuer);
  if (!iss->IsString()) return TokenError(Refusal::bad_claim, "iss");
  auto issuer_it = by_issuer.find(text_of(*iss));
  if (issuer_it == by_issuer.end()) return TokenError(Refusal::untrusted_issuer);
  const TrustedIssuer& issuer = *issuer_it->second;

  const NamedKey* key = nullptr;
  if (kid) {
    auto wanted = text_of(*kid);
    auto found = std::find_if(issuer.keys.begin(), issuer.keys.end(),
                              [&](const NamedKey& k) { return k.kid == wanted; });
    if (found == issuer.keys.end()) return TokenError(Refusal::unknown_kid);
    key = &*found;
  } else if (issuer.keys.size() == 1) {
    key = &issuer.keys.front();
  } else {
    return TokenError(Refusal::kid_required);
  }
  if (key->key.type() != *key_type || (!key->alg.empty() && key->alg != text_of(*alg)))
    return TokenError(Refusal::key_alg_mismatch);
  if (!verify_jws_signature(key->key, signing_input, *signature))
    return TokenError(Refusal::bad_signature);

  auto principal = detail::principal_from_claims(claims, issuer, now, settings.clock_skew);
  if (!principal) return principal.error();
  return std::make_shared<const Principal>(std::move(*principal));
}

TokenVerifier::TokenVerifier(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TokenVerifier::~TokenVerifier() = default;

Result<std::shared_ptr<TokenVerifier>> TokenVerifier::create(std::vector<TrustedIssuer> issuers,
                                                             VerifierSettings settings,
                                                             prometheus::Registry* registry) {
  std::set<std::string> names;
  for (const auto& issuer : issuers) {
    const std::string where = "issuer \"" + issuer.issuer + "\": ";
    if (issuer.issuer.empty() || issuer.audience.empty())
      return make_error(Errc::config_error, where + "needs an issuer and an audience");
    if (!names.insert(issuer.issuer).second)
      return make_error(Errc::config_error, where + "is configured twice");
    if (issuer.keys.empty()) return make_error(Errc::config_error, where + "has no keys");
    std::set<std::string> kids;
    for (const auto& key : issuer.keys) {
      if (!kids.insert(key.kid).second)
        return make_error(Errc::config_error, where + "kid \"" + key.kid + "\" names two keys");
      // Tokens without kid only ever pick a lone key, and tokens with one never pick this key.
      if (key.kid.empty() && issuer.keys.size() > 1)
        return make_error(Errc::config_error,
                          where + "a key without kid beside other keys could never be used");
    }
  }
  return std::shared_ptr<TokenVerifier>(
      new TokenVerifier(std::make_unique<Impl>(std::move(issuers), settings, registry)));
}

TokenResult TokenVerifier::verify(std::string_view compact_token,
                                  std::chrono::system_clock::time_point now) const {
  auto record = [&](const TokenResult& result) {
    if (impl_->metrics) impl_->metrics->verification(result ? "accepted" : result.error().word());
    return result;
  };
  if (compact_token.size() > kMaxTokenBytes) return record(TokenError(Refusal::oversized));
  if (auto cached = impl_->cache.find(compact_token, now)) {
    if (impl_->metrics) impl_->metrics->cache_lookup(true);
    return record(cached);
  }
  if (impl_->metrics) impl_->metrics->cache_lookup(false);
  auto result = impl_->check(compact_token, now);
  if (result) {
    if (impl_->metrics) impl_->metrics->scope_words_ignored((*result)->scopes.ignored_words());
    impl_->cache.insert(compact_token, *result);
  }
  return record(result);
}

const std::vector<TrustedIssuer>& TokenVerifier::issuers() const { return impl_->issuers; }
std::uint64_t TokenVerifier::cache_hits() const { return impl_->cache.hits(); }
std::uint64_t TokenVerifier::cache_misses() const { return impl_->cache.misses(); }
std::size_t TokenVerifier::cached_tokens() const { return impl_->cache.size(); }

std::optional<std::string_view> bearer_token(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer";
  if (authorization.size() <= kScheme.size() + 1) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i])
      return std::nullopt;
  auto rest = authorization.substr(kScheme.size());
  if (rest.front() != ' ') return std::nullopt;
  rest.remove_prefix(rest.find_first_not_of(' ') == std::string_view::npos
                         ? rest.size()
                         : rest.find_first_not_of(' '));
  while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
  if (rest.empty() || rest.find(' ') != std::string_view::npos) return std::nullopt;
  return rest;
}

}  // namespace hie::security
