// The reference rules one by one (reference_resolver.hpp), without JSON.

#include "adapters/fhir/reference_resolver.hpp"

#include <gtest/gtest.h>

namespace hie::adapters::fhir {
namespace {

ReferenceResolver resolver() {
  return ReferenceResolver({
      {"urn:uuid:11111111-1111-4111-8111-111111111111",
       "Patient",
       "",
       "p-out",
       {{"https://s", "A1"}}},
      {"https://ehr.example/fhir/Patient/p2", "Patient", "p2", "p2", {{"https://s", "A2"}}},
      {"https://ehr.example/fhir/Practitioner/dr", "Practitioner", "dr", "", {}},
      {"urn:uuid:22222222-2222-4222-8222-222222222222",
       "Organization",
       "",
       "",
       {{"https://o", "O1"}}},
      {"", "Patient", "twin", "twin", {{"https://s", "T"}}},
      {"", "Patient", "twin2", "twin2", {{"https://s", "T"}}},
  });
}

model::Reference ref(std::string text, std::string display = {}) {
  model::Reference r;
  r.reference = std::move(text);
  r.display = std::move(display);
  return r;
}

TEST(ReferenceResolver, ResolvesFullUrlsAndRelativeReferences) {
  auto r = ref("urn:uuid:11111111-1111-4111-8111-111111111111");
  EXPECT_EQ(resolver().resolve(r, "").outcome, ReferenceOutcome::resolved);
  EXPECT_EQ(r.reference, "Patient/p-out");
  r = ref("https://ehr.example/fhir/Patient/p2/_history/3");
  EXPECT_EQ(resolver().resolve(r, "").outcome, ReferenceOutcome::resolved);
  EXPECT_EQ(r.reference, "Patient/p2");
  r = ref("Patient/p2");
  EXPECT_EQ(resolver().resolve(r, "https://ehr.example/fhir/Observation/o9").outcome,
            ReferenceOutcome::resolved);
  r = ref("Patient/nowhere");
  EXPECT_EQ(resolver().resolve(r, "https://ehr.example/fhir/Observation/o9").outcome,
            ReferenceOutcome::unchanged);
  EXPECT_EQ(r.reference, "Patient/nowhere");
  r = ref("https://other.example/Patient/x");
  EXPECT_EQ(resolver().resolve(r, "").outcome, ReferenceOutcome::unchanged);
  r = ref("#contained");
  EXPECT_EQ(resolver().resolve(r, "").outcome, ReferenceOutcome::unchanged);
}

TEST(ReferenceResolver, ConditionalReferences) {
  auto r = ref("Patient?identifier=https%3A%2F%2Fs%7CA2");
  EXPECT_EQ(resolver().resolve(r, "").outcome, ReferenceOutcome::resolved);
  EXPECT_EQ(r.reference, "Patient/p2");
  r = ref("Patient?identifier=A1");  // any system
  EXPECT_EQ(resolver().resolve(r, "").outcome, ReferenceOutcome::resolved);
  EXPECT_EQ(r.reference, "Patient/p-out");
  r = ref("Patient?identifier=https://s|T");  // two twins match: ambiguous
  auto res = resolver().resolve(r, "");
  EXPECT_EQ(res.outcome, ReferenceOutcome::rewritten);
  EXPECT_NE(res.message.find("matching 2 entries"), std::string::npos);
  EXPECT_EQ(r.reference, "");
  EXPECT_EQ(r.type, "Patient");
  EXPECT_EQ(r.identifier->system, "https://s");
  EXPECT_EQ(r.identifier->value, "T");
  r = ref("Organization?identifier=https://o|O1");  // names a dropped entry
  res = resolver().resolve(r, "");
  EXPECT_NE(res.message.find("which the model does not hold"), std::string::npos);
  EXPECT_EQ(r.identifier->value, "O1");
  r = ref("Patient?name=peter&birthdate=2000", "Peter");
  res = resolver().resolve(r, "");
  EXPECT_NE(res.message.find("other criteria"), std::string::npos);
  EXPECT_EQ(r.reference, "");
  EXPECT_EQ(r.type, "Patient");
  EXPECT_EQ(r.display, "Peter");
}

TEST(ReferenceResolver, DroppedAndDanglingTargets) {
  auto r = ref("Practitioner/dr");
  auto res = resolver().resolve(r, "https://ehr.example/fhir/Encounter/e1");
  EXPECT_EQ(res.outcome, ReferenceOutcome::rewritten);
  EXPECT_EQ(r.reference, "https://ehr.example/fhir/Practitioner/dr");
  r = ref("urn:uuid:22222222-2222-4222-8222-222222222222");
  resolver().resolve(r, "");
  EXPECT_EQ(r.type, "Organization");
  EXPECT_EQ(r.identifier->system, "https://o");
  r = ref("urn:uuid:33333333-3333-4333-8333-333333333333");
  res = resolver().resolve(r, "");
  EXPECT_NE(res.message.find("names no entry"), std::string::npos);
  EXPECT_EQ(r.reference, "");
  EXPECT_EQ(r.type, "");  // nothing left: the caller drops the Reference
}

TEST(ReferenceResolver, UrlDecode) {
  EXPECT_EQ(url_decode("a%7Cb%7c+c"), "a|b| c");
  EXPECT_EQ(url_decode("100%"), "100%");
  EXPECT_EQ(url_decode("%zz%4"), "%zz%4");
}

}  // namespace
}  // namespace hie::adapters::fhir
