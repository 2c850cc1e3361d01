// The claims of a well-signed token: time, audience, subject, patient, purpose of use.

#include <gtest/gtest.h>

#include "tests/security/verifier_fixture.hpp"

namespace hie::security::testing {
namespace {

TEST_F(VerifierTest, ExpIsRequiredAndChecksWithTheClockSkew) {
  auto missing = verify(rs256(patient_claims().erase("exp")));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message(), "exp claim is required");
  auto text = verify(rs256(patient_claims().text("exp", "tomorrow")));
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().message(), "claim has the wrong type: exp");

  // Skew 60 s: expired 59 s ago still passes, 60 s ago does not.
  EXPECT_EQ(outcome(rs256(patient_claims().number("exp", kNow - 59))), "accepted");
  auto expired = verify(rs256(patient_claims().number("exp", kNow - 60)));
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().refusal(), Refusal::expired);
  EXPECT_EQ(expired.error().message(), "expired");
  // The same token, earlier and later.
  auto token = rs256(patient_claims());
  EXPECT_EQ(outcome(token, kNow + 300 + 59), "accepted");
  EXPECT_EQ(outcome(token, kNow + 300 + 60), "expired");
  // Fractional NumericDate and far-future values stay well-defined.
  EXPECT_EQ(outcome(rs256(patient_claims().set("exp", "1700000100.5"))), "accepted");
  auto far = verify(rs256(patient_claims().set("exp", "1e300")));
  ASSERT_TRUE(far);
  EXPECT_GT((*far)->expires, std::chrono::system_clock::time_point(std::chrono::seconds(kNow)));
}

TEST_F(VerifierTest, NbfInTheFutureIsRefusedBeyondTheSkew) {
  EXPECT_EQ(outcome(rs256(patient_claims().number("nbf", kNow + 60))), "accepted");
  auto early = verify(rs256(patient_claims().number("nbf", kNow + 61)));
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().refusal(), Refusal::not_yet_valid);
  EXPECT_EQ(early.error().message(), "not valid yet (nbf is in the future)");
  EXPECT_EQ(outcome(rs256(patient_claims().text("nbf", "now"))), "bad_claim");
}

TEST_F(VerifierTest, ZeroSkewIsExact) {
  verifier_ = make_verifier({std::chrono::seconds(0), 0});
  EXPECT_EQ(outcome(rs256(patient_claims().number("exp", kNow + 1))), "accepted");
  EXPECT_EQ(outcome(rs256(patient_claims().number("exp", kNow))), "expired");
  EXPECT_EQ(outcome(rs256(patient_claims().number("nbf", kNow + 1))), "not_yet_valid");
}

TEST_F(VerifierTest, AudienceMustContainTheIssuersAudience) {
  auto wrong = verify(rs256(patient_claims().text("aud", "https://other.example/fhir")));
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().refusal(), Refusal::audience_mismatch);
  EXPECT_EQ(wrong.error().message(), "audience mismatch");
  EXPECT_EQ(outcome(rs256(patient_claims().erase("aud"))), "audience_mismatch");
  EXPECT_EQ(outcome(rs256(patient_claims().set("aud", "[]"))), "audience_mismatch");
  EXPECT_EQ(outcome(rs256(patient_claims().set("aud", R"(["a", "https://broker.example/fhir"])"))),
            "accepted");
  EXPECT_EQ(outcome(rs256(patient_claims().set("aud", R"(["a", "b"])"))), "audience_mismatch");
  EXPECT_EQ(outcome(rs256(patient_claims().set("aud", R"(["https://broker.example/fhir", 1])"))),
            "bad_claim");
  // The solo issuer's audience is not the idp's.
  EXPECT_EQ(
      outcome(signed_token(ec_, R"({"alg":"ES256"})", patient_claims().text("iss", kSolo).json())),
      "audience_mismatch");
}

TEST_F(VerifierTest, SubjectIsRequired) {
  EXPECT_EQ(outcome(rs256(patient_claims().erase("sub"))), "missing_subject");
  EXPECT_EQ(outcome(rs256(patient_claims().text("sub", ""))), "missing_subject");
  EXPECT_EQ(outcome(rs256(patient_claims().number("sub", 42))), "bad_claim");
}

TEST_F(VerifierTest, PatientClaimMustBeAValidNhsNumber) {
  for (std::string bad : {"\"9434765918\"", "\"943 476 5919\"", "\"123\"", "\"\"", "9434765919"})
    EXPECT_EQ(outcome(rs256(patient_claims().set("patient", bad))), "bad_patient") << bad;
  EXPECT_EQ(verify(rs256(patient_claims().text("patient", "9434765918"))).error().message(),
            "patient claim is not a valid NHS number");
}

TEST_F(VerifierTest, UserTokensMustCarryAPurposeOfUse) {
  auto user = patient_claims().erase("patient").text("scope", "user/*.read");
  auto refused = verify(rs256(user));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().refusal(), Refusal::missing_purpose);
  EXPECT_EQ(refused.error().message(), "user tokens must carry purpose_of_use");

  auto accepted = verify(rs256(user.text("purpose_of_use", "TREAT")));
  ASSERT_TRUE(accepted) << accepted.error().message();
  EXPECT_EQ((*accepted)->kind, ContextKind::user);
  EXPECT_EQ((*accepted)->purpose_of_use, "TREAT");
  EXPECT_EQ((*accepted)->patient, "");
  EXPECT_TRUE((*accepted)->allows("Observation", Access::read));

  EXPECT_EQ(outcome(rs256(user.text("purpose_of_use", "treat"))), "bad_purpose");
  EXPECT_EQ(outcome(rs256(user.set("purpose_of_use", R"(["TREAT"])"))), "bad_purpose");
  // No scopes at all: still a user token, and still needs a purpose.
  EXPECT_EQ(outcome(rs256(patient_claims().erase("patient").erase("scope"))), "missing_purpose");
}

TEST_F(VerifierTest, SystemTokensNeedNoPurpose) {
  auto result = verify(rs256(patient_claims().erase("patient").text("scope", "system/*.read")));
  ASSERT_TRUE(result) << result.error().message();
  EXPECT_EQ((*result)->kind, ContextKind::system);
  EXPECT_TRUE((*result)->allows("Encounter", Access::search));
  // user/ beside system/: a user, who must say why.
  EXPECT_EQ(
      outcome(rs256(patient_claims().erase("patient").text("scope", "system/*.read user/*.read"))),
      "missing_purpose");
}

TEST_F(VerifierTest, APatientTokenGrantsOnlyItsPatientScopes) {
  auto result = verify(rs256(patient_claims().text("scope", "user/*.read system/*.read")));
  ASSERT_TRUE(result);
  EXPECT_EQ((*result)->kind, ContextKind::patient);
  EXPECT_FALSE((*result)->allows("Observation", Access::read));
}

TEST_F(VerifierTest, ScopeAsAnArrayAndIgnoredWords) {
  auto result =
      verify(rs256(patient_claims().set("scope", R"(["patient/Observation.rs", "nonsense"])")));
  ASSERT_TRUE(result);
  EXPECT_TRUE((*result)->allows("Observation", Access::read));
  EXPECT_EQ((*result)->scopes.ignored_words(), 1u);
  EXPECT_EQ(outcome(rs256(patient_claims().number("scope", 1))), "bad_claim");
}

}  // namespace
}  // namespace hie::security::testing
