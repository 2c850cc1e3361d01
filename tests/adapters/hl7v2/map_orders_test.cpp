#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "adapters/hl7v2/batch.hpp"
#include "adapters/hl7v2/segment_mappers.hpp"
#include "broker/model/json.hpp"
#include "tests/support/fhir_validator.hpp"
#include "tests/adapters/hl7v2/sample_support.hpp"

namespace hie::adapters::hl7v2 {
namespace {

struct MappedOrders {
  std::string bytes;
  std::unique_ptr<Message> message;
  Translation out;
  std::vector<const model::ServiceRequest*> requests;
};

std::unique_ptr<MappedOrders> map_orders_of(const std::string& relative) {
  auto m = std::make_unique<MappedOrders>();
  m->bytes = sample_support::read_sample(relative);
  m->message = sample_support::parse_first_message(m->bytes, relative);
  if (!m->message) return m;
  Context c;
  c.exchange_id = "test-hie";
  c.default_utc_offset = "+00:00";
  MappingContext ctx(*m->message, c, m->out);
  map_orders(ctx, "Patient/p1");
  ctx.report_unused();
  for (const auto& r : m->out.resources)
    if (auto* sr = std::get_if<model::ServiceRequest>(&r)) m->requests.push_back(sr);
  return m;
}

void expect_valid(const Translation& t) {
  for (const auto& r : t.resources) {
    auto json = model::to_json(r);
    ASSERT_TRUE(json) << json.error().describe();
    EXPECT_TRUE(hie::testing::is_valid_fhir(*json));
  }
}

TEST(Hl7MapOrders, OrmWithPlacerFillerRequesterAndPriority) {
  auto m = map_orders_of("fhir-converter/ORM-O01-01.hl7");
  ASSERT_TRUE(m->message);
  ASSERT_EQ(m->requests.size(), 1u);
  const auto& sr = *m->requests[0];
  EXPECT_EQ(sr.intent, "order");
  EXPECT_EQ(sr.status, "active");  // ORC-5 SC
  EXPECT_EQ(sr.subject.reference, "Patient/p1");
  ASSERT_TRUE(sr.code);
  EXPECT_EQ(sr.code->coding[0].code, "24725-4");
  EXPECT_EQ(sr.code->coding[0].system, "http://loinc.org");
  ASSERT_EQ(sr.identifier.size(), 2u);
  EXPECT_EQ(sr.identifier[0].value, "1101");
  EXPECT_EQ(sr.identifier[0].type->coding[0].code, "PLAC");
  EXPECT_EQ(sr.identifier[0].system, "urn:hiebroker:test-hie:id:GHHPlacer");
  EXPECT_EQ(sr.identifier[1].value, "1201");
  EXPECT_EQ(sr.identifier[1].type->coding[0].code, "FILL");
  EXPECT_EQ(sr.authored_on, "2021-10-20T11:26:00+02:15");
  ASSERT_TRUE(sr.requester);
  EXPECT_EQ(sr.requester->display, "JONES A ORDPROVIDER");
  EXPECT_EQ(sr.requester->identifier->value, "3850");
  ASSERT_TRUE(std::holds_alternative<model::DateTime>(sr.occurrence));
  EXPECT_EQ(std::get<model::DateTime>(sr.occurrence).value, "2021-10-20T12:00:00+02:15");
  EXPECT_TRUE(sr.priority.empty());  // neither ORC-7.6 nor OBR-27.6 nor a TQ1 gives one
  // OBX|27|NM|8867-4^heartrate^LN||60~120|beats/min^^ISO|70-80|...|S: an answer for the order.
  std::vector<const model::Observation*> answers;
  for (const auto& r : m->out.resources)
    if (auto* o = std::get_if<model::Observation>(&r)) answers.push_back(o);
  ASSERT_EQ(answers.size(), 1u);
  ASSERT_EQ(sr.supporting_info.size(), 1u);
  EXPECT_EQ(sr.supporting_info[0].reference, "Observation/" + answers[0]->id);
  EXPECT_EQ(answers[0]->code.coding[0].code, "8867-4");
  EXPECT_EQ(std::get<model::Quantity>(answers[0]->value).value->text(), "60");
  EXPECT_EQ(answers[0]->subject->reference, "Patient/p1");
  EXPECT_TRUE(answers[0]->category.empty());
  expect_valid(m->out);
}

TEST(Hl7MapOrders, OmlTakesPriorityFromTq1) {
  auto m = map_orders_of("fhir-converter/OML-O21-01.hl7");
  ASSERT_TRUE(m->message);
  ASSERT_EQ(m->requests.size(), 1u);
  const auto& sr = *m->requests[0];
  EXPECT_EQ(sr.priority, "routine");  // TQ1-9 R
  EXPECT_EQ(sr.code->coding[0].code, "57698-3");
  EXPECT_EQ(sr.status, "active");
  expect_valid(m->out);
}

TEST(Hl7MapOrders, LabOrmFallsBackToObrOrderingProvider) {
  auto m = map_orders_of("fhir-converter/LAB-ORM-1.hl7");
  ASSERT_TRUE(m->message);
  ASSERT_EQ(m->requests.size(), 1u);
  const auto& sr = *m->requests[0];
  EXPECT_EQ(sr.status, "active");  // ORC-5 NW (not in table 0038) → active
  ASSERT_EQ(sr.identifier.size(), 2u);  // OBR-2/3 repeat ORC-2/3: not doubled
  EXPECT_EQ(sr.identifier[0].value, "88502218");
  ASSERT_TRUE(sr.requester);  // ORC-12 empty: OBR-16 ordering provider
  EXPECT_EQ(sr.requester->display, "DR URO");
  EXPECT_EQ(sr.authored_on, "2014-10-06T09:29:00+00:00");
  expect_valid(m->out);
}

}  // namespace
}  // namespace hie::adapters::hl7v2
