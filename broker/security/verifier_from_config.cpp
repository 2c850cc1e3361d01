// TokenVerifier::create from the configuration: every key file read once, at start-up.

#include "broker/config/config.hpp"
#include "broker/config/paths.hpp"
#include "broker/security/jws_signer.hpp"
#include "broker/security/jwt_verifier.hpp"

namespace hie::security {
namespace {

/// `error` (located at the key file) as "SETTING: FILE: why", for the configuration's reader.
Error at_setting(const Error& error, const std::string& setting) {
  return Error(error.code(), setting + ": " + error.describe());
}

Result<TrustedIssuer> load_issuer(const config::JwtIssuer& configured, const std::string& setting) {
  TrustedIssuer issuer{configured.issuer, configured.audience, {}};
  for (std::size_t i = 0; i < configured.keys.size(); ++i) {
    const auto& file = configured.keys[i];
    auto key = load_public_key_pem_file(file.pem);
    if (!key) return at_setting(key.error(), setting + ".keys[" + std::to_string(i) + "].pem");
    issuer.keys.push_back({file.kid, "", std::move(*key)});
  }
  if (!configured.jwks.empty()) {
    auto jwks = load_jwks_file(configured.jwks);
    if (!jwks) return at_setting(jwks.error(), setting + ".jwks");
    for (auto& key : jwks->keys) issuer.keys.push_back(std::move(key));
  }
  return issuer;
}

}  // namespace

Result<std::shared_ptr<TokenVerifier>> TokenVerifier::create(const config::Jwt& config,
                                                             prometheus::Registry* registry) {
  std::vector<TrustedIssuer> issuers;
  for (std::size_t i = 0; i < config.issuers.size(); ++i) {
    auto issuer = load_issuer(config.issuers[i], "security.jwt.issuers[" + std::to_string(i) + "]");
    if (!issuer) return issuer.error();
    issuers.push_back(std::move(*issuer));
  }
  if (const auto& dev = config.dev_issuer;
      dev && !(dev->optional && !config::path_exists(dev->private_key))) {
    auto signer = JwsSigner::load_private_key_file(dev->private_key, dev->kid);
    if (!signer) return at_setting(signer.error(), "security.jwt.dev_issuer.private_key");
    issuers.push_back({dev->issuer, dev->audience, {{dev->kid, "", signer->public_key()}}});
  }
  return create(std::move(issuers), {config.clock_skew, config.token_cache_entries}, registry);
}

}  // namespace hie::security
