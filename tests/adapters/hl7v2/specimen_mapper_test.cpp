// SPM → Specimen through a whole ORU^R01: identifiers (EIP halves, parents), status from
// availability and reject reasons, the role, the collector from OBR-10, and which Observation
// refers to which specimen.

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

const std::string kTwoSpecimens =
    "MSH|^~\\&|LAB|H|||20240101120000+0000||ORU^R01|C1|P|2.5.1\r"
    "PID|1||123^^^H^MR||DOE^JANE\r"
    "OBR|1|P1|F1|1234-5^Panel^LN|||20240101100000+0000|||C99^COLLECT^CARL\r"
    "OBX|1|NM|2345-7^Glucose^LN||5.4|mmol/L|||||F\r"
    "SPM|1|S1^F-S1|PS1~^PF2|BLD^Blood^HL70487|||||||Q|2^mL|||||20240101093000+0000|||N|"
    "RB^Broken container^HL70490|||HEM^Hemolyzed^HL70493\r"
    "OBX|2|ST|1111-1^Appearance^LN||clear||||||F\r"
    "SPM|2|S2||SER^Serum^HL70487|||||||P\r";

TEST(Hl7SpecimenMapper, IdentifiersParentsAndType) {
  auto t = translate_message(kTwoSpecimens);
  auto specimens = all_of<model::Specimen>(t);
  ASSERT_EQ(specimens.size(), 2u);
  const auto& s = *specimens[0];
  ASSERT_EQ(s.identifier.size(), 2u);
  EXPECT_EQ(s.identifier[0].value, "S1");
  EXPECT_EQ(s.identifier[0].system, "urn:hiebroker:test-hie:id:specimen-placer");
  EXPECT_EQ(s.identifier[0].type->coding[0].code, "PGN");
  EXPECT_EQ(s.identifier[1].value, "F-S1");
  EXPECT_EQ(s.identifier[1].type->coding[0].code, "FGN");
  // One parent per SPM-3 repetition: the placer number when it is the only one, else the filler's.
  ASSERT_EQ(s.parent.size(), 2u);
  EXPECT_EQ(s.parent[0].type, "Specimen");
  EXPECT_EQ(s.parent[0].identifier->value, "PS1");
  EXPECT_EQ(s.parent[1].identifier->value, "PF2");
  ASSERT_TRUE(s.type);
  EXPECT_EQ(s.type->coding[0].system, "http://terminology.hl7.org/CodeSystem/v2-0487");
  EXPECT_EQ(s.type->coding[0].code, "BLD");
  EXPECT_EQ(s.subject->reference.rfind("Patient/", 0), 0u);
  EXPECT_EQ(s.meta->source, "test-hie");
}

TEST(Hl7SpecimenMapper, CollectionStatusAndConditions) {
  auto t = translate_message(kTwoSpecimens);
  const auto& s = *all_of<model::Specimen>(t).at(0);
  ASSERT_TRUE(s.collection);
  EXPECT_EQ(std::get<model::DateTime>(s.collection->collected).value, "2024-01-01T09:30:00+00:00");
  ASSERT_TRUE(s.collection->quantity);
  EXPECT_EQ(s.collection->quantity->value->text(), "2");
  EXPECT_EQ(s.collection->quantity->unit, "mL");
  // OBR-10 is the collector of every specimen of the OBR.
  ASSERT_TRUE(s.collection->collector);
  EXPECT_EQ(s.collection->collector->display, "CARL COLLECT");
  EXPECT_EQ(s.collection->collector->identifier->value, "C99");
  EXPECT_EQ(all_of<model::Specimen>(t).at(1)->collection->collector, s.collection->collector);
  // A reject reason makes the specimen unsatisfactory whatever SPM-20 says; the reasons and the
  // conditions are Specimen.condition.
  EXPECT_EQ(s.status, "unsatisfactory");
  ASSERT_EQ(s.condition.size(), 2u);
  EXPECT_EQ(s.condition[0].coding[0].code, "RB");
  EXPECT_EQ(s.condition[0].coding[0].system, "http://terminology.hl7.org/CodeSystem/v2-0490");
  EXPECT_EQ(s.condition[1].coding[0].code, "HEM");
}

TEST(Hl7SpecimenMapper, RoleOtherThanPatientIsReported) {
  auto t = translate_message(kTwoSpecimens);
  EXPECT_TRUE(has_issue_at(t, "SPM[1]-11"));   // Q: a control specimen
  EXPECT_FALSE(has_issue_at(t, "SPM[2]-11"));  // P: the patient's, as subject says
}

TEST(Hl7SpecimenMapper, ReportAndObservationsReferToTheirSpecimens) {
  auto t = translate_message(kTwoSpecimens);
  auto specimens = all_of<model::Specimen>(t);
  const auto& dr = *all_of<model::DiagnosticReport>(t).at(0);
  ASSERT_EQ(dr.specimen.size(), 2u);
  EXPECT_EQ(dr.specimen[0].reference, "Specimen/" + specimens[0]->id);
  EXPECT_EQ(dr.specimen[1].reference, "Specimen/" + specimens[1]->id);
  auto observations = all_of<model::Observation>(t);
  ASSERT_EQ(observations.size(), 2u);
  // Two specimens and no SPM before it: the glucose names none rather than guess.
  EXPECT_FALSE(observations[0]->specimen);
  // The OBX after SPM 1 observes that specimen.
  ASSERT_TRUE(observations[1]->specimen);
  EXPECT_EQ(observations[1]->specimen->reference, "Specimen/" + specimens[0]->id);
}

TEST(Hl7SpecimenMapper, OutputIsValidFhir) {
  auto t = translate_message(kTwoSpecimens);
  for (const auto& r : t.resources) {
    auto json = model::to_json(r);
    ASSERT_TRUE(json) << json.error().describe();
    EXPECT_TRUE(hie::testing::is_valid_fhir(*json)) << *json;
  }
}

TEST(Hl7SpecimenMapper, AvailabilityAndPeriod) {
  auto t = translate_message(
      "MSH|^~\\&|LAB|H|||20240101||ORU^R01|C2|P|2.5.1\r"
      "PID|1||123^^^H^MR||DOE^JANE\r"
      "OBR|1|P1|F1|1234-5^Panel^LN\r"
      "SPM|1|S1||BLD|||||||||||||20240101093000+0000^20240101094500+0000|||N\r"
      "SPM|2|S2||BLD||||||||||||||||X\r");
  auto specimens = all_of<model::Specimen>(t);
  ASSERT_EQ(specimens.size(), 2u);
  EXPECT_EQ(specimens[0]->status, "unavailable");
  const auto& period = std::get<model::Period>(specimens[0]->collection->collected);
  EXPECT_EQ(period.start, "2024-01-01T09:30:00+00:00");
  EXPECT_EQ(period.end, "2024-01-01T09:45:00+00:00");
  // Without OBR-7 the first specimen's collection time is the report's.
  const auto& dr = *all_of<model::DiagnosticReport>(t).at(0);
  EXPECT_EQ(std::get<model::Period>(dr.effective), period);
  EXPECT_TRUE(specimens[1]->status.empty());
  EXPECT_TRUE(has_issue_at(t, "SPM[2]-20"));  // X is not Y or N
}

TEST(Hl7SpecimenMapper, SpmBeforeAnyObrIsReported) {
  auto t = translate_message(
      "MSH|^~\\&|LAB|H|||20240101||ORU^R01|C3|P|2.5.1\r"
      "PID|1||123^^^H^MR||DOE^JANE\r"
      "SPM|1|S1||BLD\r"
      "OBR|1|P1|F1|1234-5^Panel^LN\r");
  EXPECT_TRUE(all_of<model::Specimen>(t).empty());
  EXPECT_TRUE(has_issue_at(t, "SPM"));
}

}  // namespace
}  // namespace hie::adapters::hl7v2
