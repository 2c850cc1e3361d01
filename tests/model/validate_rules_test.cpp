// validate(): NHS numbers, required bindings, narrative XHTML, datatype invariants (per-1, qty-3,
// att-1), contained references (ref-1) and bdl-7.

#include <gtest/gtest.h>

#include <algorithm>

#include "broker/model/bindings.hpp"
#include "broker/model/model_table.hpp"
#include "broker/model/nhs_number.hpp"
#include "broker/model/validate.hpp"
#include "tests/model/issue_lookup.hpp"

namespace hie::model {
namespace {

Patient patient_with_nhs_number(std::string value) {
  Patient p;
  Identifier& id = p.identifier.emplace_back();
  id.system = std::string(NhsNumber::system);
  id.value = std::move(value);
  return p;
}

TEST(ValidateRules, NhsNumberMustBeValidAndCanonical) {
  EXPECT_TRUE(validate(Resource(patient_with_nhs_number("9434765919"))).empty());
  for (auto bad : {"943 476 5919", "943-476-5919", "9434765918", "0000000000", "12345"}) {
    Issues issues = validate(Resource(patient_with_nhs_number(bad)));
    ASSERT_EQ(issues.size(), 1u) << bad;
    EXPECT_EQ(issues[0].location, "/identifier/0/value") << bad;
    EXPECT_EQ(issues[0].code, "value");
    EXPECT_EQ(issues[0].severity, Severity::error);
  }
  Patient other = patient_with_nhs_number("943 476 5919");
  other.identifier[0].system = "https://example.org/mrn";
  EXPECT_TRUE(validate(Resource(other)).empty());
}

TEST(ValidateRules, RequiredBindingsRejectOtherCodes) {
  Patient p;
  p.gender = "M";
  p.contact.emplace_back().gender = "female";
  p.contact.emplace_back().gender = "f";
  p.name.emplace_back().use = "nick";
  p.telecom.emplace_back().system = "mobile";
  p.address.emplace_back().type = "home";
  p.text.emplace() = {"bogus", R"(<div xmlns="http://www.w3.org/1999/xhtml">x</div>)"};
  Issues issues = validate(Resource(p));
  for (auto where : {"/gender", "/contact/1/gender", "/name/0/use", "/telecom/0/system",
                     "/address/0/type", "/text/status"}) {
    const Issue* i = issue_at(issues, where);
    ASSERT_NE(i, nullptr) << where;
    EXPECT_EQ(i->code, "code-invalid") << where;
    EXPECT_EQ(i->severity, Severity::error);
  }
  EXPECT_EQ(issues.size(), 6u);

  Condition c;
  c.subject.reference = "Patient/1";
  Age age;
  age.comparator = "=";
  c.onset = age;
  issues = validate(Resource(c));
  ASSERT_NE(issue_at(issues, "/onsetAge/comparator"), nullptr);

  Bundle b;
  b.type = "transaction";
  BundleEntry& e = b.entry.emplace_back();
  e.resource = Patient{};
  e.request.emplace() = {"get", "Patient", "", "", "", ""};
  issues = validate(b);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].location, "/entry/0/request/method");
  e.request->method = "GET";
  EXPECT_TRUE(validate(b).empty());

  OperationOutcome oo;
  OperationOutcomeIssue& made_up = oo.issue.emplace_back();
  made_up.severity = "fatal";
  made_up.code = "made-up";
  issues = validate(Resource(oo));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].location, "/issue/0/code");
}

TEST(ValidateRules, EveryBindingNamesAnElementOfTheTable) {
  std::string table = model_table_markdown();
  ASSERT_GE(bound_paths().size(), 35u);
  for (std::string_view path : bound_paths()) {
    EXPECT_NE(table.find("| `" + std::string(path) + "` |"), std::string::npos) << path;
    EXPECT_FALSE(required_codes(path).empty()) << path;
  }
  EXPECT_TRUE(required_codes("Patient.birthDate").empty());
}

TEST(ValidateRules, NarrativeDivMustBeSafeXhtml) {
  Patient p;
  p.text.emplace().status = "generated";
  p.text->div = R"(<div xmlns="http://www.w3.org/1999/xhtml"><p>Ann</p></div>)";
  EXPECT_TRUE(validate(Resource(p)).empty());
  for (auto bad :
       {"<div><p>Ann</p></div>", R"(<div xmlns="http://www.w3.org/1999/xhtml"> </div>)",
        R"(<div xmlns="http://www.w3.org/1999/xhtml"><script>x()</script>Ann</div>)",
        R"(<div xmlns="http://www.w3.org/1999/xhtml"><p onclick="x();">Ann</p></div>)"}) {
    p.text->div = bad;
    Issues issues = validate(Resource(p));
    ASSERT_EQ(issues.size(), 1u) << bad;
    EXPECT_EQ(issues[0].location, "/text/div");
    EXPECT_EQ(issues[0].code, "value");
  }
}

TEST(ValidateRules, PeriodStartNotAfterEnd) {
  auto period_issues = [](std::string start, std::string end) {
    Encounter e;
    e.status = "finished";
    e.class_.code = "AMB";
    e.period.emplace() = {std::move(start), std::move(end)};
    return validate(Resource(e));
  };
  Issues issues = period_issues("2020-02-01", "2020-01-31");
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].location, "/period");
  EXPECT_EQ(issues[0].code, "invariant");
  EXPECT_NE(issues[0].message.find("per-1"), std::string::npos);
  EXPECT_EQ(period_issues("2020-01-01T10:00:00Z", "2020-01-01T11:00:00+02:00").size(), 1u);
  EXPECT_EQ(period_issues("2020-01-01T10:00:00.5Z", "2020-01-01T10:00:00.25Z").size(), 1u);
  // Fine, or not comparable (different precisions): no finding.
  EXPECT_TRUE(period_issues("2020-01-01T10:00:00+02:00", "2020-01-01T09:00:00Z").empty());
  EXPECT_TRUE(period_issues("2020-01-31", "2020-01-31").empty());
  EXPECT_TRUE(period_issues("2020", "2019-12-31").empty());
  EXPECT_TRUE(period_issues("2020-02-01", "2020-01-31T00:00:00Z").empty());
}

TEST(ValidateRules, QuantityCodeNeedsSystemAttachmentDataNeedsContentType) {
  Observation o;
  o.status = "final";
  o.code.text = "Weight";
  Quantity q;
  q.value = Decimal::parse("70").value();
  q.code = "kg";
  o.value = q;
  Issues issues = validate(Resource(o));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].location, "/valueQuantity/code");
  EXPECT_NE(issues[0].message.find("qty-3"), std::string::npos);
  std::get<Quantity>(o.value).system = "http://unitsofmeasure.org";
  EXPECT_TRUE(validate(Resource(o)).empty());

  Patient p;
  p.photo.emplace_back().data = "AAAA";
  issues = validate(Resource(p));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].location, "/photo/0/data");
  EXPECT_NE(issues[0].message.find("att-1"), std::string::npos);
  p.photo[0].content_type = "image/png";
  EXPECT_TRUE(validate(Resource(p)).empty());
}

TEST(ValidateRules, ContainedReferenceIsAnError) {
  Observation o;
  o.status = "final";
  o.code.text = "x";
  o.subject.emplace().reference = "#p1";
  Issues issues = validate(Resource(o));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].location, "/subject/reference");
  EXPECT_EQ(issues[0].severity, Severity::error);
  EXPECT_NE(issues[0].message.find("ref-1"), std::string::npos);
}

TEST(ValidateRules, SameFullUrlAllowedWithDifferentVersionIds) {
  auto entry = [](std::string version) {
    BundleEntry e;
    e.full_url = "https://example.org/fhir/Patient/1";
    Patient p;
    if (!version.empty()) p.meta.emplace().version_id = version;
    e.resource = p;
    return e;
  };
  Bundle b;
  b.type = "collection";
  b.entry = {entry("1"), entry("2")};
  EXPECT_TRUE(validate(b).empty());
  b.entry = {entry("1"), entry("1")};
  ASSERT_NE(issue_at(validate(b), "/entry/1/fullUrl"), nullptr);
  b.entry = {entry(""), entry("")};
  ASSERT_NE(issue_at(validate(b), "/entry/1/fullUrl"), nullptr);
}

}  // namespace
}  // namespace hie::model
