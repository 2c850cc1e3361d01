// Per-sample value checks: for every real HL7 v2 sample not covered elsewhere, the values read
// by eye from the raw message (PID, first OBX, OBR, RXA, PV1, ...) survive translation.
// The checks every sample shares (the patient, the first Observation and ServiceRequest, a
// Condition coding, the Encounter class, whether MSH-9 is reported) are one row of kSamples;
// what only one sample shows (specimens, order answers, notes, ...) is a plain test below it.

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "adapters/hl7v2/hl7v2_adapter.hpp"
#include "broker/model/nhs_number.hpp"
#include "tests/adapters/hl7v2/sample_support.hpp"

namespace hie::adapters::hl7v2 {
namespace {

using sample_support::read_sample;
using sample_support::all_of;
using sample_support::has_issue_at;

constexpr std::string_view kLoinc = "http://loinc.org";
constexpr std::string_view kSnomed = "http://snomed.info/sct";

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
  const auto* c = coding_in(o.code, kLoinc);
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

// ---- the values every sample shares ------------------------------------------------------------

// PID-3 (first repetition), PID-5.1, PID-5.2, PID-7 (date part), PID-8. The birth date and the
// gender are always checked (empty: there is none); the name only when a family or given name is
// expected, the given name and the identifier's system only when expected.
struct PatientValues {
  std::string_view id, family, given, birth_date, gender;
  std::string_view id_system = {};
};

// The first Observation (OBX). Here and in the structs below, an empty value is not checked.
struct ObservationValues {
  std::string_view loinc = {};  // the code's LOINC coding
  std::string_view code = {};   // the code's first coding
  std::string_view value_code = {}, value_string = {}, quantity = {}, unit = {};
  std::string_view status = {}, effective = {};
};

// The first ServiceRequest (ORC/OBR).
struct OrderValues {
  std::string_view loinc = {};  // the code's LOINC coding
  std::string_view code = {};   // the code's first coding
  std::string_view identifier = {}, intent = {};
};

// A coding of the first Condition's code (DG1-3).
struct ConditionCoding {
  std::string_view system, code;
};

struct SampleValues {
  std::string_view name;  // of the test
  std::string_view file;  // under tests/data/hl7v2/
  PatientValues patient;
  std::string_view city = {}, postal_code = {};  // Patient.address[0]
  std::optional<ObservationValues> observation = {};
  std::optional<OrderValues> order = {};
  std::optional<ConditionCoding> condition = {};
  std::string_view encounter_class = {};  // PV1-2
  std::optional<bool> message_type_reported = {};  // an issue at MSH-9: the type is not mapped
};

void PrintTo(const SampleValues& sample, std::ostream* os) { *os << sample.file; }

// PID-3 PATID1234^5^M11^test1&2.16.1&HCD^MR, EVERYMAN^ADAM, 198808181126+0215, M.
constexpr PatientValues kEveryman{"PATID1234", "EVERYMAN", "ADAM", "1988-08-18", "male"};

const SampleValues kSamples[] = {
    // ---- cdc-data-exchange-hl7
    {.name = "CdcCaseLab002", .file = "cdc-data-exchange-hl7/CaseLab_002.hl7",
     .patient = {"PCJFAHYVWDHS", "", "", "1986-03-30", "male",
                 "urn:oid:2.16.840.1.113883.3.591.1.1"},
     .observation = ObservationValues{.loinc = "77983-5", .value_code = "USA", .status = "final"}},
    {.name = "CdcFddNtm12Chol", .file = "cdc-data-exchange-hl7/FDD_V1.0.1_NTM12Chol_F.hl7",
     .patient = {"FDD_CHO_TC01", "", "", "1975-03-01", "male", "urn:oid:2.16.840.1.114222.222"},
     .observation = ObservationValues{.loinc = "32624-9", .value_string = "No other race",
                                      .status = "final"}},
    // OBX-3 NOT109 is a PHINQUESTION code, not LOINC; OBX-5 13^Georgia^FIPS5_2.
    {.name = "CdcGenv1Case", .file = "cdc-data-exchange-hl7/Genv1-Case-TestMessage1.hl7",
     .patient = {"MR99998", "", "", "1962-03-02", "female", "urn:oid:2.16.840.1.114222.1234"},
     .observation = ObservationValues{.code = "NOT109", .value_code = "13", .status = "final"}},
    {.name = "CdcNd23zValid", .file = "cdc-data-exchange-hl7/ND_23z_Valid_1.hl7",
     .patient = {"1289369", "Ortiz", "Nestor", "1996-12-11", "female"},
     .observation = ObservationValues{.loinc = "94500-6", .value_code = "260415000",
                                      .status = "final", .effective = "2020-06-26T13:55:00+00:00"}},
    // ---- cdc-trusted-intermediary
    // The order number is ORC-2 / OBR-2; the intent comes from ORC-1 NW.
    {.name = "CdcOchsnerOml",
     .file = "cdc-trusted-intermediary/001_Ochsner_OML_O21_0_initial_message.hl7",
     .patient = {"10453873", "PKUSS", "GIRL BEAKER", "2024-11-08", "female"},
     .order = OrderValues{.loinc = "54089-8", .identifier = "243217771", .intent = "order"}},
    // OBR-4 names no coding system.
    {.name = "CdcOracleOrm", .file = "cdc-trusted-intermediary/001_Oracle_ORM_O01.hl7",
     .patient = {"1300964", "TEST", "TEST, SCENERIO02, BB", "2023-09-13", "male"},
     .order = OrderValues{.code = "57128-1", .identifier = "2801515645"}},
    // PID-7 "DOB" and PID-8 "SEX" are placeholders: neither is a date nor a gender. The LOINC
    // code is OBX-3's alternate identifier (^LN).
    {.name = "CdcEpicOru", .file = "cdc-trusted-intermediary/002_Epic_ORU_R01.hl7",
     .patient = {"MRN", "LAST NAME", "FIRST", "", ""},
     .observation = ObservationValues{.loinc = "21668-9", .code = "21838",
                                      .value_string = "Negative", .status = "final"}},
    // PID-7 202402210152-0500: the date is the date as written in its own offset. ORC-2.
    {.name = "CdcAlabamaNbsOml",
     .file = "cdc-trusted-intermediary/"
             "003_AL_ORM_O01_NBS_Fully_Populated_3_hl7_translation_final.hl7",
     .patient = {"1300974", "ONE", "TESTCASE", "2024-02-21", "female"},
     .order = OrderValues{.identifier = "2801690163", .intent = "order"}},
    {.name = "CdcCaliforniaOru",
     .file = "cdc-trusted-intermediary/003_CA_ORU_R01_CDPH_produced_0_initial_message.hl7",
     .patient = {"80008715", "CDPH-FOUR", "GIRL A MOMFOUR", "", "female"},
     .observation = ObservationValues{.loinc = "57721-3", .value_code = "LA12421-6",
                                      .status = "final", .effective = "2024-02-12T10:30:49+00:00"}},
    // OBX-11 P.
    {.name = "CdcLouisianaOru",
     .file = "cdc-trusted-intermediary/003_LA_ORU_R01_NBS_obr_flatten_0_initial_message.hl7",
     .patient = {"1234567", "TEST", "BABY", "2024-01-01", ""},
     .observation = ObservationValues{.loinc = "57718-9", .value_code = "LA12432-3",
                                      .status = "preliminary",
                                      .effective = "2024-01-01T05:00:00+00:00"}},
    // PV1-2 I.
    {.name = "CdcMinnesotaAdtA01", .file = "cdc-trusted-intermediary/005_MN_ADT_A01.hl7",
     .patient = {"11102779", "SMITH", "BB SARAH", "2023-05-04", "male"}, .encounter_class = "IMP"},
    // The unit is µmol/L.
    {.name = "CdcMicroCharacterEncoding",
     .file = "cdc-trusted-intermediary/008_ORU_R01_micro_character_encoding.hl7",
     .patient = {"80008836", "CDPHSIX", "BOY  MOMSIX", "", "male"},
     .observation = ObservationValues{.loinc = "47633-3", .quantity = "0.5",
                                      .unit = "\xC2\xB5mol/L", .status = "final"}},
    // ---- fhir-converter
    // PV1-2 P.
    {.name = "FhirConverterAdtA01_02", .file = "fhir-converter/ADT-A01-02.hl7",
     .patient = kEveryman, .encounter_class = "PRENC"},
    // DG1-3 422504002^Ischemic stroke(disorder)^SCT.
    {.name = "FhirConverterAdtA04_01", .file = "fhir-converter/ADT-A04-01.hl7",
     .patient = kEveryman, .condition = ConditionCoding{kSnomed, "422504002"},
     .encounter_class = "PRENC"},
    {.name = "FhirConverterAdtA08_01", .file = "fhir-converter/ADT-A08-01.hl7",
     .patient = kEveryman, .condition = ConditionCoding{kSnomed, "422504002"}},
    {.name = "FhirConverterAdtA28_01", .file = "fhir-converter/ADT-A28-01.hl7",
     .patient = kEveryman, .condition = ConditionCoding{kSnomed, "422504002"}},
    {.name = "FhirConverterAdtA31_01", .file = "fhir-converter/ADT-A31-01.hl7",
     .patient = kEveryman},
    {.name = "FhirConverterAdtA40_02", .file = "fhir-converter/ADT-A40-02.hl7",
     .patient = {"12345", "Test", "Test", "2018-02-05", "female"}, .city = "Raleigh",
     .postal_code = "27615"},
    {.name = "FhirConverterMdhhsOml", .file = "fhir-converter/MDHHS-OML-O21-1.hl7",
     .patient = {"MRNTC09SA-Part A", "Shine", "Baby Girl", "2016-03-08", "female"},
     .order = OrderValues{.loinc = "6532-6", .identifier = "ORD723222"}},
    {.name = "FhirConverterOmlO21_01", .file = "fhir-converter/OML-O21-01.hl7",
     .patient = kEveryman},
    {.name = "FhirConverterOruR01_01", .file = "fhir-converter/ORU-R01-01.hl7",
     .patient = {"14", "Finn", "Huckleberry", "1963-08-15", "male",
                 "urn:oid:2.16.840.1.114222.4.3.3.5.1.2"},
     .observation = ObservationValues{.loinc = "8867-4", .status = "final",
                                      .effective = "1999-07-02"}},
    // OBX-5 is an SN: ^182.
    {.name = "FhirConverterOruRmgead", .file = "fhir-converter/ORU-R01-RMGEAD.hl7",
     .patient = {"555-44-4444", "EVERYWOMAN", "EVE", "1962-03-20", "female"},
     .observation = ObservationValues{.code = "1554-5", .quantity = "182", .unit = "mg/dl",
                                      .status = "final"}},
    // PPR^PC1 is mapped, RDE^O11 and SIU are not.
    {.name = "FhirConverterPc1ProblemAdd", .file = "fhir-converter/PC1-Problem-Add-v2.3.1.hl7",
     .patient = {"10290", "KARLS", "TOM", "2004-05-30", "male"}, .message_type_reported = false},
    {.name = "FhirConverterRdeO11", .file = "fhir-converter/RDE-O11-01.hl7",
     .patient = kEveryman, .message_type_reported = true},
    {.name = "FhirConverterSiuS12", .file = "fhir-converter/SIU-S12-01.hl7",
     .patient = kEveryman, .message_type_reported = true},
    {.name = "FhirConverterSiuS15", .file = "fhir-converter/SIU-S15-01.hl7",
     .patient = kEveryman, .message_type_reported = true},
    {.name = "FhirConverterVxuV04", .file = "fhir-converter/VXU-V04-01.hl7",
     .patient = kEveryman},
    // ---- google-healthcare-data-harmonization
    // PV1-2 E.
    {.name = "GoogleAdtA04", .file = "google-healthcare-data-harmonization/adt_a04_ex1.hl7",
     .patient = {"19050114293307.1082", "BUNNY", "BUGS", "1983-02-15", "male"},
     .encounter_class = "EMER"},
    {.name = "GoogleAdtA08", .file = "google-healthcare-data-harmonization/adt_a08_ex1.hl7",
     .patient = {"151", "Bond", "Tiny", "1999-07-23", "male"}, .city = "Raleigh"},
    // DG1-3 F11.129^...^I10C.
    {.name = "GoogleOmlO21", .file = "google-healthcare-data-harmonization/oml_o21_ex1.hl7",
     .patient = {"PATID5421", "Wilson", "Patrice", "1982-03-04", "female"},
     .order = OrderValues{.code = "1000"},
     .condition = ConditionCoding{"http://hl7.org/fhir/sid/icd-10-cm", "F11.129"}},
    // OBX-11 R.
    {.name = "GoogleOruR01Ex1", .file = "google-healthcare-data-harmonization/oru_r01_ex1.hl7",
     .patient = {"10002", "RAPID", "", "", ""},
     .observation = ObservationValues{.code = "HR", .value_string = "68",
                                      .status = "preliminary"}},
    {.name = "GoogleOruR01Ex6", .file = "google-healthcare-data-harmonization/oru_r01_ex6.hl7",
     .patient = {"1076943130", "Trivedi", "Jacqueline", "1937-12-27", "female"},
     .observation = ObservationValues{.code = "tt-0003-02", .quantity = "5.10", .unit = "MMOLL",
                                      .status = "final", .effective = "2020-05-08T13:06:44+00:00"}},
    // PID-8 "2" is not an HL7 table 0001 code, so no gender.
    {.name = "GoogleRdeO01", .file = "google-healthcare-data-harmonization/rde_o01_ex1.hl7",
     .patient = {"1516070", "ZZZTEST", "MEDS TEAM OAK", "1980-01-01", ""},
     .message_type_reported = true},
    // ---- hl7-dotnetcore
    // ADT^O01 is not an ADT event we map.
    {.name = "DotnetcoreSampleAdt", .file = "hl7-dotnetcore/Sample-ADT.hl7",
     .patient = {"454721", "DOE", "JOHN", "1948-02-03", "male"}, .city = "MYTOWN",
     .message_type_reported = true},
    {.name = "DotnetcoreSampleOrm", .file = "hl7-dotnetcore/Sample-ORM.hl7",
     .patient = {"42311", "Jane", "Doe", "1992-11-12", "male"},
     .order = OrderValues{.code = "4241", .identifier = "11777-60"}},
};

// Checks `actual` against `expected` unless nothing is expected.
void expect_unless_empty(std::string_view what, std::string_view actual,
                         std::string_view expected) {
  if (!expected.empty()) {
    EXPECT_EQ(actual, expected) << what;
  }
}

void expect_patient(const model::Patient& p, const PatientValues& want) {
  ASSERT_FALSE(p.identifier.empty());
  EXPECT_EQ(p.identifier[0].value, want.id);
  expect_unless_empty("identifier system", p.identifier[0].system, want.id_system);
  if (!want.family.empty() || !want.given.empty()) {
    ASSERT_FALSE(p.name.empty());
    EXPECT_EQ(p.name[0].family, want.family);
    if (!want.given.empty()) {
      ASSERT_FALSE(p.name[0].given.empty());
      EXPECT_EQ(p.name[0].given[0], want.given);
    }
  }
  EXPECT_EQ(p.birth_date, want.birth_date);
  EXPECT_EQ(p.gender, want.gender);
}

void expect_address(const model::Patient& p, std::string_view city, std::string_view postal_code) {
  if (city.empty() && postal_code.empty()) return;
  ASSERT_FALSE(p.address.empty());
  expect_unless_empty("city", p.address[0].city, city);
  expect_unless_empty("postal code", p.address[0].postal_code, postal_code);
}

void expect_observation(const model::Observation& o, const ObservationValues& want) {
  expect_unless_empty("LOINC code", loinc(o), want.loinc);
  if (!want.code.empty()) {
    ASSERT_FALSE(o.code.coding.empty());
    EXPECT_EQ(o.code.coding[0].code, want.code);
  }
  expect_unless_empty("value code", value_code(o), want.value_code);
  expect_unless_empty("value string", value_string(o), want.value_string);
  expect_unless_empty("quantity", quantity_text(o), want.quantity);
  expect_unless_empty("unit", quantity_unit(o), want.unit);
  expect_unless_empty("status", o.status, want.status);
  expect_unless_empty("effective", effective(o), want.effective);
}

void expect_order(const model::ServiceRequest& sr, const OrderValues& want) {
  if (!want.loinc.empty() || !want.code.empty()) {
    ASSERT_TRUE(sr.code);
  }
  if (!want.loinc.empty()) {
    const auto* c = coding_in(*sr.code, kLoinc);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->code, want.loinc);
  }
  if (!want.code.empty()) {
    ASSERT_FALSE(sr.code->coding.empty());
    EXPECT_EQ(sr.code->coding[0].code, want.code);
  }
  if (!want.identifier.empty()) {
    ASSERT_FALSE(sr.identifier.empty());
    EXPECT_EQ(sr.identifier[0].value, want.identifier);
  }
  expect_unless_empty("intent", sr.intent, want.intent);
}

void expect_condition(const model::Condition& c, const ConditionCoding& want) {
  ASSERT_TRUE(c.code);
  const auto* coding = coding_in(*c.code, want.system);
  ASSERT_TRUE(coding);
  EXPECT_EQ(coding->code, want.code);
}

class Hl7v2SampleTable : public ::testing::TestWithParam<SampleValues> {};

TEST_P(Hl7v2SampleTable, Translates) {
  const SampleValues& sample = GetParam();
  auto t = translate(std::string(sample.file));
  const auto& p = first_of<model::Patient>(t);
  expect_patient(p, sample.patient);
  expect_address(p, sample.city, sample.postal_code);
  if (sample.observation) expect_observation(first_of<model::Observation>(t), *sample.observation);
  if (sample.order) expect_order(first_of<model::ServiceRequest>(t), *sample.order);
  if (sample.condition) expect_condition(first_of<model::Condition>(t), *sample.condition);
  if (!sample.encounter_class.empty()) {
    EXPECT_EQ(first_of<model::Encounter>(t).class_.code, sample.encounter_class);
  }
  if (sample.message_type_reported) {
    EXPECT_EQ(has_issue_at(t, "MSH-9"), *sample.message_type_reported);
  }
}

INSTANTIATE_TEST_SUITE_P(AllSamples, Hl7v2SampleTable, ::testing::ValuesIn(kSamples),
                         [](const ::testing::TestParamInfo<SampleValues>& info) {
                           return std::string(info.param.name);
                         });

// ---- what only one sample shows: cdc-data-exchange-hl7 ------------------------------------------

TEST(Hl7v2SampleValues, CdcCaseLab002) {
  auto t = translate("cdc-data-exchange-hl7/CaseLab_002.hl7");
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

// ---- cdc-trusted-intermediary -----------------------------------------------------------------

TEST(Hl7v2SampleValues, CdcNatusAck) {
  auto t = translate("cdc-trusted-intermediary/001_Natus_ACK.hl7");
  EXPECT_TRUE(t.resources.empty());
  EXPECT_TRUE(has_issue_at(t, "MSH-9"));
}

TEST(Hl7v2SampleValues, CdcOchsnerOml) {
  auto t = translate("cdc-trusted-intermediary/001_Ochsner_OML_O21_0_initial_message.hl7");
  const auto& sr = first_of<model::ServiceRequest>(t);
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
  const auto& sr = first_of<model::ServiceRequest>(t);
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

TEST(Hl7v2SampleValues, CdcLouisianaOru) {
  auto t = translate("cdc-trusted-intermediary/003_LA_ORU_R01_NBS_obr_flatten_0_initial_message.hl7");
  const auto& o = first_of<model::Observation>(t);
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

// ---- fhir-converter ---------------------------------------------------------------------------

TEST(Hl7v2SampleValues, FhirConverterAdtA31_01) {
  auto t = translate("fhir-converter/ADT-A31-01.hl7");
  EXPECT_FALSE(all_of<model::AllergyIntolerance>(t).empty());  // AL1|1|EA|P^PENICILLIN^ICDO
}

TEST(Hl7v2SampleValues, FhirConverterMdhhsOml) {
  auto t = translate("fhir-converter/MDHHS-OML-O21-1.hl7");
  const auto& sr = first_of<model::ServiceRequest>(t);
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

TEST(Hl7v2SampleValues, FhirConverterPc1ProblemAdd) {
  auto t = translate("fhir-converter/PC1-Problem-Add-v2.3.1.hl7");
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

TEST(Hl7v2SampleValues, FhirConverterVxuV04) {
  auto t = translate("fhir-converter/VXU-V04-01.hl7");
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

TEST(Hl7v2SampleValues, GoogleOruR01Ex6) {
  auto t = translate("google-healthcare-data-harmonization/oru_r01_ex6.hl7");
  const auto& p = first_of<model::Patient>(t);
  bool nhs = false;
  for (const auto& id : p.identifier) nhs |= id.system == model::NhsNumber::system && id.value == "2914785070";
  EXPECT_TRUE(nhs);
}

}  // namespace
}  // namespace hie::adapters::hl7v2
