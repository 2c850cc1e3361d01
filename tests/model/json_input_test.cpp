// JSON reading of awkward input: invalid UTF-8, duplicate member names, empty values, null
// placeholders, references to contained resources, and the cap on listed issues.

#include <gtest/gtest.h>

#include <algorithm>

#include "broker/model/json.hpp"
#include "broker/model/validate.hpp"
#include "tests/model/issue_lookup.hpp"

namespace hie::model {
namespace {

TEST(JsonInput, LoneSurrogateEscapeIsAParseErrorWithLocation) {
  Issues issues;
  auto r = read_resource(R"({"resourceType":"Patient","name":[{"family":"A\udc00"}]})", issues);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::parse_error);
  EXPECT_EQ(r.error().location(), "/name/0/family");
  EXPECT_NE(r.error().message().find("UTF-8"), std::string::npos);

  r = read_resource(R"({"resourceType":"Patient","name":[{"given":["B","\ud800x"]}]})", issues);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().location(), "/name/0/given/1");

  // In a member name: the location names the member with U+FFFD, itself valid UTF-8.
  r = read_resource(R"({"resourceType":"Patient","\udc00":1})", issues);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().location(), "/\xEF\xBF\xBD");
  EXPECT_NE(r.error().message().find("member name"), std::string::npos);

  // A surrogate pair is one character.
  r = read_resource(R"({"resourceType":"Patient","name":[{"family":"\ud83d\ude00"}]})", issues);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(std::get<Patient>(*r).name[0].family, "\xF0\x9F\x98\x80");
}

TEST(JsonInput, InvalidUtf8SetByCodeIsAWriteErrorAndAValidationIssue) {
  Patient p;
  p.name.emplace_back().family = "A";
  p.name.emplace_back().family = "\xED\xB0\x80";  // what RapidJSON made of "\udc00"
  auto json = to_json(Resource(p));
  ASSERT_FALSE(json);
  EXPECT_EQ(json.error().code(), Errc::validation_error);
  EXPECT_EQ(json.error().location(), "/name/1/family");
  Issues issues = validate(Resource(p));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].location, "/name/1/family");
  EXPECT_EQ(issues[0].code, "value");
  EXPECT_EQ(issues[0].severity, Severity::error);
}

TEST(JsonInput, DuplicateMemberNamesAreAParseError) {
  Issues issues;
  auto r = read_resource(R"({"resourceType":"Patient","gender":"male","gender":"female"})", issues);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::parse_error);
  EXPECT_EQ(r.error().location(), "/gender");
  EXPECT_NE(r.error().message().find("duplicate"), std::string::npos);

  r = read_resource(
      R"({"resourceType":"Patient","name":[{"family":"A"},{"family":"B","family":"C"}]})", issues);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().location(), "/name/1/family");

  r = read_resource(R"({"resourceType":"Patient","xyz":{"a":1},"xyz":2})", issues);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().location(), "/xyz");

  // The same name in different objects is fine.
  issues.clear();
  r = read_resource(R"({"resourceType":"Patient","name":[{"family":"A"},{"family":"B"}]})", issues);
  ASSERT_TRUE(r);
  EXPECT_TRUE(issues.empty());
}

TEST(JsonInput, EmptyArraysAndObjectsAreReportedAndDropped) {
  Issues issues;
  auto r = read_resource(
      R"({"resourceType":"Patient","identifier":[],"meta":{},"name":[{"family":"F","period":{}}]})",
      issues);
  ASSERT_TRUE(r) << r.error().describe();
  const auto& p = std::get<Patient>(*r);
  EXPECT_TRUE(p.identifier.empty());
  EXPECT_FALSE(p.meta);
  EXPECT_FALSE(p.name.at(0).period);
  ASSERT_EQ(issues.size(), 3u);
  for (auto where : {"/identifier", "/meta", "/name/0/period"}) {
    const Issue* i = issue_at(issues, where);
    ASSERT_NE(i, nullptr) << where;
    EXPECT_EQ(i->severity, Severity::warning);
    EXPECT_EQ(i->code, "value");
  }
}

TEST(JsonInput, NullPlaceholdersForPrimitiveExtensionsLeaveAReportedHole) {
  Issues issues;
  auto r = read_resource(R"({"resourceType":"Patient","name":[{"given":["A",null,"C"],
      "_given":[null,{"extension":[{"url":"u","valueString":"x"}]},null]}]})",
                         issues);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(std::get<Patient>(*r).name.at(0).given, (std::vector<std::string>{"A", "C"}));
  ASSERT_EQ(issues.size(), 2u);
  ASSERT_NE(issue_at(issues, "/name/0/given/1"), nullptr);
  EXPECT_EQ(issue_at(issues, "/name/0/given/1")->code, "not-supported");
  ASSERT_NE(issue_at(issues, "/name/0/_given"), nullptr);
  EXPECT_EQ(issue_at(issues, "/name/0/_given")->code, "not-supported");

  // Without a '_given' sibling a null is not FHIR.
  r = read_resource(R"({"resourceType":"Patient","name":[{"given":["A",null]}]})", issues);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().location(), "/name/0/given/1");
}

TEST(JsonInput, ContainedReferenceLosesItsReferenceKeepsTheRest) {
  Issues issues;
  auto r = read_resource(R"({"resourceType":"Observation","status":"final","code":{"text":"c"},
      "subject":{"reference":"#p1","display":"Pat"},"performer":[{"reference":"#x"},{"reference":"Practitioner/1"}]})",
                         issues);
  ASSERT_TRUE(r) << r.error().describe();
  const auto& o = std::get<Observation>(*r);
  ASSERT_TRUE(o.subject);
  EXPECT_EQ(o.subject->reference, "");
  EXPECT_EQ(o.subject->display, "Pat");
  ASSERT_EQ(o.performer.size(), 1u);  // a Reference left empty is not kept
  EXPECT_EQ(o.performer[0].reference, "Practitioner/1");
  ASSERT_EQ(issues.size(), 2u);
  for (auto where : {"/subject/reference", "/performer/0/reference"}) {
    const Issue* i = issue_at(issues, where);
    ASSERT_NE(i, nullptr) << where;
    EXPECT_EQ(i->severity, Severity::warning);
    EXPECT_EQ(i->code, "not-supported");
    EXPECT_EQ(i->message, "reference to a contained resource, which the model does not hold");
  }
  EXPECT_TRUE(validate(*r).empty());
  EXPECT_EQ(to_json(*r).value().find('#'), std::string::npos);
}

TEST(JsonInput, RequiredChoiceReadFromOnlyAnExtensionIsMissing) {
  Issues issues;
  auto r = read_resource(R"({"resourceType":"MedicationStatement","status":"active",
      "subject":{"reference":"Patient/1"},
      "medicationCodeableConcept":{"extension":[{"url":"u","valueString":"x"}]}})",
                         issues);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_NE(issue_at(issues, "/medicationCodeableConcept/extension"), nullptr);
  Issues findings = validate(*r);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].location, "/medication[x]");
  EXPECT_EQ(findings[0].code, "required");

  // Built in code: an empty alternative is as missing as no alternative.
  MedicationStatement m;
  m.status = "active";
  m.subject.reference = "Patient/1";
  m.medication = CodeableConcept{};
  findings = validate(Resource(m));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].location, "/medication[x]");
}

TEST(JsonInput, IssuesPerDocumentAreCapped) {
  std::string json = R"({"resourceType":"Patient")";
  for (int i = 0; i < 5000; ++i) json += ",\"x" + std::to_string(i) + "\":1";
  json += "}";
  Issues issues;
  auto r = read_resource(json, issues);
  ASSERT_TRUE(r);
  ASSERT_EQ(issues.size(), max_issues_per_document + 1);
  EXPECT_EQ(issues.back().message, "4000 further issues not listed");
  EXPECT_EQ(issues.back().code, "too-costly");
  EXPECT_EQ(issues.back().severity, Severity::warning);

  Patient p;
  for (int i = 0; i < 3000; ++i) p.name.emplace_back().use = "bogus";
  Issues findings = validate(Resource(p));
  ASSERT_EQ(findings.size(), max_issues_per_document + 1);
  EXPECT_EQ(findings.back().message, "2000 further issues not listed");
  EXPECT_EQ(findings.back().severity, Severity::error);
}

}  // namespace
}  // namespace hie::model
