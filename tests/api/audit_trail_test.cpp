// The AuditEvent of one request: who, which patient, which exchanges, what came of it; valid FHIR.
#include "broker/api/audit_trail.hpp"

#include <gtest/gtest.h>

#include "broker/model/json.hpp"
#include "tests/support/fhir_validator.hpp"

namespace hie::api {
namespace {

Disclosure everything() {
  Disclosure d;
  d.interaction = "operation";
  d.recorded = "2026-11-26T20:00:00.000Z";
  d.path = "Patient/3870146052/$everything";
  d.patient_id = "3870146052";
  d.issuer = "https://hiebroker.dev/issuer";
  d.subject = "dr-smith";
  d.requester_kind = "user";
  d.purpose_of_use = "TREAT";
  d.client_address = "127.0.0.1:50122";
  d.exchanges = {{"north-hie", "stored"}, {"valley-hie", "timed_out"}};
  d.resources_disclosed = 12;
  return d;
}

TEST(AuditTrail, AnEverythingQueryNamesRequesterPatientAndEveryExchange) {
  const model::AuditEvent e = audit_event(everything());
  EXPECT_EQ(e.type.code, "rest");
  ASSERT_EQ(e.subtype.size(), 1u);
  EXPECT_EQ(e.subtype[0].code, "operation");
  EXPECT_EQ(e.action, "E");
  EXPECT_EQ(e.outcome, "4");  // valley-hie timed out: a partial answer
  EXPECT_NE(e.outcome_desc.find("12 resources disclosed"), std::string::npos);
  ASSERT_EQ(e.agent.size(), 1u);
  ASSERT_TRUE(e.agent[0].who && e.agent[0].who->identifier);
  EXPECT_EQ(e.agent[0].who->identifier->value, "dr-smith");
  EXPECT_EQ(e.agent[0].who->identifier->system, "urn:hiebroker:issuer:https://hiebroker.dev/issuer");
  ASSERT_EQ(e.agent[0].purpose_of_use.size(), 1u);
  EXPECT_EQ(e.agent[0].purpose_of_use[0].coding[0].code, "TREAT");
  ASSERT_EQ(e.entity.size(), 3u);
  EXPECT_EQ(e.entity[0].what->reference, "Patient/3870146052");
  EXPECT_EQ(e.entity[2].name, "valley-hie");
  EXPECT_EQ(e.entity[2].description, "exchange outcome: timed_out");

  auto json = model::to_json(model::Resource{e});
  ASSERT_TRUE(json);
  EXPECT_TRUE(hie::testing::is_valid_fhir(*json));
}

TEST(AuditTrail, OutcomesFollowTheHttpStatusAndTheExchanges) {
  Disclosure d = everything();
  d.exchanges = {{"north-hie", "stored"}, {"city-hie", "answered"}, {"valley-hie", "not_found"}};
  EXPECT_EQ(audit_event(d).outcome, "0");
  d.http_status = 403;
  EXPECT_EQ(audit_event(d).outcome, "8");
  d.http_status = 500;
  EXPECT_EQ(audit_event(d).outcome, "12");
  d.interaction = "read";
  EXPECT_EQ(audit_event(d).action, "R");
  d.interaction = "create";
  EXPECT_EQ(audit_event(d).action, "C");
}

}  // namespace
}  // namespace hie::api
