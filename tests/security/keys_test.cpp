// PEM and JWKS loading: which keys are taken, which are left out, and how errors read.

#include <gtest/gtest.h>

#include "broker/security/base64url.hpp"
#include "broker/security/jwks.hpp"
#include "broker/security/jws_signature.hpp"
#include "broker/security/jws_signer.hpp"
#include "broker/security/public_key.hpp"
#include "tests/security/test_keys.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_certificates.hpp"

namespace hie::security {
namespace {

using testing::ec_key;
using testing::jwk_with;
using testing::rsa_key;

std::string jwks_of(std::initializer_list<std::string> keys) {
  std::string out = R"({"keys":[)";
  for (const auto& k : keys) out += (out.back() == '[' ? "" : ",") + k;
  return out + "]}";
}

std::string message_of(const Result<Jwks>& r) { return r ? "(ok)" : r.error().message(); }

TEST(PublicKeyPem, ReadsRsaAndEcPublicKeysAndCertificates) {
  auto rsa = parse_public_key_pem(rsa_key().public_pem);
  ASSERT_TRUE(rsa) << rsa.error().describe();
  EXPECT_EQ(rsa->type(), KeyType::rsa);
  EXPECT_EQ(rsa->bits(), 2048);
  auto ec = parse_public_key_pem(ec_key().public_pem);
  ASSERT_TRUE(ec) << ec.error().describe();
  EXPECT_EQ(ec->type(), KeyType::ec_p256);
  // The test PKI's certificates carry P-256 keys.
  auto cert = load_public_key_pem_file(hie::testing::test_certificates().server_cert);
  ASSERT_TRUE(cert) << cert.error().describe();
  EXPECT_EQ(cert->type(), KeyType::ec_p256);
}

TEST(PublicKeyPem, RefusesShortRsaOtherCurvesAndNonKeys) {
  EXPECT_EQ(parse_public_key_pem(testing::rsa_1024_key().public_pem).error().message(),
            "RSA key of 1024 bits: RS256 keys need 2048 bits or more");
  EXPECT_EQ(parse_public_key_pem(testing::ec_p384_key().public_pem).error().message(),
            "EC key on curve secp384r1: ES256 keys must be on P-256 (prime256v1)");
  EXPECT_EQ(parse_public_key_pem("hello").error().message(),
            "not a PEM public key (-----BEGIN PUBLIC KEY-----) or certificate");
}

TEST(PublicKeyPem, FileErrorsNameTheFile) {
  hie::testing::TempDir dir;
  auto missing = load_public_key_pem_file(dir.path("absent.pem"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().describe(), dir.path("absent.pem") + ": cannot read the file");
  auto bad = load_public_key_pem_file(
      dir.file("bad.pem", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().location(), dir.path("bad.pem"));
}

TEST(Jwks, ReadsRsaAndEcKeysWithTheirKids) {
  auto jwks = parse_jwks(jwks_of(
      {jwk_with(rsa_key(), "r1", R"("use":"sig","alg":"RS256")"), jwk_with(ec_key(), "e1")}));
  ASSERT_TRUE(jwks) << message_of(jwks);
  ASSERT_EQ(jwks->keys.size(), 2u);
  EXPECT_EQ(jwks->keys[0].kid, "r1");
  EXPECT_EQ(jwks->keys[0].alg, "RS256");
  EXPECT_EQ(jwks->keys[0].key.type(), KeyType::rsa);
  EXPECT_EQ(jwks->keys[1].kid, "e1");
  EXPECT_EQ(jwks->keys[1].alg, "");
  EXPECT_EQ(jwks->keys[1].key.type(), KeyType::ec_p256);
  EXPECT_TRUE(jwks->skipped.empty());

  // The JWK holds the same key as the PEM: what the private key signs, it verifies.
  auto signer = JwsSigner::from_private_key_pem(ec_key().private_pem, "e1").value();
  auto sig = signer.signature("a.b").value();
  EXPECT_TRUE(verify_jws_signature(jwks->keys[1].key, "a.b", sig));
  EXPECT_FALSE(verify_jws_signature(jwks->keys[1].key, "a.c", sig));
}

TEST(Jwks, LeavesOutKeysForOtherPurposesAndSaysWhy) {
  auto jwks = parse_jwks(jwks_of(
      {jwk_with(rsa_key(), "enc", R"("use":"enc")"), R"({"kty":"oct","k":"c2VjcmV0","kid":"hmac"})",
       jwk_with(testing::ec_p384_key(), "p384"), jwk_with(rsa_key(), "r512", R"("alg":"RS512")"),
       jwk_with(ec_key(), "e1")}));
  ASSERT_TRUE(jwks) << message_of(jwks);
  ASSERT_EQ(jwks->keys.size(), 1u);
  EXPECT_EQ(jwks->keys[0].kid, "e1");
  EXPECT_EQ(jwks->skipped, (std::vector<std::string>{"keys[0]: use \"enc\" is not sig",
                                                     "keys[1]: kty \"oct\" is not RSA or EC",
                                                     "keys[2]: curve \"P-384\" is not P-256",
                                                     "keys[3]: alg \"RS512\" is not accepted"}));
}

TEST(Jwks, NamesTheKeyAndTheFaultOfABrokenSet) {
  EXPECT_EQ(message_of(parse_jwks(R"({"keys":[{"kty":"RSA","e":"AQAB","kid":"x"}]})")),
            "keys[0]: RSA key has no \"n\"");
  EXPECT_EQ(message_of(parse_jwks(R"({"keys":[{"kty":"RSA","n":"a+b","e":"AQAB"}]})")),
            "keys[0]: RSA key \"n\" is not unpadded base64url");
  EXPECT_EQ(
      message_of(parse_jwks(R"({"keys":[{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA"}]})")),
      "keys[0]: EC key P-256 \"x\" and \"y\" must be 32 bytes each");
  // 32-byte coordinates that are not a point on the curve.
  const std::string thirty_two_ones = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE";
  auto off_curve = parse_jwks(R"({"keys":[{"kty":"EC","crv":"P-256","x":")" + thirty_two_ones +
                              R"(","y":")" + thirty_two_ones + R"("}]})");
  ASSERT_FALSE(off_curve);
  EXPECT_EQ(off_curve.error().message().rfind("keys[0]: EC key ", 0), 0u)
      << off_curve.error().message();
  EXPECT_EQ(message_of(parse_jwks(jwks_of({jwk_with(rsa_key(), "k"), jwk_with(ec_key(), "k")}))),
            "keys[1]: kid \"k\" is used twice");
  EXPECT_EQ(message_of(parse_jwks(R"({"keys":[{"kty":"oct","k":"c2VjcmV0"}]})")),
            "has no RSA or EC P-256 signature key");
  EXPECT_EQ(message_of(parse_jwks(R"({"key":[]})")), "a JWKS is an object with a \"keys\" array");
  EXPECT_EQ(message_of(parse_jwks("{")).rfind("not JSON: ", 0), 0u);
  EXPECT_EQ(message_of(parse_jwks(R"({"keys":[{"kty":"RSA","kid":7}]})")),
            "keys[0]: \"kid\" is not a string");
}

TEST(Jwks, FileErrorsNameTheFile) {
  hie::testing::TempDir dir;
  auto jwks = load_jwks_file(dir.file("jwks.json", R"({"keys":[]})"));
  ASSERT_FALSE(jwks);
  EXPECT_EQ(jwks.error().describe(),
            dir.path("jwks.json") + ": has no RSA or EC P-256 signature key");
}

TEST(JwsSigner, SignsEs256AsRawRAndSAndRs256ByTheKey) {
  auto ec = JwsSigner::from_private_key_pem(ec_key().private_pem, "e1").value();
  EXPECT_EQ(ec.alg(), "ES256");
  EXPECT_EQ(ec.signature("x").value().size(), 64u);
  auto rsa = JwsSigner::from_private_key_pem(rsa_key().private_pem, "r1").value();
  EXPECT_EQ(rsa.alg(), "RS256");
  EXPECT_EQ(rsa.signature("x").value().size(), 256u);
  auto token = rsa.sign(R"({"sub":"a"})").value();
  EXPECT_EQ(token.substr(0, token.find('.')),
            base64url_encode(R"({"alg":"RS256","typ":"JWT","kid":"r1"})"));
  EXPECT_FALSE(JwsSigner::from_private_key_pem(ec_key().public_pem, "x"));
}

}  // namespace
}  // namespace hie::security
