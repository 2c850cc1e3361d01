// Per-document values read by eye from each C-CDA sample survive translation: the patient
// (identifier, name, birthDate, gender) for every document, then the clinical values a
// clinician would check (problem, allergy substance, result, vital sign, immunization,
// medication, procedure, encounter, the attached document).

#include <gtest/gtest.h>

#include <algorithm>

#include "broker/model/nhs_number.hpp"
#include "tests/adapters/cda/cda_support.hpp"

namespace hie::adapters::cda {
namespace {

using namespace test_support;

constexpr std::string_view kLoinc = "http://loinc.org";
constexpr std::string_view kSnomed = "http://snomed.info/sct";
constexpr std::string_view kRxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";
constexpr std::string_view kCvx = "http://hl7.org/fhir/sid/cvx";
constexpr std::string_view kSsn = "http://hl7.org/fhir/sid/us-ssn";

struct PatientRow {
  const char* file;
  const char* id_system;
  const char* id_value;
  const char* family;
  const char* given;
  const char* birth_date;
  const char* gender;
  const char* document_type;  // LOINC
};

const PatientRow kPatients[] = {
    {"hl7-ccda-examples/CCD_2.xml", "urn:oid:1.3.6.1.4.1.16517.1", "98765432", "Jones", "Isabella",
     "1950-12-19", "female", "34133-9"},
    {"expected-fhir-converter/CCD.input.xml", "http://hl7.org/fhir/sid/us-ssn", "12345679", "Jones",
     "Isabella", "1950-12-19", "female", "34133-9"},
    {"fhir-converter/170.314B2_Amb_CCD.xml", "urn:oid:1.3.6.1.4.1.22812.3.99930.3",
     "110107073916280", "Everyman", "Adam", "1962-10-22", "male", "34133-9"},
    {"hl7-ccda-examples/CDA_Embedded_Text_Plain_Surgical_Consult.xml",
     "http://hl7.org/fhir/sid/us-ssn", "111-00-2330", "Damore", "Juan", "1953-03-02", "male",
     "34847-4"},
    {"hl7-ccda-examples/Care_Plan.xml", "http://hl7.org/fhir/sid/us-ssn", "444222222", "Betterhalf",
     "Eve", "1975-05-01", "female", "52521-2"},
    {"hl7-ccda-examples/Consultation_Note.xml", "http://hl7.org/fhir/sid/us-ssn", "444-22-2222",
     "Betterhalf", "Eve", "1975-05-01", "female", "11488-4"},
    {"hl7-ccda-examples/Diagnostic_Imaging_Report.xml", "urn:oid:2.16.840.1.113883.19.5", "12345",
     "Everyman", "Adam", "1954-11-25", "male", "18748-4"},
    {"expected-fhir-converter/Diagnostic_Imaging_Report.input.xml",
     "urn:oid:2.16.840.1.113883.19.5", "12345", "Everyman", "Adam", "1954-11-25", "male",
     "18748-4"},
    {"hl7-ccda-examples/Discharge_Summary.xml", "urn:oid:2.16.840.1.113883.19.5.99999.2", "998991",
     "Jones", "Isabella", "2005-05-01", "female", "18842-5"},
    {"hl7-ccda-examples/History_and_Physical.xml", "urn:oid:2.16.840.1.113883.19.5.99999.2",
     "998991", "Jones", "Isabella", "2005-05-01", "female", "34117-2"},
    {"hl7-ccda-examples/Operative_Note.xml", "http://hl7.org/fhir/sid/us-ssn", "111-00-2330",
     "Jones", "Isabella", "2005-05-01", "female", "11504-8"},
    {"hl7-ccda-examples/Patient_and_Provider_Organization_Direct_Address.xml",
     "urn:oid:1.3.6.1.4.1.41179.2.4", "lisarnelson@direct.myphd.us", "Nelson", "Lisa", "1962-08-28",
     "female", "34133-9"},
    {"expected-fhir-converter/Patient-and-Provider-Organization-Direct-Address-C-CDAR2.1.input.xml",
     "urn:oid:2.16.840.1.113883.1.111.12345", "12345-0828", "Nelson", "Lisa", "1962-08-28",
     "female", "34133-9"},
    {"hl7-ccda-examples/Progress_Note.xml", "urn:oid:2.16.840.1.113883.19", "12345", "Everyman",
     "Adam", "1954-11-25", "male", "11506-3"},
    {"expected-fhir-converter/sample.input.xml", "urn:oid:2.16.840.1.113883.19", "12345",
     "Everyman", "Adam", "1954-11-25", "male", "11490-0"},
    {"hl7-ccda-examples/Unstructured_Document_reference.xml", "http://hl7.org/fhir/sid/us-ssn",
     "111-00-2330", "Levin", "Henry", "1953-03-02", "male", "11490-0"},
};

TEST(CdaSampleValues, EveryDocumentsPatientAndDocument) {
  for (const auto& row : kPatients) {
    SCOPED_TRACE(row.file);
    auto t = translate(row.file);
    const auto& p = first_of<model::Patient>(t);
    EXPECT_TRUE(
        std::any_of(p.identifier.begin(), p.identifier.end(), [&](const model::Identifier& i) {
          return i.system == row.id_system && i.value == row.id_value;
        }));
    ASSERT_FALSE(p.name.empty());
    EXPECT_EQ(p.name[0].family, row.family);
    ASSERT_FALSE(p.name[0].given.empty());
    EXPECT_EQ(p.name[0].given[0], row.given);
    EXPECT_EQ(p.birth_date, row.birth_date);
    EXPECT_EQ(p.gender, row.gender);
    const auto& d = first_of<model::DocumentReference>(t);
    ASSERT_TRUE(d.type);
    ASSERT_NE(coding_in(*d.type, kLoinc), nullptr);
    EXPECT_EQ(coding_in(*d.type, kLoinc)->code, row.document_type);
    ASSERT_FALSE(d.content.empty());
    EXPECT_EQ(d.content[0].attachment.content_type, "application/xml");
    EXPECT_FALSE(d.content[0].attachment.data.empty());
    EXPECT_EQ(d.subject->reference, "Patient/" + p.id);
    EXPECT_EQ(d.status, "current");
  }
}

template <class T, class F>
const T* find_if(const Translation& t, F&& pred) {
  for (const auto* r : all_of<T>(t))
    if (pred(*r)) return r;
  return nullptr;
}

bool has_code(const std::optional<model::CodeableConcept>& cc, std::string_view system,
              std::string_view code) {
  if (!cc) return false;
  const auto* c = coding_in(*cc, system);
  return c && c->code == code;
}

const model::Observation* observation_with(const Translation& t, std::string_view loinc) {
  return find_if<model::Observation>(
      t, [&](const model::Observation& o) { return has_code(o.code, kLoinc, loinc); });
}

std::string quantity_text(const model::Observation& o) {
  const auto* q = std::get_if<model::Quantity>(&o.value);
  return q && q->value ? q->value->text() + " " + q->code : "<no quantity>";
}

std::string effective_text(const model::Observation& o) {
  if (const auto* dt = std::get_if<model::DateTime>(&o.effective)) return dt->value;
  return "<no dateTime>";
}

TEST(CdaSampleValues, Ccd2) {
  auto t = translate("hl7-ccda-examples/CCD_2.xml");
  const auto& p = first_of<model::Patient>(t);
  EXPECT_TRUE(std::any_of(p.identifier.begin(), p.identifier.end(),
                          [](const auto& i) { return i.system == kSsn && i.value == "12345679"; }));
  ASSERT_FALSE(p.address.empty());
  EXPECT_EQ(p.address[0].city, "Beaverton");
  EXPECT_EQ(p.address[0].postal_code, "97867");
  EXPECT_EQ(p.address[0].line, std::vector<std::string>{"4567 Residence Rd"});
  ASSERT_FALSE(p.telecom.empty());
  EXPECT_EQ(p.telecom[0].system, "phone");
  // Allergy: the substance (SNOMED 105590001 "Substance", a coded non-specific allergy).
  const auto& a = first_of<model::AllergyIntolerance>(t);
  EXPECT_TRUE(has_code(a.code, kSnomed, "105590001"));
  EXPECT_EQ(a.patient.reference, "Patient/" + p.id);
  ASSERT_TRUE(a.clinical_status);
  // Vital signs: systolic 120 mm[Hg] on 2014-10-01 10:30:26 -05:00.
  const auto* systolic = observation_with(t, "8480-6");
  ASSERT_NE(systolic, nullptr);
  EXPECT_EQ(quantity_text(*systolic), "120 mm[Hg]");
  EXPECT_EQ(effective_text(*systolic), "2014-10-01T10:30:26-05:00");
  EXPECT_EQ(systolic->category.at(0).coding.at(0).code, "vital-signs");
  // Result with nullFlavor NA value: data absent, not dropped.
  const auto* result = observation_with(t, "804-5");
  ASSERT_NE(result, nullptr);
  EXPECT_TRUE(result->data_absent_reason);
  EXPECT_EQ(result->category.at(0).coding.at(0).code, "laboratory");
  EXPECT_EQ(all_of<model::DiagnosticReport>(t).size(), 1u);
  // Procedures: procedure 6025007 (laparoscopic appendectomy) and observation 268400002.
  EXPECT_NE(find_if<model::Procedure>(
                t, [](const auto& x) { return has_code(x.code, kSnomed, "6025007"); }),
            nullptr);
  EXPECT_NE(find_if<model::Procedure>(
                t, [](const auto& x) { return has_code(x.code, kSnomed, "268400002"); }),
            nullptr);
  // Social history: smoking status 72166-2 = SNOMED 266927001 (category social-history).
  const auto* smoking = observation_with(t, "72166-2");
  ASSERT_NE(smoking, nullptr);
  EXPECT_EQ(smoking->category.at(0).coding.at(0).code, "social-history");
  EXPECT_TRUE(has_code(std::get<model::CodeableConcept>(smoking->value), kSnomed, "266927001"));
  // The document itself.
  const auto& d = first_of<model::DocumentReference>(t);
  EXPECT_EQ(d.date, "2014-10-15T10:30:26-05:00");
  EXPECT_TRUE(d.master_identifier);
}

TEST(CdaSampleValues, AmbulatoryCcdFromFhirConverter) {
  auto t = translate("fhir-converter/170.314B2_Amb_CCD.xml");
  auto costochondritis = find_if<model::Condition>(
      t, [](const auto& c) { return has_code(c.code, kSnomed, "64109004"); });
  ASSERT_NE(costochondritis, nullptr);
  EXPECT_EQ(std::get<model::DateTime>(costochondritis->onset).value, "2012-08-15");
  EXPECT_EQ(costochondritis->category.at(0).coding.at(0).code, "problem-list-item");
  ASSERT_TRUE(costochondritis->clinical_status);
  auto asthma = find_if<model::Condition>(
      t, [](const auto& c) { return has_code(c.code, kSnomed, "195967001"); });
  ASSERT_NE(asthma, nullptr);
  EXPECT_EQ(std::get<model::DateTime>(asthma->onset).value, "2011-09-25T01:00:00-04:00");
  // Allergy to penicillin G benzathine (RxNorm 7982), reaction 247472004 (hives).
  auto penicillin = find_if<model::AllergyIntolerance>(
      t, [](const auto& a) { return has_code(a.code, kRxNorm, "7982"); });
  ASSERT_NE(penicillin, nullptr);
  ASSERT_FALSE(penicillin->reaction.empty());
  EXPECT_TRUE(has_code(penicillin->reaction[0].manifestation.at(0), kSnomed, "247472004"));
  // Medication: albuterol inhaler (RxNorm 573621), completed.
  const auto& m = first_of<model::MedicationStatement>(t);
  EXPECT_TRUE(has_code(std::get<model::CodeableConcept>(m.medication), kRxNorm, "573621"));
  EXPECT_EQ(m.status, "completed");
  // Immunization: influenza CVX 88 on 2012-08-15.
  const auto& im = first_of<model::Immunization>(t);
  EXPECT_TRUE(has_code(im.vaccine_code, kCvx, "88"));
  EXPECT_EQ(std::get<model::DateTime>(im.occurrence).value, "2012-08-15");
  EXPECT_EQ(im.status, "completed");
  // Vital sign height 70 [in_us]; result 2028-9 (CO2) 25 mmol/L.
  ASSERT_NE(observation_with(t, "8302-2"), nullptr);
  EXPECT_EQ(quantity_text(*observation_with(t, "8302-2")), "70 [in_us]");
  ASSERT_NE(observation_with(t, "2028-9"), nullptr);
  EXPECT_EQ(quantity_text(*observation_with(t, "2028-9")), "25 mmol/L");
  // Encounter: CPT 99231.
  auto e = find_if<model::Encounter>(t, [](const auto& x) {
    return !x.type.empty() && has_code(x.type[0], "http://www.ama-assn.org/go/cpt", "99231");
  });
  ASSERT_NE(e, nullptr);
  ASSERT_TRUE(e->period);
  EXPECT_EQ(e->period->start, "2012-08-15T09:00:51-05:00");
}

TEST(CdaSampleValues, ConsultationNote) {
  auto t = translate("hl7-ccda-examples/Consultation_Note.xml");
  EXPECT_NE(find_if<model::Condition>(
                t, [](const auto& c) { return has_code(c.code, kSnomed, "190389009"); }),
            nullptr);
  auto codeine = find_if<model::AllergyIntolerance>(
      t, [](const auto& a) { return has_code(a.code, kRxNorm, "2670"); });
  ASSERT_NE(codeine, nullptr);
  EXPECT_TRUE(has_code(codeine->reaction.at(0).manifestation.at(0), kSnomed, "56018004"));
  EXPECT_NE(find_if<model::MedicationStatement>(
                t,
                [](const auto& m) {
                  return has_code(std::get<model::CodeableConcept>(m.medication), kRxNorm,
                                  "197380");
                }),
            nullptr);
  const auto* hgb = observation_with(t, "718-7");
  ASSERT_NE(hgb, nullptr);
  EXPECT_EQ(quantity_text(*hgb), "13.2 g/dL");
  EXPECT_EQ(effective_text(*hgb), "2013-03-11T08:30:00-08:00");
  const auto* weight = observation_with(t, "3141-9");
  ASSERT_NE(weight, nullptr);
  EXPECT_EQ(quantity_text(*weight), "86 kg");
}

TEST(CdaSampleValues, DischargeSummary) {
  auto t = translate("hl7-ccda-examples/Discharge_Summary.xml");
  EXPECT_NE(find_if<model::Condition>(
                t, [](const auto& c) { return has_code(c.code, kSnomed, "74400008"); }),
            nullptr);
  EXPECT_NE(find_if<model::AllergyIntolerance>(
                t, [](const auto& a) { return has_code(a.code, kRxNorm, "7980"); }),
            nullptr);
  auto flu = find_if<model::Immunization>(
      t, [](const auto& i) { return has_code(i.vaccine_code, kCvx, "141"); });
  ASSERT_NE(flu, nullptr);
  EXPECT_EQ(flu->status, "completed");
  EXPECT_EQ(std::get<model::DateTime>(flu->occurrence).value, "2014-09-01");
  auto refused = find_if<model::Immunization>(
      t, [](const auto& i) { return has_code(i.vaccine_code, kCvx, "103"); });
  ASSERT_NE(refused, nullptr);
  EXPECT_EQ(refused->status, "not-done");
  EXPECT_NE(find_if<model::Procedure>(
                t, [](const auto& x) { return has_code(x.code, kSnomed, "6025007"); }),
            nullptr);
  EXPECT_EQ(quantity_text(*observation_with(t, "8302-2")), "177 cm");
  // Admission and discharge diagnoses are Conditions too (category encounter-diagnosis).
  EXPECT_NE(find_if<model::Condition>(t,
                                      [](const auto& c) {
                                        return c.category.at(0).coding.at(0).code ==
                                               "encounter-diagnosis";
                                      }),
            nullptr);
  // The encompassing encounter becomes an Encounter the DocumentReference points to.
  const auto& d = first_of<model::DocumentReference>(t);
  ASSERT_TRUE(d.context);
  ASSERT_FALSE(d.context->encounter.empty());
}

TEST(CdaSampleValues, HistoryAndPhysical) {
  auto t = translate("hl7-ccda-examples/History_and_Physical.xml", test_context("+00:00"));
  EXPECT_NE(find_if<model::Condition>(
                t, [](const auto& c) { return has_code(c.code, kSnomed, "233604007"); }),
            nullptr);
  EXPECT_NE(find_if<model::AllergyIntolerance>(
                t, [](const auto& a) { return has_code(a.code, kRxNorm, "314422"); }),
            nullptr);
  // IVL_TS with a value: occurrence at month precision.
  EXPECT_NE(
      find_if<model::Immunization>(
          t,
          [](const auto& i) { return std::get<model::DateTime>(i.occurrence).value == "1999-11"; }),
      nullptr);
  const auto* hgb = observation_with(t, "30313-1");
  ASSERT_NE(hgb, nullptr);
  EXPECT_EQ(quantity_text(*hgb), "13.2 g/dl");
  EXPECT_EQ(effective_text(*hgb), "2000-03-23T14:30:00+00:00");  // no offset: the configured one
  EXPECT_EQ(first_of<model::Patient>(t).name.at(0).given,
            (std::vector<std::string>{"Isabella", "Isa"}));
  auto aborted = find_if<model::Procedure>(
      t, [](const auto& x) { return has_code(x.code, kSnomed, "274025005"); });
  ASSERT_NE(aborted, nullptr);
  EXPECT_EQ(aborted->status, "stopped");
}

TEST(CdaSampleValues, ProgressNote) {
  auto t = translate("hl7-ccda-examples/Progress_Note.xml");
  const auto& p = first_of<model::Patient>(t);
  EXPECT_EQ(p.name.at(0).prefix, std::vector<std::string>{"Mr."});
  EXPECT_TRUE(std::any_of(p.identifier.begin(), p.identifier.end(), [](const auto& i) {
    return i.system == kSsn && i.value == "111-00-1234";
  }));
  EXPECT_NE(find_if<model::Condition>(
                t, [](const auto& c) { return has_code(c.code, kSnomed, "195977004"); }),
            nullptr);
  EXPECT_EQ(quantity_text(*observation_with(t, "6690-2")), "6.7 10*9/L");
  const auto* nullflavor = observation_with(t, "3094-0");
  ASSERT_NE(nullflavor, nullptr);
  EXPECT_TRUE(nullflavor->data_absent_reason);
  EXPECT_NE(find_if<model::AllergyIntolerance>(
                t, [](const auto& a) { return has_code(a.code, kRxNorm, "70618"); }),
            nullptr);
}

TEST(CdaSampleValues, UnstructuredDocuments) {
  auto embedded = translate("hl7-ccda-examples/CDA_Embedded_Text_Plain_Surgical_Consult.xml");
  const auto& d = first_of<model::DocumentReference>(embedded);
  ASSERT_EQ(d.content.size(), 2u);
  EXPECT_EQ(d.content[0].format->code, "urn:hl7-org:sdwg:ccda-nonXMLBody:2.1");
  EXPECT_EQ(d.content[1].attachment.content_type, "text/plain");
  EXPECT_FALSE(d.content[1].attachment.data.empty());
  auto reference = translate("hl7-ccda-examples/Unstructured_Document_reference.xml");
  const auto& r = first_of<model::DocumentReference>(reference);
  ASSERT_EQ(r.content.size(), 2u);
  EXPECT_EQ(r.content[1].attachment.url, "UD_sample.pdf");
  EXPECT_EQ(r.content[1].attachment.content_type, "");  // no mediaType sent: none guessed
  auto sample = translate("expected-fhir-converter/sample.input.xml");
  EXPECT_EQ(first_of<model::DocumentReference>(sample).date, "2005-03-29T17:15:04+05:00");
  EXPECT_EQ(first_of<model::Patient>(sample).name.at(0).given,
            (std::vector<std::string>{"Adam", "Frankie"}));
}

TEST(CdaSampleValues, DiagnosticImagingCarePlanOperativeNoteAndHeaderOnly) {
  auto dir = translate("hl7-ccda-examples/Diagnostic_Imaging_Report.xml");
  EXPECT_EQ(first_of<model::Patient>(dir).address.at(0).city, "Blue Bell");
  EXPECT_TRUE(
      has_issue_at(dir, "/ClinicalDocument/component/structuredBody/component"));  // DICOM sections
  auto plan = translate("hl7-ccda-examples/Care_Plan.xml");
  EXPECT_EQ(first_of<model::Patient>(plan).address.at(0).line,
            std::vector<std::string>{"2222 Home Street"});
  auto op = translate("hl7-ccda-examples/Operative_Note.xml");
  EXPECT_EQ(first_of<model::Patient>(op).name.at(0).family, "Jones");
  auto direct = translate("hl7-ccda-examples/Patient_and_Provider_Organization_Direct_Address.xml");
  const auto& p = first_of<model::Patient>(direct);
  EXPECT_TRUE(std::any_of(p.telecom.begin(), p.telecom.end(),
                          [](const auto& c) { return c.system == "email"; }));
  EXPECT_EQ(p.address.at(0).city, "Westerly");
}

}  // namespace
}  // namespace hie::adapters::cda
