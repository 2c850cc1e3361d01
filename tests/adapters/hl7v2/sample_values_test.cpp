// Per-sample value checks: for every real HL7 v2 sample not covered elsewhere, the values read
// by eye from the raw message (PID, first OBX, OBR, RXA, PV1, ...) survive translation.

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "adapters/hl7v2/hl7v2_adapter.hpp"
#include "broker/model/nhs_number.hpp"
#include "tests/adapters/hl7v2/sample_support.hpp"

namespace hie::adapters::hl7v2 {
namespace {

using sample_support::read_sample;
using sample_support::all_of;
using sample_support::has_issue_at;

Translation translate(const std::string& relative) {
  Context c;
  c.exchange_id = "test-hie";
  c.default_utc_offset = "+00:00";
  auto r = Hl7v2Adapter().to_model(read_sample(relative), c);
  if (!r) throw std::runtime_error(relative + ": " + r.error().describe());
  return std::move(*r);
}

template <class T>
const T& first_of(const Translation& t) {
  auto v = all_of<T>(t);
  if (v.empty()) throw std::runtime_error("no resource of the expected type");
  return *v.front();
}

// PID-3 (first repetition), PID-5.1, PID-5.2, PID-7 (date part), PID-8.
void expect_patient(const model::Patient& p, std::string_view id, std::string_view family, std::string_view given,
                    std::string_view birth_date, std::string_view gender) {
  ASSERT_FALSE(p.identifier.empty());
  EXPECT_EQ(p.identifier[0].value, id);
  if (!family.empty() || !given.empty()) {
    ASSERT_FALSE(p.name.empty());
    EXPECT_EQ(p.name[0].family, family);
    if (!given.empty()) {
      ASSERT_FALSE(p.name[0].given.empty());
      EXPECT_EQ(p.name[0].given[0], given);
    }
  }
  EXPECT_EQ(p.birth_date, birth_date);
  EXPECT_EQ(p.gender, gender);
}

const model::Coding* coding_in(const model::CodeableConcept& cc, std::string_view system) {
  for (const auto& c : cc.coding)
    if (c.system == system) return &c;
  return nullptr;
}

std::string quantity_text(const model::Observation& o) {
  const auto* q = std::get_if<model::Quantity>(&o.value);
  if (!q || !q->value) return "<no quantity>";
  return q->value->text();
}

std::string quantity_unit(const model::Observation& o) {
  const auto* q = std::get_if<model::Quantity>(&o.value);
  return q ? q->unit : "<no quantity>";
}

std::string value_string(const model::Observation& o) {
  const auto* s = std::get_if<std::string>(&o.value);
  return s ? *s : "<no string>";
}

std::string value_code(const model::Observation& o) {
  const auto* c = std::get_if<model::CodeableConcept>(&o.value);
  return c && !c->coding.empty() ? c->coding[0].code : "<no code>";
}

std::string loinc(const model::Observation& o) {
  const auto* c = coding_in(o.code, "http://loinc.org");
  return c ? c->code : "<no loinc>";
}

std::string effective(const model::Observation& o) {
  const auto* d = std::get_if<model::DateTime>(&o.effective);
  return d ? d->value : "<no dateTime>";
}

// Specimen.collection.collected[x]: the dateTime, or "start/end" of the period.
std::string collected(const model::Specimen& s) {
  if (!s.collection) return "<no collection>";
  if (const auto* d = std::get_if<model::DateTime>(&s.collection->collected)) return d->value;
  if (const auto* p = std::get_if<model::Period>(&s.collection->collected)) return p->start + "/" + p->end;
  return "<no collected>";
}

std::string first_code(const std::optional<model::CodeableConcept>& cc) {
  return cc && !cc->coding.empty() ? cc->coding[0].code : "<no code>";
}

// "Type/id" of a resource of this translation.
template <class R>
std::string ref(const R& r) {
  return std::string(R::fhir_type) + "/" + r.id;
}

std::vector<std::string> references(const std::vector<model::Reference>& refs) {
  std::vector<std::string> out;
  for (const auto& r : refs) out.push_back(r.reference);
  return out;
}

template <class R>
std::vector<std::string> references_to(const std::vector<const R*>& resources) {
  std::vector<std::string> out;
  for (const R* r : resources) out.push_back(ref(*r));
  return out;
}

// ---- cdc-data-exchange-hl7 -------------------------------------------------------------------

TEST(Hl7v2SampleValues, CdcCaseLab002) {
  auto t = translate("cdc-data-exchange-hl7/CaseLab_002.hl7");
  const auto& p = first_of<model::Patient>(t);
  expect_patient(p, "PCJFAHYVWDHS", "", "", "1986-03-30", "male");
  EXPECT_EQ(p.identifier[0].system, "urn:oid:2.16.840.1.113883.3.591.1.1");
  const auto& o = first_of<model::Observation>(t);
  EXPECT_EQ(loinc(o), "77983-5");
  EXPECT_EQ(value_code(o), "USA");
  EXPECT_EQ(o.status, "final");
  // SPM|1|^19070609580||119324002^...^SCT|...|20190709|20190709, in the second OBR's group.
  const auto& s = first_of<model::Specimen>(t);
  ASSERT_EQ(s.identifier.size(), 1u);
  EXPECT_EQ(s.identifier[0].value, "19070609580");  // the filler's half of the EIP
  EXPECT_EQ(s.identifier[0].type->coding[0].code, "FGN");
  ASSERT_TRUE(s.type);
  EXPECT_EQ(s.type->coding[0].system, "http://snomed.info/sct");
  EXPECT_EQ(s.type->coding[0].code, "119324002");
  EXPECT_EQ(collected(s), "2019-07-09");
  EXPECT_EQ(s.received_time, "2019-07-09");
  auto reports = all_of<model::DiagnosticReport>(t);
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_TRUE(reports[0]->specimen.empty());
  EXPECT_EQ(references(reports[1]->specimen), std::vector<std::string>{ref(s)});
  const auto& chlamydia = *all_of<model::Observation>(t).back();  // the OBX of OBR 2
  EXPECT_EQ(loinc(chlamydia), "43304-5");
  ASSERT_TRUE(chlamydia.specimen);
  EXPECT_EQ(chlamydia.specimen->reference, ref(s));
}

TEST(Hl7v2SampleValues, CdcFddNtm12Chol) {
  auto t = translate("cdc-data-exchange-hl7/FDD_V1.0.1_NTM12Chol_F.hl7");
  const auto& p = first_of<model::Patient>(t);
  expect_patient(p, "FDD_CHO_TC01", "", "", "1975-03-01", "male");
  EXPECT_EQ(p.identifier[0].system, "urn:oid:2.16.840.1.114222.222");
  const auto& o = first_of<model::Observation>(t);
  EXPECT_EQ(loinc(o), "32624-9");
  EXPECT_EQ(value_string(o), "No other race");
  EXPECT_EQ(o.status, "final");
}

TEST(Hl7v2SampleValues, CdcGenv1Case) {
  auto t = translate("cdc-data-exchange-hl7/Genv1-Case-TestMessage1.hl7");
  const auto& p = first_of<model::Patient>(t);
  expect_patient(p, "MR99998", "", "", "1962-03-02", "female");
  EXPECT_EQ(p.identifier[0].system, "urn:oid:2.16.840.1.114222.1234");
  const auto& o = first_of<model::Observation>(t);
  ASSERT_FALSE(o.code.coding.empty());
  EXPECT_EQ(o.code.coding[0].code, "NOT109");  // PHINQUESTION, not LOINC
  EXPECT_EQ(value_code(o), "13");              // 13^Georgia^FIPS5_2
  EXPECT_EQ(o.status, "final");
}

TEST(Hl7v2SampleValues, CdcNd23zValid) {
  auto t = translate("cdc-data-exchange-hl7/ND_23z_Valid_1.hl7");
  expect_patient(first_of<model::Patient>(t), "1289369", "Ortiz", "Nestor", "1996-12-11", "female");
  const auto& o = first_of<model::Observation>(t);
  EXPECT_EQ(loinc(o), "94500-6");
  EXPECT_EQ(value_code(o), "260415000");
  EXPECT_EQ(o.status, "final");
  EXPECT_EQ(effective(o), "2020-06-26T13:55:00+00:00");
}

// ---- cdc-trusted-intermediary -----------------------------------------------------------------

TEST(Hl7v2SampleValues, CdcNatusAck) {
  auto t = translate("cdc-trusted-intermediary/001_Natus_ACK.hl7");
  EXPECT_TRUE(t.resources.empty());
  EXPECT_TRUE(has_issue_at(t, "MSH-9"));
}

TEST(Hl7v2SampleValues, CdcOchsnerOml) {
  auto t = translate("cdc-trusted-intermediary/001_Ochsner_OML_O21_0_initial_message.hl7");
  expect_patient(first_of<model::Patient>(t), "10453873", "PKUSS", "GIRL BEAKER", "2024-11-08", "female");
  const auto& sr = first_of<model::ServiceRequest>(t);
  ASSERT_TRUE(sr.code);
  const auto* c = coding_in(*sr.code, "http://loinc.org");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->code, "54089-8");
  EXPECT_EQ(sr.intent, "order");  // ORC-1 NW
  ASSERT_FALSE(sr.identifier.empty());
  EXPECT_EQ(sr.identifier[0].value, "243217771");  // ORC-2 / OBR-2
  // SPM|1|^24LADH-318X0008&Beaker||BLOOD^Blood||||BLOOD^Blood|...|20241113131859|20241113131900||Y
  const auto& s = first_of<model::Specimen>(t);
  ASSERT_EQ(s.identifier.size(), 1u);
  EXPECT_EQ(s.identifier[0].value, "24LADH-318X0008");
  EXPECT_EQ(s.identifier[0].system, "urn:hiebroker:test-hie:id:Beaker");
  EXPECT_EQ(first_code(s.type), "BLOOD");
  EXPECT_EQ(first_code(s.collection->body_site), "BLOOD");
  EXPECT_EQ(collected(s), "2024-11-13T13:18:59+00:00");
  EXPECT_EQ(s.received_time, "2024-11-13T13:19:00+00:00");
  EXPECT_EQ(s.status, "available");  // SPM-20 Y
  ASSERT_TRUE(s.collection->collector);  // OBR-10 739^BEAKER^PHLEBOTOMIST
  EXPECT_EQ(s.collection->collector->display, "PHLEBOTOMIST BEAKER");
  EXPECT_EQ(references(s.request), std::vector<std::string>{ref(sr)});
  EXPECT_EQ(references(sr.specimen), std::vector<std::string>{ref(s)});
  // The four ask-at-order-entry answers (OBX-29 QST) support the order.
  auto answers = all_of<model::Observation>(t);
  ASSERT_EQ(answers.size(), 4u);
  EXPECT_EQ(references(sr.supporting_info), references_to(answers));
  EXPECT_EQ(loinc(*answers[0]), "<no loinc>");  // OBX-3 57714-8 names no coding system
  EXPECT_EQ(answers[0]->code.coding[0].code, "57714-8");
  EXPECT_EQ(value_string(*answers[0]), "384");
  EXPECT_EQ(value_string(*answers[2]), "Human Milk & Formula");  // \T\ unescaped
  EXPECT_EQ(answers[3]->code.coding[0].code, "PLT3280");
  EXPECT_EQ(value_string(*answers[3]), "Enfomil, Similac, Katrina");
  EXPECT_EQ(answers[0]->status, "final");
  EXPECT_EQ(effective(*answers[0]), "2024-11-13T13:17:19+00:00");
  EXPECT_TRUE(answers[0]->category.empty());  // answers, not laboratory results
  EXPECT_FALSE(answers[0]->specimen);         // they come before the SPM
  EXPECT_FALSE(has_issue_at(t, "OBX[1]"));
}

TEST(Hl7v2SampleValues, CdcOracleOrm) {
  auto t = translate("cdc-trusted-intermediary/001_Oracle_ORM_O01.hl7");
  expect_patient(first_of<model::Patient>(t), "1300964", "TEST", "TEST, SCENERIO02, BB", "2023-09-13", "male");
  const auto& sr = first_of<model::ServiceRequest>(t);
  ASSERT_TRUE(sr.code);
  ASSERT_FALSE(sr.code->coding.empty());
  EXPECT_EQ(sr.code->coding[0].code, "57128-1");  // OBR-4, no coding system named
  ASSERT_FALSE(sr.identifier.empty());
  EXPECT_EQ(sr.identifier[0].value, "2801515645");
  // Nine OBX answer the order's questions: OBX|1|CE|67704-7^Type of Feed||^Formula^CD:1220, ...,
  // OBX|6|NM|8339-4^Birth Weight (g)||3040.
  auto answers = all_of<model::Observation>(t);
  ASSERT_EQ(answers.size(), 9u);
  EXPECT_EQ(references(sr.supporting_info), references_to(answers));
  EXPECT_EQ(answers[0]->code.coding[0].code, "67704-7");
  const auto* feed = std::get_if<model::CodeableConcept>(&answers[0]->value);
  ASSERT_TRUE(feed);
  EXPECT_EQ(feed->text, "Formula");
  EXPECT_EQ(answers[5]->code.coding[0].code, "8339-4");
  EXPECT_EQ(quantity_text(*answers[5]), "3040");
  EXPECT_EQ(value_string(*answers[8]), "9568963214");
  EXPECT_EQ(answers[0]->status, "unknown");  // OBX-11 empty
}

TEST(Hl7v2SampleValues, CdcEpicOru) {
  auto t = translate("cdc-trusted-intermediary/002_Epic_ORU_R01.hl7");
  // PID-7 "DOB" and PID-8 "SEX" are placeholders: neither is a date nor a gender.
  expect_patient(first_of<model::Patient>(t), "MRN", "LAST NAME", "FIRST", "", "");
  const auto& o = first_of<model::Observation>(t);
  EXPECT_EQ(loinc(o), "21668-9");  // OBX-3 alternate identifier (^LN)
  ASSERT_FALSE(o.code.coding.empty());
  EXPECT_EQ(o.code.coding[0].code, "21838");
  EXPECT_EQ(value_string(o), "Negative");
  EXPECT_EQ(o.status, "final");
}

TEST(Hl7v2SampleValues, CdcAlabamaNbsOml) {
  auto t = translate("cdc-trusted-intermediary/003_AL_ORM_O01_NBS_Fully_Populated_3_hl7_translation_final.hl7");
  // PID-7 202402210152-0500: the date is the date as written in its own offset.
  expect_patient(first_of<model::Patient>(t), "1300974", "ONE", "TESTCASE", "2024-02-21", "female");
  const auto& sr = first_of<model::ServiceRequest>(t);
  ASSERT_FALSE(sr.identifier.empty());
  EXPECT_EQ(sr.identifier[0].value, "2801690163");  // ORC-2
  EXPECT_EQ(sr.intent, "order");
}

TEST(Hl7v2SampleValues, CdcCaliforniaOru) {
  auto t = translate("cdc-trusted-intermediary/003_CA_ORU_R01_CDPH_produced_0_initial_message.hl7");
  expect_patient(first_of<model::Patient>(t), "80008715", "CDPH-FOUR", "GIRL A MOMFOUR", "", "female");
  const auto& o = first_of<model::Observation>(t);
  EXPECT_EQ(loinc(o), "57721-3");
  EXPECT_EQ(value_code(o), "LA12421-6");
  EXPECT_EQ(o.status, "final");
  EXPECT_EQ(effective(o), "2024-02-12T10:30:49+00:00");
}

TEST(Hl7v2SampleValues, CdcLouisianaOru) {
  auto t = translate("cdc-trusted-intermediary/003_LA_ORU_R01_NBS_obr_flatten_0_initial_message.hl7");
  expect_patient(first_of<model::Patient>(t), "1234567", "TEST", "BABY", "2024-01-01", "");
  const auto& o = first_of<model::Observation>(t);
  EXPECT_EQ(loinc(o), "57718-9");
  EXPECT_EQ(value_code(o), "LA12432-3");
  EXPECT_EQ(o.status, "preliminary");  // OBX-11 P
  EXPECT_EQ(effective(o), "2024-01-01T05:00:00+00:00");
  // SPM|1|^20243334444&Louisiana ...&2.16.840.1.114222.4.3.26.3.1&ISO||440500007^Blood spot
  // specimen^SCT|...|20240101050000^20240101050000|20240102050000, at the end of OBR 1's group.
  const auto& s = first_of<model::Specimen>(t);
  ASSERT_EQ(s.identifier.size(), 1u);
  EXPECT_EQ(s.identifier[0].value, "20243334444");
  EXPECT_EQ(s.identifier[0].system, "urn:oid:2.16.840.1.114222.4.3.26.3.1");
  ASSERT_TRUE(s.type);
  EXPECT_EQ(s.type->coding[0].system, "http://snomed.info/sct");
  EXPECT_EQ(s.type->coding[0].code, "440500007");
  EXPECT_EQ(collected(s), "2024-01-01T05:00:00+00:00/2024-01-01T05:00:00+00:00");
  EXPECT_EQ(s.received_time, "2024-01-02T05:00:00+00:00");
  const auto& dr = first_of<model::DiagnosticReport>(t);
  EXPECT_EQ(references(dr.specimen), std::vector<std::string>{ref(s)});
  ASSERT_TRUE(o.specimen);  // the group's only specimen
  EXPECT_EQ(o.specimen->reference, ref(s));
}

TEST(Hl7v2SampleValues, CdcMinnesotaAdtA01) {
  auto t = translate("cdc-trusted-intermediary/005_MN_ADT_A01.hl7");
  expect_patient(first_of<model::Patient>(t), "11102779", "SMITH", "BB SARAH", "2023-05-04", "male");
  const auto& e = first_of<model::Encounter>(t);
  EXPECT_EQ(e.class_.code, "IMP");  // PV1-2 I
}

TEST(Hl7v2SampleValues, CdcMicroCharacterEncoding) {
  auto t = translate("cdc-trusted-intermediary/008_ORU_R01_micro_character_encoding.hl7");
  expect_patient(first_of<model::Patient>(t), "80008836", "CDPHSIX", "BOY  MOMSIX", "", "male");
  const auto& o = first_of<model::Observation>(t);
  EXPECT_EQ(loinc(o), "47633-3");
  EXPECT_EQ(quantity_text(o), "0.5");
  EXPECT_EQ(quantity_unit(o), "\xC2\xB5mol/L");  // µmol/L
  EXPECT_EQ(o.status, "final");
}

// ---- fhir-converter ---------------------------------------------------------------------------

// PID-3 PATID1234^5^M11^test1&2.16.1&HCD^MR, EVERYMAN^ADAM, 198808181126+0215, M.
void expect_everyman(const Translation& t) {
  expect_patient(first_of<model::Patient>(t), "PATID1234", "EVERYMAN", "ADAM", "1988-08-18", "male");
}

TEST(Hl7v2SampleValues, FhirConverterAdtA01_02) {
  auto t = translate("fhir-converter/ADT-A01-02.hl7");
  expect_everyman(t);
  const auto& e = first_of<model::Encounter>(t);
  EXPECT_EQ(e.class_.code, "PRENC");  // PV1-2 P
}

TEST(Hl7v2SampleValues, FhirConverterAdtA04_01) {
  auto t = translate("fhir-converter/ADT-A04-01.hl7");
  expect_everyman(t);
  EXPECT_EQ(first_of<model::Encounter>(t).class_.code, "PRENC");
  const auto& c = first_of<model::Condition>(t);  // DG1-3 422504002^Ischemic stroke(disorder)^SCT
  ASSERT_TRUE(c.code);
  const auto* sct = coding_in(*c.code, "http://snomed.info/sct");
  ASSERT_TRUE(sct);
  EXPECT_EQ(sct->code, "422504002");
}

TEST(Hl7v2SampleValues, FhirConverterAdtA08_01) {
  auto t = translate("fhir-converter/ADT-A08-01.hl7");
  expect_everyman(t);
  const auto& c = first_of<model::Condition>(t);
  ASSERT_TRUE(c.code);
  const auto* sct = coding_in(*c.code, "http://snomed.info/sct");
  ASSERT_TRUE(sct);
  EXPECT_EQ(sct->code, "422504002");
}

TEST(Hl7v2SampleValues, FhirConverterAdtA28_01) {
  auto t = translate("fhir-converter/ADT-A28-01.hl7");
  expect_everyman(t);
  const auto& c = first_of<model::Condition>(t);
  ASSERT_TRUE(c.code);
  const auto* sct = coding_in(*c.code, "http://snomed.info/sct");
  ASSERT_TRUE(sct);
  EXPECT_EQ(sct->code, "422504002");
}

TEST(Hl7v2SampleValues, FhirConverterAdtA31_01) {
  auto t = translate("fhir-converter/ADT-A31-01.hl7");
  expect_everyman(t);
  EXPECT_FALSE(all_of<model::AllergyIntolerance>(t).empty());  // AL1|1|EA|P^PENICILLIN^ICDO
}

TEST(Hl7v2SampleValues, FhirConverterAdtA40_02) {
  auto t = translate("fhir-converter/ADT-A40-02.hl7");
  expect_patient(first_of<model::Patient>(t), "12345", "Test", "Test", "2018-02-05", "female");
  const auto& p = first_of<model::Patient>(t);
  ASSERT_FALSE(p.address.empty());
  EXPECT_EQ(p.address[0].city, "Raleigh");
  EXPECT_EQ(p.address[0].postal_code, "27615");
}

TEST(Hl7v2SampleValues, FhirConverterMdhhsOml) {
  auto t = translate("fhir-converter/MDHHS-OML-O21-1.hl7");
  expect_patient(first_of<model::Patient>(t), "MRNTC09SA-Part A", "Shine", "Baby Girl", "2016-03-08", "female");
  const auto& sr = first_of<model::ServiceRequest>(t);
  ASSERT_TRUE(sr.code);
  const auto* c = coding_in(*sr.code, "http://loinc.org");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->code, "6532-6");
  ASSERT_FALSE(sr.identifier.empty());
  EXPECT_EQ(sr.identifier[0].value, "ORD723222");
  ASSERT_EQ(sr.note.size(), 1u);  // NTE|1||the sky is blue, after the OBR
  EXPECT_EQ(sr.note[0].text, "the sky is blue");
  // OBX|1|TS|AOE15^Date of Last Rabies Vaccination^BOL_0002||20150818060605-0500||||||O
  const auto& answer = first_of<model::Observation>(t);
  EXPECT_EQ(references(sr.supporting_info), std::vector<std::string>{ref(answer)});
  EXPECT_EQ(answer.code.coding[0].code, "AOE15");
  const auto* when = std::get_if<model::DateTime>(&answer.value);
  ASSERT_TRUE(when);
  EXPECT_EQ(when->value, "2015-08-18T06:06:05-05:00");
  EXPECT_EQ(answer.status, "registered");  // OBX-11 O: order detail
  // SPM|1|4222||67922002^Serum^SCT||NONE|SWA||...|20160308170551-0500
  const auto& s = first_of<model::Specimen>(t);
  ASSERT_EQ(s.identifier.size(), 1u);
  EXPECT_EQ(s.identifier[0].value, "4222");
  EXPECT_EQ(s.identifier[0].type->coding[0].code, "PGN");
  EXPECT_EQ(s.identifier[0].system, "urn:hiebroker:test-hie:id:specimen-placer");
  ASSERT_TRUE(s.type);
  EXPECT_EQ(s.type->coding[0].system, "http://snomed.info/sct");
  EXPECT_EQ(s.type->coding[0].code, "67922002");
  EXPECT_EQ(first_code(s.collection->method), "SWA");
  ASSERT_EQ(s.container.size(), 1u);
  EXPECT_EQ(std::get<model::CodeableConcept>(s.container[0].additive).coding[0].code, "NONE");
  EXPECT_EQ(collected(s), "2016-03-08T17:05:51-05:00");
  EXPECT_EQ(references(sr.specimen), std::vector<std::string>{ref(s)});
  EXPECT_EQ(references(s.request), std::vector<std::string>{ref(sr)});
}

TEST(Hl7v2SampleValues, FhirConverterOmlO21_01) {
  auto t = translate("fhir-converter/OML-O21-01.hl7");
  expect_everyman(t);
  const auto& sr = first_of<model::ServiceRequest>(t);
  ASSERT_EQ(sr.note.size(), 1u);
  EXPECT_EQ(sr.note[0].text, "Urgent");  // NTE after the OBR
  // SPM|1|2012545^2012999999&IA PHIMS Stage&2.16.840.1.114222.4.3.3.5.1.2&ISO|PAI12^FAI12|
  // ASERU^Serum^^FUR^^^^^Blood||STUTM^...|BCAE|BAP^^HL70488^...|||40^&lbs||This is a specimen
  // resource|...|20110103143428-0800^20111103143428-0800|20120301||Y||||AUT^...^HL70493^CLOT~HEM
  // |||T-container^ContainerType^ABC|||AI-30^^^IA PHIMS Stage&1.3.6.1.4.1.44750.1.2.2&ISO^PI|OSI-31^...
  const auto& s = first_of<model::Specimen>(t);
  ASSERT_EQ(s.identifier.size(), 3u);
  EXPECT_EQ(s.identifier[0].value, "2012545");
  EXPECT_EQ(s.identifier[0].type->coding[0].code, "PGN");
  EXPECT_EQ(s.identifier[1].value, "2012999999");
  EXPECT_EQ(s.identifier[1].system, "urn:oid:2.16.840.1.114222.4.3.3.5.1.2");
  EXPECT_EQ(s.identifier[1].type->coding[0].code, "FGN");
  EXPECT_EQ(s.identifier[2].value, "OSI-31");  // SPM-31 other specimen id
  ASSERT_TRUE(s.accession_identifier);
  EXPECT_EQ(s.accession_identifier->value, "AI-30");
  EXPECT_EQ(s.accession_identifier->system, "urn:oid:1.3.6.1.4.1.44750.1.2.2");
  ASSERT_EQ(s.parent.size(), 1u);
  EXPECT_EQ(s.parent[0].identifier->value, "FAI12");  // the filler's; PAI12 is reported
  EXPECT_TRUE(has_issue_at(t, "SPM-3.1"));
  ASSERT_TRUE(s.type);
  EXPECT_EQ(s.type->coding[0].code, "ASERU");
  EXPECT_EQ(s.type->coding[1].code, "FUR");
  EXPECT_EQ(s.type->text, "Blood");
  EXPECT_EQ(first_code(s.collection->method), "BCAE");
  ASSERT_TRUE(s.collection->body_site);
  EXPECT_EQ(s.collection->body_site->coding[0].system, "http://terminology.hl7.org/CodeSystem/v2-0488");
  EXPECT_EQ(s.collection->body_site->coding[0].code, "BAP");
  ASSERT_TRUE(s.collection->quantity);
  EXPECT_EQ(s.collection->quantity->value->text(), "40");
  EXPECT_EQ(s.collection->quantity->unit, "lbs");
  EXPECT_EQ(collected(s), "2011-01-03T14:34:28-08:00/2011-11-03T14:34:28-08:00");
  EXPECT_EQ(s.received_time, "2012-03-01");
  EXPECT_EQ(s.status, "available");
  ASSERT_EQ(s.condition.size(), 2u);
  EXPECT_EQ(s.condition[0].coding[0].code, "AUT");
  EXPECT_EQ(s.condition[0].coding[0].system, "http://terminology.hl7.org/CodeSystem/v2-0493");
  EXPECT_EQ(s.condition[1].coding[0].code, "HEM");
  ASSERT_EQ(s.container.size(), 1u);
  EXPECT_EQ(first_code(s.container[0].type), "T-container");
  EXPECT_EQ(std::get<model::CodeableConcept>(s.container[0].additive).coding[0].code, "STUTM");
  ASSERT_EQ(s.note.size(), 1u);
  EXPECT_EQ(s.note[0].text, "This is a specimen resource");
  EXPECT_FALSE(s.collection->collector);  // OBR-10 is empty
  EXPECT_EQ(references(sr.specimen), std::vector<std::string>{ref(s)});
  // Four OBX in the order: two before the SPM, one after it, one after the SAC (container).
  auto observations = all_of<model::Observation>(t);
  ASSERT_EQ(observations.size(), 4u);
  EXPECT_EQ(references(sr.supporting_info), references_to(observations));
  EXPECT_EQ(value_code(*observations[0]), "27268008");  // Salmonella^SCT
  ASSERT_EQ(observations[1]->note.size(), 1u);
  EXPECT_EQ(observations[1]->note[0].text, "No Antibodies Detected");
  EXPECT_FALSE(observations[0]->specimen);
  EXPECT_EQ(quantity_text(*observations[2]), "27");
  ASSERT_TRUE(observations[2]->specimen);
  EXPECT_EQ(observations[2]->specimen->reference, ref(s));
  ASSERT_TRUE(observations[3]->specimen);
  EXPECT_TRUE(has_issue_at(t, "SAC"));  // containers are not mapped
}

TEST(Hl7v2SampleValues, FhirConverterOruR01_01) {
  auto t = translate("fhir-converter/ORU-R01-01.hl7");
  const auto& p = first_of<model::Patient>(t);
  expect_patient(p, "14", "Finn", "Huckleberry", "1963-08-15", "male");
  EXPECT_EQ(p.identifier[0].system, "urn:oid:2.16.840.1.114222.4.3.3.5.1.2");
  const auto& o = first_of<model::Observation>(t);
  EXPECT_EQ(loinc(o), "8867-4");
  EXPECT_EQ(o.status, "final");
  EXPECT_EQ(effective(o), "1999-07-02");
  const auto& dr = first_of<model::DiagnosticReport>(t);  // OBR-4 625-4
  ASSERT_FALSE(dr.code.coding.empty());
  EXPECT_EQ(dr.code.coding[0].code, "625-4");
  // The SPM of the OBR group (the same SPM as OML-O21-01's) is the report's only specimen.
  const auto& s = first_of<model::Specimen>(t);
  EXPECT_EQ(references(dr.specimen), std::vector<std::string>{ref(s)});
  EXPECT_EQ(first_code(s.type), "ASERU");
  EXPECT_EQ(collected(s), "2011-01-03T14:34:28-08:00/2011-11-03T14:34:28-08:00");
  for (const auto* obs : all_of<model::Observation>(t)) {
    if (std::find(dr.result.begin(), dr.result.end(), model::Reference{ref(*obs), "", {}, ""}) == dr.result.end())
      continue;  // the OBX before the OBR belongs to no report
    ASSERT_TRUE(obs->specimen) << loinc(*obs);
    EXPECT_EQ(obs->specimen->reference, ref(s));
  }
}

TEST(Hl7v2SampleValues, FhirConverterOruRmgead) {
  auto t = translate("fhir-converter/ORU-R01-RMGEAD.hl7");
  expect_patient(first_of<model::Patient>(t), "555-44-4444", "EVERYWOMAN", "EVE", "1962-03-20", "female");
  const auto& o = first_of<model::Observation>(t);
  ASSERT_FALSE(o.code.coding.empty());
  EXPECT_EQ(o.code.coding[0].code, "1554-5");
  EXPECT_EQ(quantity_text(o), "182");  // SN ^182
  EXPECT_EQ(quantity_unit(o), "mg/dl");
  EXPECT_EQ(o.status, "final");
}

TEST(Hl7v2SampleValues, FhirConverterPc1ProblemAdd) {
  auto t = translate("fhir-converter/PC1-Problem-Add-v2.3.1.hl7");
  expect_patient(first_of<model::Patient>(t), "10290", "KARLS", "TOM", "2004-05-30", "male");
  EXPECT_FALSE(has_issue_at(t, "MSH-9"));  // PPR^PC1 is mapped
  // PRB|AD|2004062916460000|596.5^BLADDER DYSFUNCTION^I9|26744|||20040629||||||ACTIVE|||20040629
  auto conditions = all_of<model::Condition>(t);
  ASSERT_EQ(conditions.size(), 1u);
  const auto& c = *conditions[0];
  ASSERT_TRUE(c.code);
  EXPECT_EQ(c.code->coding[0].system, "http://hl7.org/fhir/sid/icd-9-cm");
  EXPECT_EQ(c.code->coding[0].code, "596.5");
  EXPECT_EQ(c.code->coding[0].display, "BLADDER DYSFUNCTION");
  ASSERT_EQ(c.category.size(), 1u);
  EXPECT_EQ(c.category[0].coding[0].code, "problem-list-item");
  ASSERT_EQ(c.identifier.size(), 1u);
  EXPECT_EQ(c.identifier[0].value, "26744");  // PRB-4 problem instance id
  EXPECT_EQ(std::get<model::DateTime>(c.onset).value, "2004-06-29");  // PRB-16
  EXPECT_EQ(c.subject.reference, ref(first_of<model::Patient>(t)));
  // PRB-2 has 16 digits: not an HL7 timestamp, so no recordedDate (reported).
  EXPECT_TRUE(c.recorded_date.empty());
  EXPECT_TRUE(has_issue_at(t, "PRB-2.1"));
  // ACTIVE was sent as the confirmation status (PRB-13), which has no such code: reported, and
  // no life cycle status (PRB-14) was sent.
  EXPECT_FALSE(c.verification_status);
  EXPECT_FALSE(c.clinical_status);
  EXPECT_TRUE(has_issue_at(t, "PRB-13"));
  EXPECT_TRUE(has_issue_at(t, "PRB-7"));  // established date: no R4 element (see map_problems.cpp)
}

TEST(Hl7v2SampleValues, FhirConverterRdeO11) {
  auto t = translate("fhir-converter/RDE-O11-01.hl7");
  expect_everyman(t);
  EXPECT_TRUE(has_issue_at(t, "MSH-9"));
}

TEST(Hl7v2SampleValues, FhirConverterSiuS12) {
  auto t = translate("fhir-converter/SIU-S12-01.hl7");
  expect_everyman(t);
  EXPECT_TRUE(has_issue_at(t, "MSH-9"));
}

TEST(Hl7v2SampleValues, FhirConverterSiuS15) {
  auto t = translate("fhir-converter/SIU-S15-01.hl7");
  expect_everyman(t);
  EXPECT_TRUE(has_issue_at(t, "MSH-9"));
}

TEST(Hl7v2SampleValues, FhirConverterVxuV04) {
  auto t = translate("fhir-converter/VXU-V04-01.hl7");
  expect_everyman(t);
  const auto& im = first_of<model::Immunization>(t);
  // RXA-5 49281021588^TENIVAC^NDC: an NDC code, not CVX.
  const auto* ndc = coding_in(im.vaccine_code, "http://hl7.org/fhir/sid/ndc");
  ASSERT_TRUE(ndc);
  EXPECT_EQ(ndc->code, "49281021588");
  const auto* when = std::get_if<model::DateTime>(&im.occurrence);
  ASSERT_TRUE(when);
  EXPECT_EQ(when->value, "2021-08-18");  // RXA-3
  EXPECT_EQ(im.status, "completed");            // RXA-20 CP
}

// ---- google-healthcare-data-harmonization -----------------------------------------------------

TEST(Hl7v2SampleValues, GoogleAdtA04) {
  auto t = translate("google-healthcare-data-harmonization/adt_a04_ex1.hl7");
  expect_patient(first_of<model::Patient>(t), "19050114293307.1082", "BUNNY", "BUGS", "1983-02-15", "male");
  EXPECT_EQ(first_of<model::Encounter>(t).class_.code, "EMER");  // PV1-2 E
}

TEST(Hl7v2SampleValues, GoogleAdtA08) {
  auto t = translate("google-healthcare-data-harmonization/adt_a08_ex1.hl7");
  const auto& p = first_of<model::Patient>(t);
  expect_patient(p, "151", "Bond", "Tiny", "1999-07-23", "male");
  ASSERT_FALSE(p.address.empty());
  EXPECT_EQ(p.address[0].city, "Raleigh");
}

TEST(Hl7v2SampleValues, GoogleOmlO21) {
  auto t = translate("google-healthcare-data-harmonization/oml_o21_ex1.hl7");
  expect_patient(first_of<model::Patient>(t), "PATID5421", "Wilson", "Patrice", "1982-03-04", "female");
  const auto& sr = first_of<model::ServiceRequest>(t);
  ASSERT_TRUE(sr.code);
  ASSERT_FALSE(sr.code->coding.empty());
  EXPECT_EQ(sr.code->coding[0].code, "1000");
  const auto& c = first_of<model::Condition>(t);  // DG1-3 F11.129^...^I10C
  ASSERT_TRUE(c.code);
  const auto* icd = coding_in(*c.code, "http://hl7.org/fhir/sid/icd-10-cm");
  ASSERT_TRUE(icd);
  EXPECT_EQ(icd->code, "F11.129");
}

TEST(Hl7v2SampleValues, GoogleOruR01Ex1) {
  auto t = translate("google-healthcare-data-harmonization/oru_r01_ex1.hl7");
  expect_patient(first_of<model::Patient>(t), "10002", "RAPID", "", "", "");
  const auto& o = first_of<model::Observation>(t);
  ASSERT_FALSE(o.code.coding.empty());
  EXPECT_EQ(o.code.coding[0].code, "HR");
  EXPECT_EQ(value_string(o), "68");
  EXPECT_EQ(o.status, "preliminary");  // OBX-11 R
}

TEST(Hl7v2SampleValues, GoogleOruR01Ex6) {
  auto t = translate("google-healthcare-data-harmonization/oru_r01_ex6.hl7");
  const auto& p = first_of<model::Patient>(t);
  expect_patient(p, "1076943130", "Trivedi", "Jacqueline", "1937-12-27", "female");
  bool nhs = false;
  for (const auto& id : p.identifier) nhs |= id.system == model::NhsNumber::system && id.value == "2914785070";
  EXPECT_TRUE(nhs);
  const auto& o = first_of<model::Observation>(t);
  ASSERT_FALSE(o.code.coding.empty());
  EXPECT_EQ(o.code.coding[0].code, "tt-0003-02");
  EXPECT_EQ(quantity_text(o), "5.10");
  EXPECT_EQ(quantity_unit(o), "MMOLL");
  EXPECT_EQ(o.status, "final");
  EXPECT_EQ(effective(o), "2020-05-08T13:06:44+00:00");
}

TEST(Hl7v2SampleValues, GoogleRdeO01) {
  auto t = translate("google-healthcare-data-harmonization/rde_o01_ex1.hl7");
  // PID-8 "2" is not an HL7 table 0001 code, so no gender.
  expect_patient(first_of<model::Patient>(t), "1516070", "ZZZTEST", "MEDS TEAM OAK", "1980-01-01", "");
  EXPECT_TRUE(has_issue_at(t, "MSH-9"));
}

// ---- hl7-dotnetcore ---------------------------------------------------------------------------

TEST(Hl7v2SampleValues, DotnetcoreSampleAdt) {
  auto t = translate("hl7-dotnetcore/Sample-ADT.hl7");
  const auto& p = first_of<model::Patient>(t);
  expect_patient(p, "454721", "DOE", "JOHN", "1948-02-03", "male");
  ASSERT_FALSE(p.address.empty());
  EXPECT_EQ(p.address[0].city, "MYTOWN");
  EXPECT_TRUE(has_issue_at(t, "MSH-9"));  // ADT^O01 is not an ADT event we map
}

TEST(Hl7v2SampleValues, DotnetcoreSampleOrm) {
  auto t = translate("hl7-dotnetcore/Sample-ORM.hl7");
  expect_patient(first_of<model::Patient>(t), "42311", "Jane", "Doe", "1992-11-12", "male");
  const auto& sr = first_of<model::ServiceRequest>(t);
  ASSERT_TRUE(sr.code);
  ASSERT_FALSE(sr.code->coding.empty());
  EXPECT_EQ(sr.code->coding[0].code, "4241");
  ASSERT_FALSE(sr.identifier.empty());
  EXPECT_EQ(sr.identifier[0].value, "11777-60");
}

}  // namespace
}  // namespace hie::adapters::hl7v2
