// TokenVerifier::create from the configuration: PEM files, a JWKS file, the development issuer.

#include <gtest/gtest.h>

#include "broker/config/config.hpp"
#include "tests/security/verifier_fixture.hpp"
#include "tests/support/temp_dir.hpp"

namespace hie::security::testing {
namespace {

class VerifierFromConfig : public ::testing::Test {
 protected:
  VerifierFromConfig() {
    config::JwtIssuer idp{
        kIdp,
        kAudience,
        {{"r1", dir_.file("idp.pem", rsa_key().public_pem)}},
        dir_.file("idp-jwks.json", R"({"keys":[)" + jwk_with(ec_key(), "e1") + "]}")};
    jwt_.issuers.push_back(idp);
    jwt_.dev_issuer = config::DevIssuer{};
    jwt_.dev_issuer->private_key = dir_.file("dev-issuer.key", ec_key().private_pem);
  }
  std::string message_of(const Result<std::shared_ptr<TokenVerifier>>& r) const {
    return r ? "(ok)" : r.error().describe();
  }

  hie::testing::TempDir dir_;
  config::Jwt jwt_;
  JwsSigner rsa_ = JwsSigner::from_private_key_pem(rsa_key().private_pem, "r1").value();
  JwsSigner ec_ = JwsSigner::from_private_key_pem(ec_key().private_pem, "e1").value();
};

Claims claims_for(const std::string& iss, const std::string& aud) {
  Claims c;
  c.text("iss", iss)
      .text("aud", aud)
      .text("sub", "s")
      .text("patient", kNhsNumber)
      .number("exp", kNow + 60);
  return c;
}

TEST_F(VerifierFromConfig, TrustsPemJwksAndDevIssuerKeys) {
  auto verifier = TokenVerifier::create(jwt_);
  ASSERT_TRUE(verifier) << message_of(verifier);
  ASSERT_EQ((*verifier)->issuers().size(), 2u);
  EXPECT_EQ((*verifier)->issuers()[1].issuer, "https://hiebroker.dev/issuer");
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(kNow));
  EXPECT_TRUE((*verifier)->verify(rsa_.sign(claims_for(kIdp, kAudience).json()).value(), now));
  EXPECT_TRUE((*verifier)->verify(ec_.sign(claims_for(kIdp, kAudience).json()).value(), now));
  auto dev = JwsSigner::from_private_key_pem(ec_key().private_pem, "dev").value();
  auto dev_token =
      dev.sign(claims_for("https://hiebroker.dev/issuer", "hiebroker-dev").json()).value();
  EXPECT_TRUE((*verifier)->verify(dev_token, now));
  // The dev issuer's audience is its own.
  EXPECT_FALSE((*verifier)->verify(
      dev.sign(claims_for("https://hiebroker.dev/issuer", kAudience).json()).value(), now));
}

TEST_F(VerifierFromConfig, AnOptionalDevIssuerWithoutItsKeyIsLeftOut) {
  jwt_.dev_issuer->private_key = dir_.path("absent.key");
  jwt_.dev_issuer->optional = true;
  auto verifier = TokenVerifier::create(jwt_);
  ASSERT_TRUE(verifier) << message_of(verifier);
  EXPECT_EQ((*verifier)->issuers().size(), 1u);
  jwt_.dev_issuer->optional = false;
  EXPECT_EQ(
      message_of(TokenVerifier::create(jwt_)),
      "security.jwt.dev_issuer.private_key: " + dir_.path("absent.key") + ": cannot read the file");
}

TEST_F(VerifierFromConfig, KeyFileErrorsNameTheSettingAndTheFile) {
  jwt_.issuers[0].keys[0].pem = dir_.file("bad.pem", "not a key");
  EXPECT_EQ(message_of(TokenVerifier::create(jwt_)),
            "security.jwt.issuers[0].keys[0].pem: " + dir_.path("bad.pem") +
                ": not a PEM public key (-----BEGIN PUBLIC KEY-----) or certificate");
  jwt_.issuers[0].keys[0].pem = dir_.file("short.pem", rsa_1024_key().public_pem);
  EXPECT_EQ(message_of(TokenVerifier::create(jwt_)),
            "security.jwt.issuers[0].keys[0].pem: " + dir_.path("short.pem") +
                ": RSA key of 1024 bits: RS256 keys need 2048 bits or more");
  jwt_.issuers[0].keys.clear();
  jwt_.issuers[0].jwks = dir_.file("jwks.json", "[]");
  EXPECT_EQ(message_of(TokenVerifier::create(jwt_)),
            "security.jwt.issuers[0].jwks: " + dir_.path("jwks.json") +
                ": a JWKS is an object with a \"keys\" array");
  jwt_.dev_issuer->private_key = dir_.file("dev.key", ec_key().public_pem);
  jwt_.issuers.clear();
  EXPECT_EQ(message_of(TokenVerifier::create(jwt_)),
            "security.jwt.dev_issuer.private_key: " + dir_.path("dev.key") +
                ": not an unencrypted PEM private key");
}

TEST_F(VerifierFromConfig, AKidNamingTwoKeysOrAKeylessIssuerIsRefused) {
  jwt_.issuers[0].keys[0].kid = "e1";  // the JWKS has e1 too
  EXPECT_EQ(message_of(TokenVerifier::create(jwt_)),
            "issuer \"https://idp.example\": kid \"e1\" names two keys");
  jwt_.issuers[0].keys[0].kid = "";
  EXPECT_EQ(
      message_of(TokenVerifier::create(jwt_)),
      "issuer \"https://idp.example\": a key without kid beside other keys could never be used");
  EXPECT_EQ(message_of(TokenVerifier::create(
                std::vector<TrustedIssuer>{{"https://x.example", "a", {}}}, VerifierSettings{})),
            "issuer \"https://x.example\": has no keys");
}

}  // namespace
}  // namespace hie::security::testing
