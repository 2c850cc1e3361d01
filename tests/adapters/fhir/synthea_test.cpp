// The two Synthea transaction Bundles: the values a clinician would check, every urn:uuid
// reference resolved to a resource of the output, conditional references to Practitioner,
// Organization and Location (not in these Bundles) kept as logical references, and the dropped
// types reported.

#include <gtest/gtest.h>

#include <set>

#include "adapters/fhir/reference_walker.hpp"
#include "tests/adapters/fhir/fhir_test_support.hpp"

namespace hie::adapters::fhir::test {
namespace {

const Translation& kelley() {
  static const Translation t = must_translate(read_file(kData / "synthea/Kelley882_Marks830.json"));
  return t;
}
const Translation& bob() {
  static const Translation t = must_translate(read_file(kData / "synthea/Bob965_Keeling57.json"));
  return t;
}

TEST(FhirSynthea, CountsByTypeAndDroppedTypesReported) {
  const std::map<std::string, int> kelley_counts = {
      {"Condition", 1},  {"DiagnosticReport", 32}, {"DocumentReference", 32},
      {"Encounter", 32}, {"Immunization", 51},     {"Observation", 88},
      {"Patient", 1},    {"Provenance", 1}};
  EXPECT_EQ(count_by_type(kelley()), kelley_counts);
  EXPECT_EQ(kelley().resources.size(), 238u);
  EXPECT_EQ(issues_with(kelley(), "entry dropped: resource type 'Claim'"), 32);
  EXPECT_EQ(issues_with(kelley(), "entry dropped: resource type 'ExplanationOfBenefit'"), 32);
  const std::map<std::string, int> bob_counts = {
      {"DiagnosticReport", 32}, {"DocumentReference", 32}, {"Encounter", 32},
      {"Immunization", 46},     {"Observation", 30},       {"Patient", 1},
      {"Provenance", 1}};
  EXPECT_EQ(count_by_type(bob()), bob_counts);
}

TEST(FhirSynthea, PatientValues) {
  auto patients = all_of<model::Patient>(kelley());
  ASSERT_EQ(patients.size(), 1u);
  const model::Patient& p = *patients[0];
  EXPECT_EQ(p.id, "898c1dc8-2c3d-7afa-5e61-eeadba8f7864");
  ASSERT_EQ(p.identifier.size(), 5u);
  EXPECT_EQ(p.identifier[2].system, "http://hl7.org/fhir/sid/us-ssn");
  EXPECT_EQ(p.identifier[2].value, "999-73-8265");
  EXPECT_EQ(p.identifier[3].system, "urn:oid:2.16.840.1.113883.4.3.25");
  EXPECT_EQ(p.identifier[3].value, "S99925817");
  ASSERT_EQ(p.name.size(), 1u);
  EXPECT_EQ(p.name[0].family, "Marks830");
  EXPECT_EQ(p.name[0].given, std::vector<std::string>{"Kelley882"});
  EXPECT_EQ(p.birth_date, "1999-07-01");
  EXPECT_EQ(p.gender, "male");
  ASSERT_TRUE(p.meta);
  EXPECT_EQ(p.meta->source, "test-hie");
}

TEST(FhirSynthea, ClinicalValues) {
  auto conditions = all_of<model::Condition>(kelley());
  ASSERT_EQ(conditions.size(), 1u);
  ASSERT_TRUE(conditions[0]->code);
  EXPECT_EQ(conditions[0]->code->coding.at(0).system, "http://snomed.info/sct");
  EXPECT_EQ(conditions[0]->code->text, "Tuberculosis");
  EXPECT_EQ(conditions[0]->subject.reference, "Patient/898c1dc8-2c3d-7afa-5e61-eeadba8f7864");

  const model::Observation* weight = nullptr;
  for (const auto* o : all_of<model::Observation>(kelley())) {
    if (o->id == "21364139-6fdd-9072-6341-ff89be8a1de2") weight = o;
  }
  ASSERT_NE(weight, nullptr);
  const auto& q = std::get<model::Quantity>(weight->value);
  ASSERT_TRUE(q.value);
  EXPECT_EQ(q.value->text(), "64.148");
  EXPECT_EQ(q.unit, "kg");
  EXPECT_EQ(std::get<model::DateTime>(weight->effective).value, "2019-01-02T16:52:58+00:00");
  ASSERT_TRUE(weight->encounter);
  EXPECT_EQ(weight->encounter->reference, "Encounter/d25183ef-a3ce-ff84-a15f-a7483285f23c");

  const model::Immunization* hep_b = nullptr;
  for (const auto* i : all_of<model::Immunization>(kelley())) {
    if (i->id == "6e644a33-f77d-c4e9-0ad8-37237a097ef8") hep_b = i;
  }
  ASSERT_NE(hep_b, nullptr);
  EXPECT_EQ(hep_b->vaccine_code.coding.at(0).system, "http://hl7.org/fhir/sid/cvx");
  EXPECT_EQ(hep_b->vaccine_code.coding.at(0).code, "08");
  EXPECT_EQ(std::get<model::DateTime>(hep_b->occurrence).value, "1999-07-01T16:52:58+00:00");

  const model::Encounter* first = nullptr;
  for (const auto* e : all_of<model::Encounter>(kelley())) {
    if (e->id == "03ec3a12-ac28-2e1d-5174-d306701a12c8") first = e;
  }
  ASSERT_NE(first, nullptr);
  ASSERT_TRUE(first->period);
  EXPECT_EQ(first->period->start, "1999-07-01T16:52:58+00:00");
  EXPECT_EQ(first->period->end, "1999-07-01T17:07:58+00:00");
}

TEST(FhirSynthea, ConditionalReferencesBecomeLogicalReferences) {
  const model::Encounter* first = nullptr;
  for (const auto* e : all_of<model::Encounter>(kelley())) {
    if (e->id == "03ec3a12-ac28-2e1d-5174-d306701a12c8") first = e;
  }
  ASSERT_NE(first, nullptr);
  ASSERT_EQ(first->participant.size(), 1u);
  const model::Reference& who = first->participant[0].individual.value();
  EXPECT_EQ(who.reference, "");
  EXPECT_EQ(who.type, "Practitioner");
  ASSERT_TRUE(who.identifier);
  EXPECT_EQ(who.identifier->system, "http://hl7.org/fhir/sid/us-npi");
  EXPECT_EQ(who.identifier->value, "9999965909");
  EXPECT_EQ(who.display, "Dr. Adán600 Vargas494");
  ASSERT_TRUE(first->service_provider);
  EXPECT_EQ(first->service_provider->type, "Organization");
  EXPECT_EQ(first->service_provider->identifier->value, "2173f843-fdea-317b-bbc9-3c9f82f8d277");
  EXPECT_EQ(issues_at(kelley(), "/entry/1/resource/participant/0/individual/reference",
                      "conditional reference to a Practitioner not in this input"),
            1);
}

/// Every reference of the output: "Type/id" of an output resource, or a logical reference.
void expect_resolved(const Translation& t) {
  std::set<std::string> ids;
  for (const auto& r : t.resources) {
    ids.insert(std::string(model::resource_type(r)) + '/' +
               std::visit([](const auto& x) { return x.id; }, r));
  }
  int resolved = 0, logical = 0;
  Translation copy = t;
  for (auto& r : copy.resources) {
    for_each_reference(r, "", [&](model::Reference& ref, const std::string& where) {
      if (ref.reference.empty()) {
        EXPECT_TRUE(ref.identifier || !ref.display.empty()) << where;
        ++logical;
      } else {
        EXPECT_TRUE(ids.contains(ref.reference)) << where << ": " << ref.reference;
        ++resolved;
      }
    });
  }
  EXPECT_GT(resolved, 400);
  EXPECT_GT(logical, 100);
}

TEST(FhirSynthea, EveryReferenceResolvedOrLogical) {
  expect_resolved(kelley());
  expect_resolved(bob());
}

TEST(FhirSynthea, ProvenanceKeepsTargetsTheModelHolds) {
  auto provenance = all_of<model::Provenance>(kelley());
  ASSERT_EQ(provenance.size(), 1u);
  // 302 entries less the Provenance and the 32 Claims (no identifier: removed); the 32
  // ExplanationOfBenefits have one, so they stay as logical references.
  EXPECT_EQ(provenance[0]->target.size(), 269u);
  EXPECT_EQ(
      issues_with(kelley(), "points at a Claim, which the model does not hold; reference removed"),
      32);
  int logical = 0;
  for (const model::Reference& t : provenance[0]->target) {
    if (t.reference.empty()) {
      EXPECT_EQ(t.type, "ExplanationOfBenefit");
      EXPECT_TRUE(t.identifier);
      ++logical;
    }
  }
  EXPECT_EQ(logical, 32);
}

}  // namespace
}  // namespace hie::adapters::fhir::test
