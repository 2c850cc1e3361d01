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

using sample_support::read_sample;
using sample_support::has_issue_at;

struct Mapped {
  std::string bytes;
  std::unique_ptr<Message> message;
  Translation out;
};

std::unique_ptr<Mapped> map(std::string bytes) {
  auto m = std::make_unique<Mapped>();
  m->bytes = std::move(bytes);
  m->message = sample_support::parse_first_message(m->bytes, "message");
  if (!m->message) return m;
  Context c;
  c.exchange_id = "test-hie";
  c.default_utc_offset = "+00:00";
  MappingContext ctx(*m->message, c, m->out);
  map_results(ctx, "Patient/p1");
  ctx.report_unused();
  return m;
}

std::vector<const model::Observation*> observations(const Translation& t) {
  std::vector<const model::Observation*> out;
  for (const auto& r : t.resources)
    if (auto* o = std::get_if<model::Observation>(&r)) out.push_back(o);
  return out;
}
std::vector<const model::Specimen*> specimens(const Translation& t) {
  std::vector<const model::Specimen*> out;
  for (const auto& r : t.resources)
    if (auto* s = std::get_if<model::Specimen>(&r)) out.push_back(s);
  return out;
}
std::vector<const model::DiagnosticReport*> reports(const Translation& t) {
  std::vector<const model::DiagnosticReport*> out;
  for (const auto& r : t.resources)
    if (auto* d = std::get_if<model::DiagnosticReport>(&r)) out.push_back(d);
  return out;
}

void expect_valid(const Translation& t) {
  std::vector<std::string> jsons;
  for (const auto& r : t.resources) {
    auto json = model::to_json(r);
    ASSERT_TRUE(json) << json.error().describe();
    jsons.push_back(*json);
  }
  auto results = hie::testing::validate_fhir_batch(jsons);
  ASSERT_EQ(results.size(), jsons.size());
  for (std::size_t i = 0; i < results.size(); ++i) EXPECT_TRUE(results[i].valid) << jsons[i] << "\n" << results[i].issues;
}

TEST(Hl7MapResults, NistCbcReportAndObservations) {
  auto m = map(read_sample("fhir-converter/LRI_2.0-NG_CBC_Typ_Message.hl7"));
  ASSERT_TRUE(m->message);
  auto drs = reports(m->out);
  auto obs = observations(m->out);
  ASSERT_EQ(drs.size(), 1u);
  std::size_t obx_count = 0;
  for (const auto& s : m->message->segments()) obx_count += s.id() == "OBX";
  EXPECT_EQ(obs.size(), obx_count);
  EXPECT_EQ(drs[0]->result.size(), obx_count);
  EXPECT_EQ(drs[0]->result[0].reference, "Observation/" + obs[0]->id);

  const auto& dr = *drs[0];
  EXPECT_EQ(dr.status, "final");
  ASSERT_FALSE(dr.code.coding.empty());
  EXPECT_EQ(dr.code.coding[0].code, "57021-8");
  EXPECT_EQ(dr.code.coding[0].system, "http://loinc.org");
  ASSERT_TRUE(std::holds_alternative<model::DateTime>(dr.effective));
  EXPECT_EQ(std::get<model::DateTime>(dr.effective).value, "2011-01-03T14:34:28-08:00");
  EXPECT_EQ(dr.issued, "2011-01-04T17:00:28-08:00");
  ASSERT_EQ(dr.identifier.size(), 2u);
  EXPECT_EQ(dr.identifier[0].value, "ORD666555");
  EXPECT_EQ(dr.identifier[0].type->coding[0].code, "PLAC");
  EXPECT_EQ(dr.identifier[1].value, "R-991133");
  EXPECT_EQ(dr.identifier[1].type->coding[0].code, "FILL");
  ASSERT_TRUE(dr.subject);
  EXPECT_EQ(dr.subject->reference, "Patient/p1");

  // OBX|2|NM|718-7^Hemoglobin...^LN||12.5|g/mL^grams per milliliter^UCUM|13 to 18|L|||F
  const auto& hb = *obs[1];
  EXPECT_EQ(hb.code.coding[0].code, "718-7");
  EXPECT_EQ(hb.code.coding[0].system, "http://loinc.org");
  EXPECT_EQ(hb.status, "final");
  ASSERT_TRUE(std::holds_alternative<model::Quantity>(hb.value));
  const auto& q = std::get<model::Quantity>(hb.value);
  EXPECT_EQ(q.value->text(), "12.5");
  EXPECT_EQ(q.code, "g/mL");
  EXPECT_EQ(q.system, "http://unitsofmeasure.org");
  EXPECT_EQ(q.unit, "grams per milliliter");
  ASSERT_EQ(hb.reference_range.size(), 1u);
  EXPECT_EQ(hb.reference_range[0].low->value->text(), "13");
  EXPECT_EQ(hb.reference_range[0].high->value->text(), "18");
  EXPECT_EQ(hb.reference_range[0].high->code, "g/mL");
  ASSERT_EQ(hb.interpretation.size(), 1u);
  EXPECT_EQ(hb.interpretation[0].coding[0].code, "L");
  EXPECT_EQ(hb.interpretation[0].coding[0].system,
            "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation");
  ASSERT_TRUE(std::holds_alternative<model::DateTime>(hb.effective));
  EXPECT_EQ(std::get<model::DateTime>(hb.effective).value, "2011-01-03T14:34:28-08:00");
  EXPECT_EQ(hb.category[0].coding[0].code, "laboratory");
  // OBX-23 performing organisation and OBX-25 director as performers.
  ASSERT_GE(hb.performer.size(), 2u);
  EXPECT_EQ(hb.performer[0].display, "Century Hospital");
  EXPECT_EQ(hb.performer[1].display, "Dr. Phil Knowsalot");
  // Leukocytes HH → Critical high.
  EXPECT_EQ(obs[3]->interpretation[0].coding[0].code, "HH");
  // OBX-24 (performing organisation address) is not mapped and says so.
  EXPECT_TRUE(has_issue_at(m->out, "OBX[2]-24.1"));
  // SPM|1|||119297000^BLD^SCT^^^^^^Blood|...|20110103143428-0800: the report's one specimen.
  auto specs = specimens(m->out);
  ASSERT_EQ(specs.size(), 1u);
  const auto& blood = *specs[0];
  EXPECT_TRUE(blood.identifier.empty());
  EXPECT_EQ(blood.type->coding[0].system, "http://snomed.info/sct");
  EXPECT_EQ(blood.type->coding[0].code, "119297000");
  EXPECT_EQ(blood.type->text, "Blood");
  EXPECT_EQ(std::get<model::DateTime>(blood.collection->collected).value, "2011-01-03T14:34:28-08:00");
  EXPECT_EQ(blood.subject->reference, "Patient/p1");
  ASSERT_EQ(dr.specimen.size(), 1u);
  EXPECT_EQ(dr.specimen[0].reference, "Specimen/" + blood.id);
  for (const auto* o : obs) EXPECT_EQ(o->specimen->reference, "Specimen/" + blood.id);
  EXPECT_FALSE(has_issue_at(m->out, "SPM"));
  expect_valid(m->out);
}

TEST(Hl7MapResults, TwoReportsWithSpecimenTimes) {
  auto m = map(read_sample("fhir-converter/LAB-ORU-1.hl7"));
  ASSERT_TRUE(m->message);
  auto drs = reports(m->out);
  ASSERT_EQ(drs.size(), 2u);
  EXPECT_EQ(drs[0]->result.size(), 5u);
  EXPECT_EQ(drs[1]->result.size(), 5u);
  EXPECT_EQ(drs[0]->status, "final");
  // No OBR-7: the SPM-17 collection time is the report's effective time.
  ASSERT_TRUE(std::holds_alternative<model::DateTime>(drs[0]->effective));
  EXPECT_EQ(std::get<model::DateTime>(drs[0]->effective).value, "2014-10-06T05:35:00+07:00");
  auto obs = observations(m->out);
  EXPECT_EQ(obs[0]->status, "registered");  // OBX-11 I
  EXPECT_TRUE(std::holds_alternative<std::monostate>(obs[0]->value));
  EXPECT_EQ(obs[1]->status, "preliminary");
  EXPECT_EQ(std::get<model::Quantity>(obs[1]->value).value->text(), "4.06");
  EXPECT_EQ(std::get<model::Quantity>(obs[3]->value).unit, "%");
  // SPM|1|SpecimenID||BLD|||||||P||||||20141006053500+0700|20141006082100+0700||Y, once per OBR.
  auto specs = specimens(m->out);
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_NE(specs[0]->id, specs[1]->id);
  const auto& blood = *specs[0];
  ASSERT_EQ(blood.identifier.size(), 1u);
  EXPECT_EQ(blood.identifier[0].value, "SpecimenID");
  EXPECT_EQ(blood.type->coding[0].code, "BLD");
  EXPECT_EQ(blood.received_time, "2014-10-06T08:21:00+07:00");
  EXPECT_EQ(blood.status, "available");
  ASSERT_TRUE(blood.collection->collector);  // OBR-10 ^COLLECT^JOHN
  EXPECT_EQ(blood.collection->collector->display, "JOHN COLLECT");
  EXPECT_FALSE(has_issue_at(m->out, "SPM[1]-11"));  // role P: the patient's, as subject says
  EXPECT_EQ(drs[0]->specimen[0].reference, "Specimen/" + specs[0]->id);
  EXPECT_EQ(drs[1]->specimen[0].reference, "Specimen/" + specs[1]->id);
  EXPECT_EQ(obs[0]->specimen->reference, "Specimen/" + specs[0]->id);
  EXPECT_EQ(obs[5]->specimen->reference, "Specimen/" + specs[1]->id);
  expect_valid(m->out);
}

TEST(Hl7MapResults, ValueTypesNotesAndRanges) {
  auto m = map(
      "MSH|^~\\&|LAB|FAC|EHR|FAC|20240102030405+0100||ORU^R01^ORU_R01|R1|P|2.5.1\r"
      "PID|1||MRN1^^^HOSP^MR||DOE^JANE\r"
      "OBR|1|PL1^EHR|FI1^LAB|24331-1^Lipid panel^LN|||20240102080000+0100|||||||||||||||20240102|||C\r"
      "NTE|1|L|Fasting sample\r"
      "OBX|1|NM|718-7^Hemoglobin^LN||13.7|g/dL^^UCUM|3.5-5.0|H|||F\r"
      "NTE|1||Repeat\\.br\\advised\r"
      "OBX|2|SN|2345-7^Glucose^LN||<^5|mmol/L^^UCUM|||||P\r"
      "OBX|3|SN|5778-6^Ratio^LN||^1^:^2||||||F\r"
      "OBX|4|FT|11526-1^Pathology study^LN||Line one\\.br\\Line \\T\\ two~Second||||||F\r"
      "OBX|5|CWE|600-7^Culture^LN||27268008^Salmonella^SCT|||A|||F\r"
      "OBX|6|ED|11502-2^Report^LN||LAB^TEXT^PDF^Base64^AAAA||||||F\r"
      "OBX|7||8867-4^Heart rate^LN||60||||||F\r"
      "OBX|8|DTM|21112-8^Birth date^LN||20240101||||||X\r");
  ASSERT_TRUE(m->message);
  auto drs = reports(m->out);
  auto obs = observations(m->out);
  ASSERT_EQ(drs.size(), 1u);
  ASSERT_EQ(obs.size(), 8u);
  EXPECT_EQ(drs[0]->status, "corrected");
  EXPECT_EQ(drs[0]->conclusion, "Fasting sample");
  EXPECT_TRUE(drs[0]->issued.empty());  // OBR-22 is a date: not an instant
  EXPECT_TRUE(has_issue_at(m->out, "OBR-22.1"));

  EXPECT_EQ(std::get<model::Quantity>(obs[0]->value).value->text(), "13.7");
  EXPECT_EQ(obs[0]->reference_range[0].low->value->text(), "3.5");
  EXPECT_EQ(obs[0]->reference_range[0].high->value->text(), "5.0");
  EXPECT_EQ(obs[0]->interpretation[0].coding[0].code, "H");
  ASSERT_EQ(obs[0]->note.size(), 1u);
  EXPECT_EQ(obs[0]->note[0].text, "Repeat\nadvised");

  EXPECT_EQ(std::get<model::Quantity>(obs[1]->value).comparator, "<");
  EXPECT_EQ(std::get<model::Quantity>(obs[1]->value).value->text(), "5");
  const auto& ratio = std::get<model::Ratio>(obs[2]->value);
  EXPECT_EQ(ratio.numerator->value->text(), "1");
  EXPECT_EQ(ratio.denominator->value->text(), "2");
  EXPECT_EQ(std::get<std::string>(obs[3]->value), "Line one\nLine & two\nSecond");
  EXPECT_EQ(std::get<model::CodeableConcept>(obs[4]->value).coding[0].system, "http://snomed.info/sct");
  EXPECT_TRUE(std::holds_alternative<std::monostate>(obs[5]->value));  // ED: not mapped
  EXPECT_TRUE(has_issue_at(m->out, "OBX[6]-5"));
  EXPECT_TRUE(has_issue_at(m->out, "OBX[6]-5.5"));
  EXPECT_TRUE(std::holds_alternative<std::monostate>(obs[6]->value));  // no OBX-2
  EXPECT_TRUE(has_issue_at(m->out, "OBX[7]-2"));
  EXPECT_EQ(std::get<model::DateTime>(obs[7]->value).value, "2024-01-01");
  EXPECT_EQ(obs[7]->status, "cancelled");
  // Every field of the sample is either mapped or reported: only the deliberate gaps remain.
  for (const auto& i : m->out.issues)
    if (i.location.rfind("OBR", 0) == 0 || i.location.rfind("OBX[1]", 0) == 0 || i.location.rfind("OBX[2]", 0) == 0) {
      EXPECT_EQ(i.location, "OBR-22.1") << i.message;
    }
  expect_valid(m->out);
}

TEST(Hl7MapResults, ConverterSampleMapsAndValidates) {
  auto m = map(read_sample("fhir-converter/ORU-R01-01.hl7"));
  ASSERT_TRUE(m->message);
  EXPECT_FALSE(reports(m->out).empty());
  EXPECT_FALSE(observations(m->out).empty());
  expect_valid(m->out);
}

}  // namespace
}  // namespace hie::adapters::hl7v2
