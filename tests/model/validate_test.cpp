#include "broker/model/validate.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "broker/model/json.hpp"
#include "tests/model/issue_lookup.hpp"

namespace hie::model {
namespace {

Observation minimal_observation() {
  Observation o;
  o.status = "final";
  o.code.text = "Haemoglobin";
  return o;
}

TEST(Validate, MinimalResourcesAreValid) {
  EXPECT_TRUE(validate(Resource(minimal_observation())).empty());
  Patient p;
  EXPECT_TRUE(validate(Resource(p)).empty());
}

TEST(Validate, MissingRequiredElements) {
  Issues issues = validate(Resource(Observation{}));
  ASSERT_NE(issue_at(issues, "/status"), nullptr);
  EXPECT_EQ(issue_at(issues, "/status")->code, "required");
  EXPECT_EQ(issue_at(issues, "/status")->severity, Severity::error);
  EXPECT_NE(issue_at(issues, "/code"), nullptr);

  Immunization imm;
  issues = validate(Resource(imm));
  for (auto where : {"/status", "/vaccineCode", "/patient", "/occurrence[x]"}) {
    EXPECT_NE(issue_at(issues, where), nullptr) << where;
  }

  AuditEvent audit;
  audit.agent.emplace_back();
  issues = validate(Resource(audit));
  for (auto where : {"/type", "/recorded", "/source", "/agent"}) {
    EXPECT_NE(issue_at(issues, where), nullptr) << where;
  }
}

TEST(Validate, NestedRequiredElementHasFullLocation) {
  Patient p;
  p.contact.emplace_back().gender = "female";
  p.link.emplace_back().type = "seealso";
  Issues issues = validate(Resource(p));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].location, "/link/0/other");
}

TEST(Validate, BadDatesAndFormats) {
  Observation o = minimal_observation();
  o.effective = DateTime{"2015-02-07T13:28:17"};  // time without offset
  o.issued = "2015-02-07";                        // instant needs a time
  o.value = Time{"25:00:00"};
  o.id = "not an id";
  o.meta.emplace().last_updated = "2015-02-30T00:00:00Z";
  Issues issues = validate(Resource(o));
  for (auto where : {"/effectiveDateTime", "/issued", "/valueTime", "/id", "/meta/lastUpdated"}) {
    const Issue* i = issue_at(issues, where);
    ASSERT_NE(i, nullptr) << where;
    EXPECT_EQ(i->code, "value");
  }
  Patient p;
  p.birth_date = "1974-12-25T10:00:00Z";
  p.contact.emplace_back().telecom.emplace_back().rank = 0;  // positiveInt
  issues = validate(Resource(p));
  EXPECT_NE(issue_at(issues, "/birthDate"), nullptr);
  EXPECT_NE(issue_at(issues, "/contact/0/telecom/0/rank"), nullptr);
}

TEST(Validate, ReferenceSyntax) {
  for (auto ok :
       {"Patient/123", "Patient/123/_history/2", "#p1", "http://example.org/fhir/Patient/1",
        "urn:uuid:53fefa32-fcbb-4ff8-8a92-55ee120877b7", "urn:oid:1.2.3"}) {
    EXPECT_EQ(check_reference_syntax(ok), "") << ok;
  }
  for (auto bad : {"Patient", "patient/1", "Patient/has space", "urn:uuid:xyz", "#bad id",
                   "Patient/1/history/2"}) {
    EXPECT_NE(check_reference_syntax(bad), "") << bad;
  }
  Observation o = minimal_observation();
  o.subject.emplace().reference = "Patient?identifier=x|1";
  Issues issues = validate(Resource(o));
  ASSERT_NE(issue_at(issues, "/subject/reference"), nullptr);
  o.subject->reference = "Patient/1";
  o.subject->type = "Group";
  EXPECT_NE(issue_at(validate(Resource(o)), "/subject/type"), nullptr);
}

TEST(Validate, BundleReferencesAndRules) {
  Bundle b;
  b.type = "transaction";
  BundleEntry& patient = b.entry.emplace_back();
  patient.full_url = "urn:uuid:53fefa32-fcbb-4ff8-8a92-55ee120877b7";
  patient.resource = Patient{};
  patient.request.emplace() = {"POST", "Patient", "", "", "", ""};
  BundleEntry& obs = b.entry.emplace_back();
  Observation o = minimal_observation();
  o.subject.emplace().reference = "urn:uuid:53fefa32-fcbb-4ff8-8a92-55ee120877b7";
  o.performer.emplace_back().reference = "Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|1";
  o.encounter.emplace().reference = "urn:uuid:00000000-0000-0000-0000-000000000000";
  obs.resource = o;
  Issues issues = validate(b);
  EXPECT_EQ(issue_at(issues, "/entry/1/resource/subject/reference"), nullptr);
  EXPECT_EQ(issue_at(issues, "/entry/1/resource/performer/0/reference"), nullptr);
  ASSERT_NE(issue_at(issues, "/entry/1/resource/encounter/reference"), nullptr);
  EXPECT_NE(issue_at(issues, "/entry/1/request"), nullptr);  // bdl-3
  EXPECT_EQ(issues.size(), 2u);

  b.type = "collection";
  b.total = 2;
  issues = validate(b);
  EXPECT_NE(issue_at(issues, "/total"), nullptr);                                   // bdl-1
  EXPECT_NE(issue_at(issues, "/entry/1/resource/performer/0/reference"), nullptr);  // conditional
  b.type = "bogus";
  EXPECT_NE(issue_at(validate(b), "/type"), nullptr);
  EXPECT_NE(issue_at(validate(Bundle{}), "/type"), nullptr);
}

TEST(Validate, ReadThenValidateFindsBadValuesFromInput) {
  Issues read_issues;
  auto r = read_resource(R"({"resourceType":"Condition","subject":{"reference":"Patient/1"},
      "onsetDateTime":"2013-02-30","recordedDate":"2013-04-02T09:30:10"})",
                         read_issues);
  ASSERT_TRUE(r);
  Issues issues = validate(*r);
  EXPECT_NE(issue_at(issues, "/onsetDateTime"), nullptr);
  EXPECT_NE(issue_at(issues, "/recordedDate"), nullptr);
  EXPECT_EQ(issues.size(), 2u);
}

}  // namespace
}  // namespace hie::model
