// The token as a whole: its shape, header, issuer, key and signature.

#include <gtest/gtest.h>

#include <set>

#include "broker/security/base64url.hpp"
#include "broker/security/jws_signature.hpp"
#include "tests/security/verifier_fixture.hpp"

namespace hie::security::testing {
namespace {

TEST_F(VerifierTest, AcceptsRs256AndGivesThePrincipal) {
  auto result = verify(rs256(patient_claims().text("jti", "t-1").text("fhirUser", "Patient/p1")));
  ASSERT_TRUE(result) << result.error().message();
  const Principal& p = **result;
  EXPECT_EQ(p.issuer, kIdp);
  EXPECT_EQ(p.subject, "patient-42");
  EXPECT_EQ(p.kind, ContextKind::patient);
  EXPECT_EQ(p.patient, kNhsNumber);
  EXPECT_EQ(p.token_id, "t-1");
  EXPECT_EQ(p.fhir_user, "Patient/p1");
  EXPECT_EQ(p.purpose_of_use, "");
  EXPECT_EQ(p.expires, std::chrono::system_clock::time_point(std::chrono::seconds(kNow + 300)));
  EXPECT_TRUE(p.allows("Observation", Access::read));
  EXPECT_TRUE(p.allows("Condition", Access::search));
  EXPECT_FALSE(p.allows("Condition", Access::create));
}

TEST_F(VerifierTest, AcceptsEs256) {
  auto result = verify(es256(patient_claims().text("scope", "patient/Observation.rs")));
  ASSERT_TRUE(result) << result.error().message();
  EXPECT_EQ((*result)->patient, kNhsNumber);
  EXPECT_TRUE((*result)->allows("Observation", Access::search));
  EXPECT_FALSE((*result)->allows("Condition", Access::read));
}

TEST_F(VerifierTest, RefusesAlgNoneInAnySpelling) {
  const std::string payload = patient_claims().json();
  auto none = verify(compact(R"({"alg":"none"})", payload, ""));
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().refusal(), Refusal::alg_none);
  EXPECT_EQ(none.error().message(), "alg none is refused");
  // With a signature that a naive verifier would ignore, and another spelling.
  EXPECT_EQ(outcome(compact(R"({"alg":"None","kid":"r1"})", payload, "sig")), "alg_none");
  EXPECT_EQ(outcome(compact(R"({"alg":"NONE"})", payload, "")), "alg_none");
}

TEST_F(VerifierTest, RefusesHmacEvenKeyedWithThePublicKey) {
  // The classic confusion attack: HS256 "signed" with the RSA public key as the shared secret.
  auto token = compact(R"({"alg":"HS256","kid":"r1"})", patient_claims().json(),
                       rsa_key().public_pem.substr(0, 32));
  auto result = verify(token);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().refusal(), Refusal::alg_hmac);
  EXPECT_EQ(result.error().message(), "HMAC algorithms (HS256, HS384, HS512) are refused");
  EXPECT_EQ(outcome(compact(R"({"alg":"HS512"})", patient_claims().json(), "x")), "alg_hmac");
}

TEST_F(VerifierTest, RefusesEveryOtherAlg) {
  for (std::string alg : {"RS512", "PS256", "ES384", "EdDSA", "rs256", ""}) {
    auto token =
        signed_token(rsa_, R"({"alg":")" + alg + R"(","kid":"r1"})", patient_claims().json());
    EXPECT_EQ(outcome(token), "alg_unsupported") << alg;
  }
  EXPECT_EQ(outcome(signed_token(rsa_, R"({"kid":"r1"})", patient_claims().json())),
            "alg_unsupported");
  EXPECT_EQ(outcome(signed_token(rsa_, R"({"alg":256,"kid":"r1"})", patient_claims().json())),
            "bad_claim");
}

TEST_F(VerifierTest, RefusesCritExtensions) {
  auto token = signed_token(rsa_, R"({"alg":"RS256","kid":"r1","crit":["b64"],"b64":false})",
                            patient_claims().json());
  EXPECT_EQ(outcome(token), "crit_unsupported");
}

TEST_F(VerifierTest, KidChoosesTheKey) {
  EXPECT_EQ(outcome(rs256(patient_claims(), "r2")), "unknown_kid");
  EXPECT_EQ(verify(rs256(patient_claims(), "r2")).error().message(), "unknown kid");
  // ES256 naming the RSA key: the key is not for this alg.
  EXPECT_EQ(outcome(signed_token(ec_, R"({"alg":"ES256","kid":"r1"})", patient_claims().json())),
            "key_alg_mismatch");
  EXPECT_EQ(outcome(signed_token(rsa_, R"({"alg":"RS256","kid":7})", patient_claims().json())),
            "bad_claim");
}

TEST_F(VerifierTest, NoKidOnlyForAnIssuerWithOneKey) {
  EXPECT_EQ(outcome(signed_token(rsa_, R"({"alg":"RS256"})", patient_claims().json())),
            "kid_required");
  auto solo = patient_claims().text("iss", kSolo).text("aud", "solo");
  EXPECT_EQ(outcome(signed_token(ec_, R"({"alg":"ES256"})", solo.json())), "accepted");
  // A kid the lone key does not have is still unknown.
  EXPECT_EQ(outcome(signed_token(ec_, R"({"alg":"ES256","kid":"e1"})", solo.json())),
            "unknown_kid");
}

TEST_F(VerifierTest, RefusesASignatureByAnotherKey) {
  auto token = signed_token(stranger_, R"({"alg":"RS256","kid":"r1"})", patient_claims().json());
  auto result = verify(token);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().refusal(), Refusal::bad_signature);
  EXPECT_EQ(result.error().message(), "signature does not verify");
}

TEST_F(VerifierTest, RefusesATamperedPayloadOrHeader) {
  for (const std::string& token : {rs256(patient_claims()), es256(patient_claims())}) {
    auto first_dot = token.find('.'), second_dot = token.rfind('.');
    // Another patient's number in place of the signed one.
    auto other = base64url_encode(patient_claims().text("patient", "4010232137").json());
    EXPECT_EQ(outcome(token.substr(0, first_dot + 1) + other + token.substr(second_dot)),
              "bad_signature");
    // The same header with a key URL added (never followed, and not what was signed).
    auto header = base64url_decode(token.substr(0, first_dot)).value();
    auto changed = base64url_encode(header.substr(0, header.size() - 1) +
                                    R"(,"x5u":"https://evil.example/k"})");
    EXPECT_EQ(outcome(changed + token.substr(first_dot)), "bad_signature");
    // A flipped bit in the signature.
    std::string flipped = token;
    flipped[second_dot + 5] = flipped[second_dot + 5] == 'A' ? 'B' : 'A';
    EXPECT_EQ(outcome(flipped), "bad_signature");
  }
  // ES256 signatures are exactly 64 bytes; a DER signature is not accepted.
  auto token = es256(patient_claims());
  auto input = token.substr(0, token.rfind('.'));
  auto der = es256_raw_to_der(ec_.signature(input).value()).value();
  EXPECT_EQ(outcome(input + "." + base64url_encode(der)), "bad_signature");
}

TEST_F(VerifierTest, RefusesUntrustedOrMissingIssuer) {
  EXPECT_EQ(outcome(rs256(patient_claims().text("iss", "https://evil.example"))),
            "untrusted_issuer");
  EXPECT_EQ(verify(rs256(patient_claims().text("iss", "https://idp.example/"))).error().message(),
            "issuer is not trusted");
  EXPECT_EQ(outcome(rs256(patient_claims().erase("iss"))), "missing_issuer");
  EXPECT_EQ(outcome(rs256(patient_claims().number("iss", 1))), "bad_claim");
  // The right key but the other issuer's name: its keys do not include r1.
  EXPECT_EQ(outcome(rs256(patient_claims().text("iss", kSolo).text("aud", "solo"))), "unknown_kid");
}

TEST_F(VerifierTest, RefusesMalformedTokens) {
  const auto good = rs256(patient_claims());
  for (const std::string& token :
       std::vector<std::string>{"", "abc", "a.b", "a.b.c.d", ".b.c", "a..c", good + "."})
    EXPECT_EQ(outcome(token), "malformed") << token;
  EXPECT_EQ(verify("a.b").error().message(), "token is not three dot-separated parts");
  // Padding, the standard alphabet, whitespace: each a bad_base64.
  auto first_dot = good.find('.');
  EXPECT_EQ(outcome(good.substr(0, first_dot) + "=" + good.substr(first_dot)), "bad_base64");
  EXPECT_EQ(outcome("+" + good.substr(1)), "bad_base64");
  EXPECT_EQ(outcome(good.substr(0, first_dot + 1) + " " + good.substr(first_dot + 1)),
            "bad_base64");
  EXPECT_EQ(outcome(good + "="), "bad_base64");
  // Not JSON, not an object, trailing text, invalid UTF-8.
  for (std::string header :
       {"{", "[]", "\"alg\"", R"({"alg":"RS256"} x)", "{\"alg\":\"RS256\xff\"}"})
    EXPECT_EQ(outcome(compact(header, patient_claims().json(), "sig")), "bad_json") << header;
  EXPECT_EQ(outcome(signed_token(rsa_, R"({"alg":"RS256","kid":"r1"})", "not json")), "bad_json");
  EXPECT_EQ(outcome(signed_token(rsa_, R"({"alg":"RS256","kid":"r1"})", "[1]")), "bad_json");
}

TEST_F(VerifierTest, RefusesRepeatedMembers) {
  EXPECT_EQ(outcome(compact(R"({"alg":"RS256","alg":"none"})", patient_claims().json(), "sig")),
            "duplicate_member");
  auto twice = patient_claims().json();
  twice.insert(1, R"("patient":"4010232137",)");
  EXPECT_EQ(outcome(signed_token(rsa_, R"({"alg":"RS256","kid":"r1"})", twice)),
            "duplicate_member");
}

TEST_F(VerifierTest, BoundsNestingAndSize) {
  std::string deep16 =
      std::string(15, '[') + std::string(15, ']');  // + the object itself: 16 levels
  std::string deep17 = std::string(16, '[') + std::string(16, ']');
  EXPECT_EQ(outcome(rs256(patient_claims().set("x", deep16))), "accepted");
  EXPECT_EQ(outcome(rs256(patient_claims().set("x", deep17))), "too_deep");
  EXPECT_EQ(outcome(compact(R"({"alg":"RS256","x":)" + std::string(5000, '[') + "}", "{}", "s")),
            "too_deep");

  // The longest token up to 8192 bytes is accepted; the next one is refused before decoding.
  // (Tokens grow by one or two characters per padding byte, so 8192 itself may be skipped.)
  std::string below, above;
  for (std::size_t padding = 5400; above.empty(); ++padding) {
    auto token = rs256(patient_claims().text("pad", std::string(padding, 'p')));
    (token.size() <= kMaxTokenBytes ? below : above) = token;
  }
  EXPECT_GE(below.size(), kMaxTokenBytes - 1);
  EXPECT_EQ(outcome(below), "accepted");
  EXPECT_LE(above.size(), kMaxTokenBytes + 2);
  EXPECT_EQ(outcome(above), "oversized");
  EXPECT_EQ(verify(std::string(100'000, 'A')).error().message(), "token is longer than 8192 bytes");
}

TEST_F(VerifierTest, EveryRefusalHasItsOwnWordAndOneLineReason) {
  std::set<std::string_view> words, reasons;
  for (Refusal r : all_refusals()) {
    EXPECT_TRUE(words.insert(word(r)).second) << word(r);
    EXPECT_TRUE(reasons.insert(reason(r)).second) << reason(r);
    EXPECT_EQ(reason(r).find('\n'), std::string_view::npos);
    EXPECT_FALSE(reason(r).empty());
  }
  EXPECT_EQ(words.size(), 25u);
}

TEST(BearerToken, TakesTheTokenOfABearerHeader) {
  EXPECT_EQ(bearer_token("Bearer abc.def.ghi"), "abc.def.ghi");
  EXPECT_EQ(bearer_token("bearer   abc "), "abc");
  EXPECT_EQ(bearer_token("BEARER abc"), "abc");
  EXPECT_EQ(bearer_token("Basic dXNlcjpwYXNz"), std::nullopt);
  EXPECT_EQ(bearer_token("Bearer"), std::nullopt);
  EXPECT_EQ(bearer_token("Bearer "), std::nullopt);
  EXPECT_EQ(bearer_token("Bearerabc"), std::nullopt);
  EXPECT_EQ(bearer_token("Bearer a b"), std::nullopt);
}

}  // namespace
}  // namespace hie::security::testing
