// The exchange's identifier systems (Context::identifier_systems) reach every identifier the
// HL7 v2 adapter writes: PID-3 (CX), order and document numbers (EI) and people (XCN); without a
// table each falls back to an OID/URI it carries, else to a local urn:hiebroker system.

#include <gtest/gtest.h>

#include <string>

#include "adapters/hl7v2/hl7v2_adapter.hpp"
#include "tests/adapters/hl7v2/sample_support.hpp"

namespace hie::adapters::hl7v2 {
namespace {

using sample_support::all_of;

constexpr const char* kAdmission =
    "MSH|^~\\&|PAS|HOSP|BROKER|HIE|20240101120000+0000||ADT^A04|MSG0001|P|2.5.1\r"
    "PID|1||12345^^^HOSP^MR~999^^^^PI~777^^^PAS&2.16.840.1.113883.2.1.3.2.4.18.48&ISO^PI||DOE^JANE|"
    "|19800101|F\r";

constexpr const char* kOrder =
    "MSH|^~\\&|OE|HOSP|BROKER|HIE|20240101120000+0000||ORM^O01|MSG0002|P|2.5.1\r"
    "PID|1||12345^^^HOSP^MR||DOE^JANE||19800101|F\r"
    "ORC|NW|1101^PLACER|||SC||||20240101120000+0000|||3850^JONES^ANN^^^^^^STAFF\r"
    "OBR|1|1101^PLACER||24725-4^CT Head^LN\r";

constexpr const char* kDocument =
    "MSH|^~\\&|DOC|HOSP|BROKER|HIE|20240101120000+0000||MDM^T02|MSG0003|P|2.5.1\r"
    "PID|1||12345^^^HOSP^MR||DOE^JANE||19800101|F\r"
    "TXA|1|CN|TX|20240101120000+0000||||||||DOC123^RECORDS|||||AU\r"
    "OBX|1|TX|||Discharge summary\r";

Context exchange(std::vector<std::pair<std::string, std::string>> table) {
  Context c;
  c.exchange_id = "test-hie";
  c.default_utc_offset = "+00:00";
  c.identifier_systems = std::move(table);
  return c;
}

Translation translate(const char* message, const Context& context) {
  auto result = Hl7v2Adapter().to_model(message, context);
  if (!result) throw std::runtime_error(result.error().describe());
  return std::move(*result);
}

std::vector<std::string> patient_systems(const Translation& t) {
  std::vector<std::string> systems;
  auto patients = all_of<model::Patient>(t);
  if (patients.size() != 1) throw std::runtime_error("expected one Patient");
  for (const auto& id : patients.front()->identifier) systems.push_back(id.system);
  return systems;
}

TEST(Hl7v2IdentifierSystems, Pid3AuthorityAndTypeTakeTheConfiguredSystem) {
  auto t = translate(kAdmission, exchange({{"HOSP", "https://hospital.example/mrn"},
                                           {"PI", "https://hospital.example/patient-internal"},
                                           {"PAS", "https://pas.example/id"}}));
  EXPECT_EQ(patient_systems(t),
            (std::vector<std::string>{
                "https://hospital.example/mrn",               // by authority, PID-3.4.1
                "https://hospital.example/patient-internal",  // no authority: by type, PID-3.5
                "https://pas.example/id",  // the table comes before the OID it carries
            }));
}

TEST(Hl7v2IdentifierSystems, WithoutATableLocalSystemsAndCarriedOids) {
  auto t = translate(kAdmission, exchange({}));
  EXPECT_EQ(patient_systems(t), (std::vector<std::string>{
                                    "urn:hiebroker:test-hie:id:HOSP",
                                    "urn:hiebroker:test-hie:id:PI",
                                    "urn:oid:2.16.840.1.113883.2.1.3.2.4.18.48",
                                }));
}

TEST(Hl7v2IdentifierSystems, OrderNumbersAndProvidersUseTheTable) {
  auto with = translate(kOrder, exchange({{"PLACER", "https://hospital.example/orders"},
                                          {"STAFF", "https://hospital.example/staff"}}));
  auto requests = all_of<model::ServiceRequest>(with);
  ASSERT_EQ(requests.size(), 1u);
  ASSERT_FALSE(requests[0]->identifier.empty());
  EXPECT_EQ(requests[0]->identifier[0].system, "https://hospital.example/orders");
  ASSERT_TRUE(requests[0]->requester && requests[0]->requester->identifier);
  EXPECT_EQ(requests[0]->requester->identifier->system, "https://hospital.example/staff");

  auto without = translate(kOrder, exchange({}));
  requests = all_of<model::ServiceRequest>(without);
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0]->identifier[0].system, "urn:hiebroker:test-hie:id:PLACER");
  EXPECT_EQ(requests[0]->requester->identifier->system, "urn:hiebroker:test-hie:id:STAFF");
}

TEST(Hl7v2IdentifierSystems, DocumentNumbersUseTheTable) {
  auto with = translate(kDocument, exchange({{"RECORDS", "https://hospital.example/documents"}}));
  auto docs = all_of<model::DocumentReference>(with);
  ASSERT_EQ(docs.size(), 1u);
  ASSERT_TRUE(docs[0]->master_identifier);
  EXPECT_EQ(docs[0]->master_identifier->system, "https://hospital.example/documents");

  auto without = translate(kDocument, exchange({}));
  docs = all_of<model::DocumentReference>(without);
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0]->master_identifier->system, "urn:hiebroker:test-hie:id:RECORDS");
}

}  // namespace
}  // namespace hie::adapters::hl7v2
