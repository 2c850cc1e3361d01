// JSON read/write of the model: decimals, errors with locations, lossless-or-loud issues.

#include "broker/model/json.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace hie::model {
namespace {

bool has_issue_at(const Issues& issues, std::string_view location) {
  return std::any_of(issues.begin(), issues.end(),
                     [&](const Issue& i) { return i.location == location; });
}

TEST(Json, DecimalsRoundTripByteExact) {
  const std::string in =
      R"({"resourceType":"Observation","status":"final","code":{"text":"x"},"component":[)"
      R"({"code":{"text":"a"},"valueQuantity":{"value":1.00,"unit":"g"}},)"
      R"({"code":{"text":"b"},"valueQuantity":{"value":1E-22}},)"
      R"({"code":{"text":"c"},"valueQuantity":{"value":1.000000000000000000E-245}},)"
      R"({"code":{"text":"d"},"valueQuantity":{"value":-1.000000000000000000E+245}}]})";
  Issues issues;
  auto r = read_resource(in, issues);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_TRUE(issues.empty());
  const auto& obs = std::get<Observation>(*r);
  EXPECT_EQ(std::get<Quantity>(obs.component[0].value).value->text(), "1.00");
  EXPECT_EQ(std::get<Quantity>(obs.component[2].value).value->text(), "1.000000000000000000E-245");
  EXPECT_EQ(to_json(*r).value(), in);
}

TEST(Json, WritesBuiltResource) {
  Patient p;
  p.id = "p1";
  p.meta.emplace().source = "https://exchange-a.example.org";
  Identifier& nhs = p.identifier.emplace_back();
  nhs.system = "https://fhir.nhs.uk/Id/nhs-number";
  nhs.value = "9434765919";
  p.birth_date = "1974-12-25";
  p.deceased = DateTime{"2020-01-02T03:04:05Z"};
  p.multiple_birth = std::int64_t{2};
  p.name.emplace_back().given = {"Ann", "Marie"};
  EXPECT_EQ(
      to_json(Resource(p)).value(),
      R"({"resourceType":"Patient","id":"p1","meta":{"source":"https://exchange-a.example.org"},)"
      R"("identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}],)"
      R"("name":[{"given":["Ann","Marie"]}],"birthDate":"1974-12-25",)"
      R"("deceasedDateTime":"2020-01-02T03:04:05Z","multipleBirthInteger":2})");
  Issues issues;
  auto back = read_resource(to_json(Resource(p)).value(), issues);
  ASSERT_TRUE(back);
  EXPECT_EQ(std::get<Patient>(*back), p);
  EXPECT_TRUE(issues.empty());
}

TEST(Json, UnheldElementsBecomeIssuesWithPointers) {
  const std::string in =
      R"({"resourceType":"Patient","id":"x","extension":[{"url":"u","valueString":"s"}],
    "birthDate":"1970","_birthDate":{"extension":[]},"favouriteColour":"blue",
    "contact":[{"name":{"family":"F"}},{"organization":{"display":"O","extension":[]}}],
    "modifierExtension":[{"url":"u","valueBoolean":true}],"contained":[{"resourceType":"Patient"}]})";
  Issues issues;
  auto r = read_resource(in, issues);
  ASSERT_TRUE(r) << r.error().describe();
  for (auto where : {"/extension", "/_birthDate", "/favouriteColour",
                     "/contact/1/organization/extension", "/modifierExtension", "/contained"}) {
    EXPECT_TRUE(has_issue_at(issues, where)) << where;
  }
  EXPECT_EQ(issues.size(), 6u);
  for (const Issue& i : issues) EXPECT_EQ(i.code, "not-supported");
  auto modifier = std::find_if(issues.begin(), issues.end(),
                               [](const Issue& i) { return i.location == "/modifierExtension"; });
  EXPECT_EQ(modifier->severity, Severity::error);
  EXPECT_EQ(std::get<Patient>(*r).contact[1].organization->display, "O");
}

TEST(Json, UnheldChoiceTypeAndSecondChoiceAreReported) {
  Issues issues;
  auto r = read_resource(R"({"resourceType":"Observation","status":"final","code":{"text":"c"},
      "valueSampledData":{"origin":{"value":0}},"effectiveDateTime":"2020","effectivePeriod":{"start":"2020"}})",
                         issues);
  ASSERT_TRUE(r);
  EXPECT_TRUE(has_issue_at(issues, "/valueSampledData"));
  EXPECT_TRUE(has_issue_at(issues, "/effectivePeriod"));
  EXPECT_EQ(std::get<DateTime>(std::get<Observation>(*r).effective).value, "2020");
}

TEST(Json, MalformedJsonIsAnErrorWithLocation) {
  Issues issues;
  auto r =
      read_resource(R"({"resourceType":"Patient","name":[{"family":"A"},{"family":}]})", issues);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::parse_error);
  EXPECT_EQ(r.error().location(), "/name/1/family");
  EXPECT_NE(r.error().message().find("byte"), std::string::npos);

  for (auto bad : {"", "[", "{\"a\":1} x", "\xff", "nul"}) {
    auto e = read_any(bad, issues);
    ASSERT_FALSE(e) << bad;
    EXPECT_FALSE(e.error().location().empty());
  }
}

TEST(Json, TooDeepIsAnErrorNotACrash) {
  std::string deep = R"({"resourceType":"Patient","x":)" + std::string(100000, '[') +
                     std::string(100000, ']') + "}";
  Issues issues;
  auto r = read_resource(deep, issues);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::parse_error);
}

TEST(Json, WrongJsonTypesAreErrorsWithLocation) {
  struct Case {
    const char* json;
    const char* location;
  };
  for (const Case& c : {
           Case{R"({"resourceType":"Patient","birthDate":19741225})", "/birthDate"},
           Case{R"({"resourceType":"Patient","name":{"family":"A"}})", "/name"},
           Case{R"({"resourceType":"Patient","active":"true"})", "/active"},
           Case{R"({"resourceType":"Patient","multipleBirthInteger":1.5})",
                "/multipleBirthInteger"},
           Case{R"({"resourceType":"Observation","valueQuantity":{"value":"1.0"}})",
                "/valueQuantity/value"},
           Case{
               R"({"resourceType":"Bundle","type":"collection","entry":[{"resource":{"id":"x"}}]})",
               "/entry/0/resource"},
       }) {
    Issues issues;
    auto r = read_any(c.json, issues);
    ASSERT_FALSE(r) << c.json;
    EXPECT_EQ(r.error().location(), c.location) << c.json;
  }
}

TEST(Json, UnknownResourceTypes) {
  Issues issues;
  auto r = read_resource(R"({"resourceType":"Practitioner","id":"x"})", issues);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::unsupported);
  EXPECT_EQ(r.error().location(), "/resourceType");
  EXPECT_FALSE(read_resource(R"({"id":"x"})", issues));
  EXPECT_FALSE(read_bundle(R"({"resourceType":"Patient"})", issues));

  // Inside a Bundle an unheld resource is an issue and its whole entry is dropped.
  auto b = read_bundle(R"({"resourceType":"Bundle","type":"collection","entry":[
      {"fullUrl":"urn:uuid:53fefa32-fcbb-4ff8-8a92-55ee120877b7","resource":{"resourceType":"Practitioner"}},
      {"resource":{"resourceType":"Bundle","type":"collection"}},
      {"resource":{"resourceType":"Patient","id":"p"}}]})",
                       issues);
  ASSERT_TRUE(b) << b.error().describe();
  ASSERT_EQ(b->entry.size(), 1u);
  EXPECT_TRUE(has_issue_at(issues, "/entry/0"));
  EXPECT_TRUE(has_issue_at(issues, "/entry/1"));
  EXPECT_EQ(resource_type(*b->entry[0].resource), "Patient");
}

TEST(Json, EmptyStringIsReportedAndDropped) {
  Issues issues;
  auto r = read_resource(R"({"resourceType":"Patient","gender":""})", issues);
  ASSERT_TRUE(r);
  EXPECT_TRUE(std::get<Patient>(*r).gender.empty());
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].location, "/gender");
}

TEST(Json, IssuesBecomeAnOperationOutcome) {
  Issues issues{{Severity::warning, "not-supported", "/extension", "extensions are not held"}};
  OperationOutcome oo = to_operation_outcome(issues);
  ASSERT_EQ(oo.issue.size(), 1u);
  EXPECT_EQ(
      to_json(Resource(oo)).value(),
      R"({"resourceType":"OperationOutcome","issue":[{"severity":"warning",)"
      R"("code":"not-supported","diagnostics":"extensions are not held","location":["/extension"]}]})");
  EXPECT_EQ(to_operation_outcome({}).issue.at(0).severity, "information");
}

}  // namespace
}  // namespace hie::model
