// PPR^PC1: PRB (+ NTE) → Condition on the problem list, with the FHIR invariants that tie
// clinicalStatus, verificationStatus and abatement together.

#include <gtest/gtest.h>

#include "adapters/hl7v2/hl7v2_adapter.hpp"
#include "broker/model/json.hpp"
#include "tests/adapters/hl7v2/sample_support.hpp"
#include "tests/support/fhir_validator.hpp"

namespace hie::adapters::hl7v2 {
namespace {

using sample_support::all_of;
using sample_support::has_issue_at;
using sample_support::translate_message;

// PRB 1: everything mapped; PRB 2: deleted; PRB 3: entered in error yet active (con-5);
// PRB 4: a resolution date while active (con-4), onset as text.
const std::string kProblems =
    "MSH|^~\\&|EHR|H|||20240101||PPR^PC1|P1|P|2.6\r"
    "PID|1||X1^^^H^MR||DOE^JO\r"
    "PRB|AD|20240101120000+0000|I10^Hypertension^I10|P-1^EHR|||||20230101||||CONFIRMED|RESOLVED||"
    "20220505"
    "||||||||||MO^Moderate^L\r"
    "NTE|1||noted at review\r"
    "PRB|DE|20240101|X^Y^L|P-2\r"
    "PRB|UP|20240101|E11^Diabetes^I10|P-3|||||||||entered-in-error|active\r"
    "PRB|AD|20240101|Z^Z^L|P-4|||||20230101||||confirmed|active|||onset text here\r";

TEST(Hl7MapProblems, ProblemWithEveryMappedField) {
  auto t = translate_message(kProblems);
  auto conditions = all_of<model::Condition>(t);
  ASSERT_EQ(conditions.size(), 3u);  // the deleted problem makes none
  const auto& c = *conditions[0];
  ASSERT_EQ(c.category.size(), 1u);
  EXPECT_EQ(c.category[0].coding[0].code, "problem-list-item");
  ASSERT_TRUE(c.code);
  EXPECT_EQ(c.code->coding[0].system, "http://hl7.org/fhir/sid/icd-10");
  EXPECT_EQ(c.code->coding[0].code, "I10");
  ASSERT_EQ(c.identifier.size(), 1u);
  EXPECT_EQ(c.identifier[0].value, "P-1");
  EXPECT_EQ(c.identifier[0].system, "urn:hiebroker:test-hie:id:EHR");
  EXPECT_EQ(c.recorded_date, "2024-01-01T12:00:00+00:00");
  EXPECT_EQ(std::get<model::DateTime>(c.onset).value, "2022-05-05");
  ASSERT_TRUE(c.verification_status);
  EXPECT_EQ(c.verification_status->coding[0].code, "confirmed");
  ASSERT_TRUE(c.clinical_status);
  EXPECT_EQ(c.clinical_status->coding[0].system,
            "http://terminology.hl7.org/CodeSystem/condition-clinical");
  EXPECT_EQ(c.clinical_status->coding[0].code, "resolved");
  EXPECT_EQ(std::get<model::DateTime>(c.abatement).value, "2023-01-01");
  ASSERT_TRUE(c.severity);
  EXPECT_EQ(c.severity->coding[0].code, "MO");
  ASSERT_EQ(c.note.size(), 1u);
  EXPECT_EQ(c.note[0].text, "noted at review");
  EXPECT_EQ(c.subject.reference.rfind("Patient/", 0), 0u);
  EXPECT_FALSE(has_issue_at(t, "PRB[1]-9"));
}

TEST(Hl7MapProblems, DeletedProblemIsReportedNotWritten) {
  auto t = translate_message(kProblems);
  EXPECT_TRUE(has_issue_at(t, "PRB[2]-1"));
  EXPECT_TRUE(has_issue_at(t, "PRB[2]"));  // and the segment is in the unused-input report
}

TEST(Hl7MapProblems, EnteredInErrorKeepsNoClinicalStatus) {
  auto t = translate_message(kProblems);
  const auto& c = *all_of<model::Condition>(t).at(1);
  EXPECT_EQ(c.verification_status->coding[0].code, "entered-in-error");
  EXPECT_FALSE(c.clinical_status);
  EXPECT_TRUE(has_issue_at(t, "PRB[3]-14"));
}

TEST(Hl7MapProblems, AbatementOnlyWithAnInactiveStatus) {
  auto t = translate_message(kProblems);
  const auto& c = *all_of<model::Condition>(t).at(2);
  EXPECT_EQ(c.clinical_status->coding[0].code, "active");
  EXPECT_TRUE(std::holds_alternative<std::monostate>(c.abatement));
  EXPECT_TRUE(has_issue_at(t, "PRB[4]-9"));
  EXPECT_EQ(std::get<std::string>(c.onset), "onset text here");
}

TEST(Hl7MapProblems, OutputIsValidFhir) {
  auto t = translate_message(kProblems);
  for (const auto& r : t.resources) {
    auto json = model::to_json(r);
    ASSERT_TRUE(json) << json.error().describe();
    EXPECT_TRUE(hie::testing::is_valid_fhir(*json)) << *json;
  }
}

}  // namespace
}  // namespace hie::adapters::hl7v2
