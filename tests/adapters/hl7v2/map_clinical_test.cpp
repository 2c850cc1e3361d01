#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "adapters/hl7v2/batch.hpp"
#include "adapters/hl7v2/message.hpp"
#include "adapters/hl7v2/segment_mappers.hpp"
#include "broker/model/json.hpp"
#include "tests/support/fhir_validator.hpp"
#include "tests/adapters/hl7v2/sample_support.hpp"

namespace hie::adapters::hl7v2 {
namespace {

using sample_support::read_sample;

/// One parsed sample with its translation context.
struct Sample {
  std::string bytes;
  std::unique_ptr<Message> msg;
  Translation out;
  Context c;
  std::unique_ptr<MappingContext> ctx;

  explicit Sample(const std::string& relative) : bytes(read_sample(relative)) {
    msg = sample_support::parse_first_message(bytes, relative);
    if (!msg) return;
    c.exchange_id = "test-hie";
    c.default_utc_offset = "+00:00";
    ctx = std::make_unique<MappingContext>(*msg, c, out);
  }

  template <class T>
  std::vector<const T*> all() const {
    std::vector<const T*> v;
    for (const auto& r : out.resources)
      if (const T* t = std::get_if<T>(&r)) v.push_back(t);
    return v;
  }

  void expect_valid_fhir() const {
    ASSERT_FALSE(out.resources.empty());
    for (const auto& r : out.resources) {
      auto json = model::to_json(r);
      ASSERT_TRUE(json) << json.error().describe();
      EXPECT_TRUE(hie::testing::is_valid_fhir(*json)) << *json;
    }
  }
};

std::string base64_decode(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : in) {
    int v = value(c);
    if (v < 0) break;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

TEST(Hl7ClinicalMapping, EncounterFromAdtA01) {
  Sample s("fhir-converter/ADT01-23.hl7");
  ASSERT_TRUE(s.ctx);
  map_encounter(*s.ctx, "Patient/p1");
  auto encounters = s.all<model::Encounter>();
  ASSERT_EQ(encounters.size(), 1u);
  const auto& e = *encounters.front();
  EXPECT_EQ(e.status, "in-progress");
  EXPECT_EQ(e.class_.code, "IMP");
  EXPECT_EQ(e.class_.system, "http://terminology.hl7.org/CodeSystem/v3-ActCode");
  ASSERT_TRUE(e.period);
  EXPECT_EQ(e.period->start, "2005-01-10T04:55:02+07:00");
  ASSERT_EQ(e.identifier.size(), 1u);
  EXPECT_EQ(e.identifier.front().value, "40007716");
  ASSERT_TRUE(e.subject);
  EXPECT_EQ(e.subject->reference, "Patient/p1");
  ASSERT_FALSE(e.location.empty());
  EXPECT_EQ(e.location.front().location.display, "PREOP, Room 101, Bed 1, 1");
  ASSERT_EQ(e.participant.size(), 2u);  // attending + admitting
  EXPECT_EQ(e.participant[0].type.front().coding.front().code, "ATND");
  EXPECT_EQ(e.participant[0].individual->display, "WALT DISNEY");
  EXPECT_EQ(e.participant[1].type.front().coding.front().code, "ADM");
  s.expect_valid_fhir();
}

TEST(Hl7ClinicalMapping, EncounterWithHospitalizationAndReason) {
  Sample s("fhir-converter/ADT-A01-01.hl7");
  ASSERT_TRUE(s.ctx);
  map_encounter(*s.ctx, "Patient/p1");
  auto encounters = s.all<model::Encounter>();
  ASSERT_EQ(encounters.size(), 1u);
  const auto& e = *encounters.front();
  EXPECT_EQ(e.class_.code, "PRENC");
  ASSERT_EQ(e.reason_code.size(), 1u);
  EXPECT_EQ(e.reason_code.front().coding.front().code, "140004");
  EXPECT_EQ(e.reason_code.front().coding.front().system, "http://snomed.info/sct");
  ASSERT_TRUE(e.hospitalization);
  ASSERT_TRUE(e.hospitalization->admit_source);
  EXPECT_EQ(e.hospitalization->admit_source->coding.front().system, "http://terminology.hl7.org/CodeSystem/v2-0023");
  s.expect_valid_fhir();
}

TEST(Hl7ClinicalMapping, NoEncounterWithoutPv1) {
  Sample s("fhir-converter/VXU.hl7");
  ASSERT_TRUE(s.ctx);
  map_encounter(*s.ctx, "Patient/p1");
  EXPECT_TRUE(s.out.resources.empty());
}

TEST(Hl7ClinicalMapping, AllergiesFromUkCernerAdt) {
  Sample s("google-healthcare-data-harmonization/adt_a01.hl7");
  ASSERT_TRUE(s.ctx);
  map_allergies(*s.ctx, "Patient/p1");
  auto allergies = s.all<model::AllergyIntolerance>();
  ASSERT_EQ(allergies.size(), 4u);
  const auto& a = *allergies.front();
  ASSERT_TRUE(a.code);
  EXPECT_EQ(a.code->coding.front().code, "Z88.0");
  EXPECT_EQ(a.criticality, "high");
  EXPECT_EQ(allergies[1]->criticality, "low");
  EXPECT_EQ(a.patient.reference, "Patient/p1");
  ASSERT_TRUE(a.clinical_status);
  EXPECT_EQ(a.clinical_status->coding.front().code, "active");
  ASSERT_EQ(allergies[2]->reaction.size(), 1u);
  ASSERT_EQ(allergies[2]->reaction.front().manifestation.size(), 2u);
  EXPECT_EQ(allergies[2]->reaction.front().manifestation[1].text, "Big face");
  s.expect_valid_fhir();
}

TEST(Hl7ClinicalMapping, AllergyCategoryAndOnset) {
  Sample s("fhir-converter/ADT-A01-01.hl7");
  ASSERT_TRUE(s.ctx);
  map_allergies(*s.ctx, "Patient/p1");
  auto allergies = s.all<model::AllergyIntolerance>();
  ASSERT_EQ(allergies.size(), 1u);
  EXPECT_EQ(allergies.front()->category, std::vector<std::string>{"environment"});
  EXPECT_EQ(allergies.front()->criticality, "low");
  ASSERT_TRUE(std::holds_alternative<model::DateTime>(allergies.front()->onset));
  EXPECT_EQ(std::get<model::DateTime>(allergies.front()->onset).value, "2021-08-24");
  s.expect_valid_fhir();
}

TEST(Hl7ClinicalMapping, ConditionsAndProcedures) {
  Sample s("fhir-converter/ADT01-23.hl7");
  ASSERT_TRUE(s.ctx);
  map_conditions(*s.ctx, "Patient/p1");
  auto conditions = s.all<model::Condition>();
  ASSERT_EQ(conditions.size(), 1u);
  const auto& c = *conditions.front();
  ASSERT_TRUE(c.code);
  EXPECT_EQ(c.code->coding.front().code, "71596");
  EXPECT_EQ(c.code->coding.front().system, "http://hl7.org/fhir/sid/icd-9-cm");
  ASSERT_TRUE(c.verification_status);
  EXPECT_EQ(c.verification_status->coding.front().code, "provisional");
  EXPECT_EQ(c.category.front().coding.front().code, "encounter-diagnosis");
  s.expect_valid_fhir();

  Sample p("fhir-converter/ADT-A01-01.hl7");
  ASSERT_TRUE(p.ctx);
  map_procedures(*p.ctx, "Patient/p1");
  auto procedures = p.all<model::Procedure>();
  ASSERT_EQ(procedures.size(), 1u);
  EXPECT_EQ(procedures.front()->status, "completed");
  EXPECT_EQ(procedures.front()->code->coding.front().code, "76164006");
  ASSERT_TRUE(std::holds_alternative<model::DateTime>(procedures.front()->performed));
  EXPECT_EQ(std::get<model::DateTime>(procedures.front()->performed).value, "2005-01-25T11:40:00+01:00");
  ASSERT_FALSE(procedures.front()->performer.empty());
  EXPECT_EQ(procedures.front()->performer.front().actor.display, "Dr Harold H Patrick IV MD");
  p.expect_valid_fhir();
}

TEST(Hl7ClinicalMapping, ImmunizationsFromVxu) {
  Sample s("fhir-converter/VXU.hl7");
  ASSERT_TRUE(s.ctx);
  map_immunizations(*s.ctx, "Patient/p1");
  auto imms = s.all<model::Immunization>();
  ASSERT_EQ(imms.size(), 3u);
  const auto& first = *imms[0];
  EXPECT_EQ(first.status, "completed");
  EXPECT_EQ(first.lot_number, "315841");
  ASSERT_EQ(first.identifier.size(), 1u);
  EXPECT_EQ(first.identifier.front().value, "13696");  // ORC-3 filler order number
  EXPECT_EQ(first.expiration_date, "2015-12-16");
  EXPECT_EQ(first.primary_source, std::optional<bool>(true));
  ASSERT_TRUE(first.dose_quantity);
  EXPECT_EQ(first.dose_quantity->code, "mL");
  ASSERT_TRUE(first.manufacturer);
  EXPECT_EQ(first.manufacturer->display, "Sanofi Pasteur");
  ASSERT_TRUE(first.route);
  EXPECT_EQ(first.route->coding.front().code, "C28161");
  const auto& historical = *imms[1];
  EXPECT_EQ(historical.vaccine_code.coding.front().code, "88");
  EXPECT_EQ(historical.vaccine_code.coding.front().system, "http://hl7.org/fhir/sid/cvx");
  ASSERT_TRUE(std::holds_alternative<model::DateTime>(historical.occurrence));
  EXPECT_EQ(std::get<model::DateTime>(historical.occurrence).value, "2014-10-12");
  EXPECT_EQ(historical.primary_source, std::optional<bool>(false));
  EXPECT_FALSE(historical.dose_quantity);  // 999: amount unknown
  s.expect_valid_fhir();
}

TEST(Hl7ClinicalMapping, ImmunizationCvxLotAndSite) {
  Sample s("fhir-converter/IZ_1_1.1_Admin_Child_Max_Message.hl7");
  ASSERT_TRUE(s.ctx);
  map_immunizations(*s.ctx, "Patient/p1");
  auto imms = s.all<model::Immunization>();
  ASSERT_EQ(imms.size(), 1u);
  EXPECT_EQ(imms[0]->vaccine_code.coding.front().code, "140");
  EXPECT_EQ(imms[0]->vaccine_code.coding.front().system, "http://hl7.org/fhir/sid/cvx");
  EXPECT_EQ(imms[0]->lot_number, "Z0860BB");
  ASSERT_TRUE(imms[0]->site);
  EXPECT_EQ(imms[0]->site->coding.front().system, "http://terminology.hl7.org/CodeSystem/v2-0163");
  s.expect_valid_fhir();
}

TEST(Hl7ClinicalMapping, DocumentTextFromMdm) {
  Sample s("fhir-converter/MDM-T02-03.hl7");
  ASSERT_TRUE(s.ctx);
  map_documents(*s.ctx, "Patient/p1");
  auto docs = s.all<model::DocumentReference>();
  ASSERT_EQ(docs.size(), 1u);
  const auto& d = *docs.front();
  EXPECT_EQ(d.status, "current");
  EXPECT_EQ(d.doc_status, "preliminary");
  ASSERT_TRUE(d.master_identifier);
  EXPECT_EQ(d.master_identifier->value, "2RWRVAJ627408");
  ASSERT_EQ(d.content.size(), 1u);
  EXPECT_EQ(d.content.front().attachment.content_type, "text/plain; charset=utf-8");
  std::string text = base64_decode(d.content.front().attachment.data);
  EXPECT_NE(text.find("Columnist draft inn brown income"), std::string::npos);
  EXPECT_NE(text.find("\nTaxicab creator film"), std::string::npos);
  s.expect_valid_fhir();
}

TEST(Hl7ClinicalMapping, DocumentFormattedTextAndBadEd) {
  Sample s("hl7-v2-to-fhir-ig/Message.hl7_MDM_T02.hl7");
  ASSERT_TRUE(s.ctx);
  map_documents(*s.ctx, "Patient/p1");
  auto docs = s.all<model::DocumentReference>();
  ASSERT_EQ(docs.size(), 1u);
  const auto& d = *docs.front();
  EXPECT_EQ(d.doc_status, "final");
  ASSERT_TRUE(d.master_identifier);
  EXPECT_EQ(d.master_identifier->value, "3738931392");
  EXPECT_EQ(d.master_identifier->system, "urn:hiebroker:test-hie:id:REDDING%20HOSPITAL");
  ASSERT_EQ(d.content.size(), 1u);  // the ED holds "<Base64 encoded>": not base64, reported
  std::string text = base64_decode(d.content.front().attachment.data);
  EXPECT_NE(text.find("Critical Value Reported Lab"), std::string::npos);
  EXPECT_NE(text.find("Table formatting from the original result"), std::string::npos);
  bool reported = false;
  for (const auto& i : s.out.issues) reported = reported || i.location.find("OBX[4]-5") == 0;
  EXPECT_TRUE(reported);
  s.expect_valid_fhir();
}

TEST(Hl7ClinicalMapping, DocumentWithoutContentIsReportedNotWritten) {
  Sample s("fhir-converter/MDM-T02-01.hl7");  // OBX HD + an ED without data
  ASSERT_TRUE(s.ctx);
  map_documents(*s.ctx, "Patient/p1");
  EXPECT_TRUE(s.all<model::DocumentReference>().empty());
  bool reported = false;
  for (const auto& i : s.out.issues) reported = reported || i.location == "TXA";
  EXPECT_TRUE(reported);
}

}  // namespace
}  // namespace hie::adapters::hl7v2
