// date, category and code applied to merged resources.
#include "broker/api/search_filter.hpp"

#include <gtest/gtest.h>

namespace hie::api {
namespace {

model::Coding coding(std::string system, std::string code) {
  model::Coding c;
  c.system = std::move(system);
  c.code = std::move(code);
  return c;
}

model::Observation glucose(std::string effective) {
  model::Observation o;
  o.id = "o1";
  o.status = "final";
  o.code.coding.push_back(coding("http://loinc.org", "2345-7"));
  model::CodeableConcept lab;
  lab.coding.push_back(coding("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory"));
  o.category.push_back(lab);
  o.effective = model::DateTime{std::move(effective)};
  return o;
}

bool match(const model::Resource& r, std::vector<DateBound> dates, std::vector<std::string> categories = {},
           std::vector<std::string> codes = {}) {
  return matches(r, dates, categories, codes);
}

TEST(SearchFilter, DatesCompareAtTheBoundsPrecision) {
  const model::Resource o = glucose("2024-03-01T09:00:00+00:00");
  EXPECT_TRUE(match(o, {{"ge", "2024-03"}}));
  EXPECT_TRUE(match(o, {{"ge", "2024-03-01"}}));
  EXPECT_FALSE(match(o, {{"gt", "2024-03-01"}}));
  EXPECT_TRUE(match(o, {{"gt", "2024-02"}}));
  EXPECT_TRUE(match(o, {{"le", "2024-03-01"}}));
  EXPECT_FALSE(match(o, {{"lt", "2024-03-01"}}));
  EXPECT_TRUE(match(o, {{"eq", "2024-03-01"}}));
  EXPECT_TRUE(match(o, {{"eq", "2024"}}));
  EXPECT_FALSE(match(o, {{"eq", "2024-04"}}));
  EXPECT_TRUE(match(o, {{"ge", "2024-01-01"}, {"lt", "2024-07"}}));
  EXPECT_FALSE(match(o, {{"ge", "2024-01-01"}, {"lt", "2024-02"}}));
}

TEST(SearchFilter, APeriodOverlapsAndAnOpenEndIsStillGoing) {
  model::Encounter e;
  e.period = model::Period{"2024-01-10", ""};
  const model::Resource open = e;
  EXPECT_TRUE(match(open, {{"ge", "2030-01-01"}}));
  EXPECT_FALSE(match(open, {{"le", "2023-12-31"}}));
  e.period = model::Period{"2024-01-10", "2024-01-20"};
  const model::Resource closed = e;
  EXPECT_TRUE(match(closed, {{"ge", "2024-01-15"}}));
  EXPECT_FALSE(match(closed, {{"ge", "2024-01-21"}}));
}

TEST(SearchFilter, AResourceWithoutADateNeverMatchesADateBound) {
  model::Observation o = glucose("");
  o.effective = std::monostate{};
  EXPECT_FALSE(match(model::Resource{o}, {{"ge", "1900"}}));
  EXPECT_TRUE(match(model::Resource{o}, {}));
}

TEST(SearchFilter, TokensMatchSystemAndCodeAsFhirSays) {
  const model::Resource o = glucose("2024-03-01");
  EXPECT_TRUE(match(o, {}, {}, {"2345-7"}));
  EXPECT_TRUE(match(o, {}, {}, {"http://loinc.org|2345-7"}));
  EXPECT_TRUE(match(o, {}, {}, {"http://loinc.org|"}));
  EXPECT_FALSE(match(o, {}, {}, {"|2345-7"}));  // the coding has a system
  EXPECT_FALSE(match(o, {}, {}, {"http://snomed.info/sct|2345-7"}));
  EXPECT_TRUE(match(o, {}, {}, {"718-7", "2345-7"}));  // any of a list
  EXPECT_TRUE(match(o, {}, {"laboratory"}));
  EXPECT_FALSE(match(o, {}, {"vital-signs"}));
  EXPECT_FALSE(match(o, {}, {"laboratory"}, {"718-7"}));  // every parameter must hold
}

TEST(SearchFilter, EachTypeReadsItsOwnElements) {
  model::Condition c;
  c.recorded_date = "2019-05-02";
  model::CodeableConcept problem;
  problem.coding.push_back(coding("http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item"));
  c.category.push_back(problem);
  EXPECT_TRUE(match(model::Resource{c}, {{"eq", "2019-05"}}, {"problem-list-item"}));
  c.onset = model::DateTime{"2010-01-01"};  // onset first, when known
  EXPECT_FALSE(match(model::Resource{c}, {{"eq", "2019-05"}}));

  model::AllergyIntolerance a;
  a.category = {"food"};
  a.recorded_date = "2020-02-02";
  EXPECT_TRUE(match(model::Resource{a}, {{"ge", "2020"}}, {"food"}));
  EXPECT_FALSE(match(model::Resource{a}, {}, {"medication"}));

  model::Immunization i;
  i.vaccine_code.coding.push_back(coding("http://hl7.org/fhir/sid/cvx", "140"));
  i.occurrence = model::DateTime{"2021-10-01"};
  EXPECT_TRUE(match(model::Resource{i}, {{"lt", "2022"}}, {}, {"http://hl7.org/fhir/sid/cvx|140"}));
}

}  // namespace
}  // namespace hie::api
