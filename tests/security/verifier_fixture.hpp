#pragma once
// A verifier trusting two issuers, and signers for tokens it should accept or refuse:
//   https://idp.example (audience https://broker.example/fhir): RSA key "r1", EC key "e1"
//   https://solo.example (audience solo): one EC key without kid

#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include "broker/security/jwt_verifier.hpp"
#include "tests/security/test_keys.hpp"
#include "tests/security/token_forge.hpp"

namespace hie::security::testing {

inline const std::string kIdp = "https://idp.example";
inline const std::string kAudience = "https://broker.example/fhir";
inline const std::string kSolo = "https://solo.example";
inline const std::string kNhsNumber = "9434765919";

class VerifierTest : public ::testing::Test {
 protected:
  static std::shared_ptr<TokenVerifier> make_verifier(VerifierSettings settings = {},
                                                      prometheus::Registry* registry = nullptr) {
    std::vector<TrustedIssuer> issuers = {
        {kIdp,
         kAudience,
         {{"r1", "", parse_public_key_pem(rsa_key().public_pem).value()},
          {"e1", "", parse_public_key_pem(ec_key().public_pem).value()}}},
        {kSolo, "solo", {{"", "", parse_public_key_pem(ec_key().public_pem).value()}}}};
    return TokenVerifier::create(std::move(issuers), settings, registry).value();
  }

  /// A patient token of the idp that the verifier accepts as of kNow.
  static Claims patient_claims() {
    Claims c;
    c.text("iss", kIdp)
        .text("aud", kAudience)
        .text("sub", "patient-42")
        .text("patient", kNhsNumber);
    c.text("scope", "openid patient/*.read").number("exp", kNow + 300).number("iat", kNow);
    return c;
  }

  std::string rs256(const Claims& claims, const std::string& kid = "r1") const {
    return signed_token(rsa_, R"({"alg":"RS256","typ":"JWT","kid":")" + kid + R"("})",
                        claims.json());
  }
  std::string es256(const Claims& claims, const std::string& kid = "e1") const {
    return signed_token(ec_, R"({"alg":"ES256","kid":")" + kid + R"("})", claims.json());
  }

  TokenResult verify(const std::string& token, std::int64_t at = kNow) const {
    return verifier_->verify(token,
                             std::chrono::system_clock::time_point(std::chrono::seconds(at)));
  }
  /// The refusal word, or "accepted".
  std::string outcome(const std::string& token, std::int64_t at = kNow) const {
    auto result = verify(token, at);
    return result ? "accepted" : std::string(result.error().word());
  }

  JwsSigner rsa_ = JwsSigner::from_private_key_pem(rsa_key().private_pem, "r1").value();
  JwsSigner ec_ = JwsSigner::from_private_key_pem(ec_key().private_pem, "e1").value();
  JwsSigner stranger_ = JwsSigner::from_private_key_pem(second_rsa_key().private_pem, "r1").value();
  // No cache: each test sees the full check on every call.
  std::shared_ptr<TokenVerifier> verifier_ = make_verifier({std::chrono::seconds(60), 0});
};

}  // namespace hie::security::testing
