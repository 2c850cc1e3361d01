// HL7 v2 writer: real samples read → written → read again give the same elements; exact bytes
// for a hand-built patient; escaping; data type helpers.

#include "adapters/hl7v2/writer.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "adapters/hl7v2/hl7v2_adapter.hpp"
#include "adapters/hl7v2/message.hpp"
#include "broker/model/json.hpp"
#include "broker/model/nhs_number.hpp"
#include "tests/adapters/hl7v2/sample_support.hpp"

namespace hie::adapters::hl7v2 {
namespace {

using sample_support::read_sample;

Translation translate(std::string_view bytes) {
  Context c;
  c.exchange_id = "test-hie";
  c.default_utc_offset = "+00:00";
  auto result = Hl7v2Adapter().to_model(bytes, c);
  if (!result) throw std::runtime_error(result.error().describe());
  return std::move(*result);
}

template <class T>
std::vector<T> all_of(const Translation& t) {
  std::vector<T> out;
  for (const auto& r : t.resources)
    if (const T* x = std::get_if<T>(&r)) out.push_back(*x);
  return out;
}

WriteOptions options() {
  WriteOptions o;
  o.sending_facility = "TEST";
  o.control_id = "MSG0001";
  o.timestamp = "20240102030405+0000";
  return o;
}

std::string json_of(const model::Resource& r) {
  auto j = model::to_json(r);
  return j ? *j : std::string("<no json>");
}

void expect_same_patient(const model::Patient& a, const model::Patient& b, const std::string& where) {
  EXPECT_EQ(a.identifier, b.identifier) << where << " identifier\n" << json_of(a) << "\n" << json_of(b);
  EXPECT_EQ(a.name, b.name) << where << " name\n" << json_of(a) << "\n" << json_of(b);
  EXPECT_EQ(a.gender, b.gender) << where;
  EXPECT_EQ(a.birth_date, b.birth_date) << where;
  EXPECT_EQ(a.address, b.address) << where << " address\n" << json_of(a) << "\n" << json_of(b);
  EXPECT_EQ(a.telecom, b.telecom) << where << " telecom\n" << json_of(a) << "\n" << json_of(b);
}

/// The Observation elements the round trip must keep (ids, references and category aside).
struct ObservationFields {
  model::CodeableConcept code;
  model::ObservationValue value;
  std::string status;
  std::vector<model::ObservationReferenceRange> reference_range;
  std::vector<model::CodeableConcept> interpretation;
  std::variant<std::monostate, model::DateTime, model::Period, model::Instant> effective;
  bool operator==(const ObservationFields&) const = default;
};

ObservationFields fields_of(const model::Observation& o) {
  return {o.code, o.value, o.status, o.reference_range, o.interpretation, o.effective};
}

struct RoundTrip {
  Translation first, second;
  std::string written;
};

RoundTrip round_trip(const std::string& relative, bool oru) {
  RoundTrip rt;
  rt.first = translate(read_sample(relative));
  auto patients = all_of<model::Patient>(rt.first);
  if (patients.empty()) throw std::runtime_error(relative + ": no patient");
  Result<std::string> written = std::string();
  if (oru) {
    written = write_oru(patients.front(), all_of<model::DiagnosticReport>(rt.first),
                        all_of<model::Observation>(rt.first), options());
  } else {
    auto encounters = all_of<model::Encounter>(rt.first);
    written = write_adt("A01", patients.front(), encounters.empty() ? nullptr : &encounters.front(), options());
  }
  if (!written) throw std::runtime_error(relative + ": " + written.error().describe());
  rt.written = *written;
  rt.second = translate(rt.written);
  return rt;
}

class WriterRoundTrip : public ::testing::TestWithParam<std::pair<std::string, bool>> {};

TEST_P(WriterRoundTrip, ModelSurvivesWriteAndRead) {
  const auto& [relative, oru] = GetParam();
  RoundTrip rt;
  ASSERT_NO_THROW(rt = round_trip(relative, oru)) << relative;

  auto message = Message::parse(rt.written);
  ASSERT_TRUE(message) << relative << ": " << message.error().describe();
  EXPECT_EQ(message->message_code(), oru ? "ORU" : "ADT");
  EXPECT_EQ(message->trigger_event(), oru ? "R01" : "A01");
  EXPECT_EQ(message->message_structure(), oru ? "ORU_R01" : "ADT_A01");
  EXPECT_EQ(message->msh().field(18), "UNICODE UTF-8");
  EXPECT_EQ(rt.written.find('\n'), std::string::npos);

  auto p1 = all_of<model::Patient>(rt.first);
  auto p2 = all_of<model::Patient>(rt.second);
  ASSERT_EQ(p1.size(), 1u);
  ASSERT_EQ(p2.size(), 1u);
  expect_same_patient(p1[0], p2[0], relative);
  // Everything else the reader gives (contacts, GP, marital status, …) survives too.
  p2[0].id = p1[0].id;
  EXPECT_EQ(p1[0], p2[0]) << relative << "\n" << json_of(p1[0]) << "\n" << json_of(p2[0]);

  if (!oru) {
    auto e1 = all_of<model::Encounter>(rt.first);
    auto e2 = all_of<model::Encounter>(rt.second);
    ASSERT_EQ(e1.size(), e2.size()) << relative;
    if (!e1.empty()) {
      EXPECT_EQ(e1[0].class_, e2[0].class_) << relative;
      EXPECT_EQ(e1[0].period, e2[0].period) << relative;
      EXPECT_EQ(e1[0].identifier, e2[0].identifier) << relative;
      e2[0].id = e1[0].id;
      e2[0].subject = e1[0].subject;
      // The status follows the event (written as A01): in-progress; an A08 with a discharge
      // time was finished. The location status follows it.
      e2[0].status = e1[0].status;
      for (std::size_t i = 0; i < e2[0].location.size() && i < e1[0].location.size(); ++i)
        e2[0].location[i].status = e1[0].location[i].status;
      EXPECT_EQ(e1[0], e2[0]) << relative << "\n" << json_of(e1[0]) << "\n" << json_of(e2[0]);
    }
    return;
  }
  auto o1 = all_of<model::Observation>(rt.first);
  auto o2 = all_of<model::Observation>(rt.second);
  ASSERT_EQ(o1.size(), o2.size()) << relative << "\n" << rt.written;
  ASSERT_FALSE(o1.empty()) << relative;
  std::vector<bool> used(o2.size(), false);
  for (const auto& a : o1) {
    bool found = false;
    for (std::size_t i = 0; i < o2.size() && !found; ++i)
      if (!used[i] && fields_of(a) == fields_of(o2[i])) used[i] = found = true;
    EXPECT_TRUE(found) << relative << ": no equal observation after the round trip for\n" << json_of(a);
  }
  // Apart from ids and references, every element the reader gives (notes, performers …) survives.
  // The writer writes no SPM, so the specimen references are not expected back.
  auto normalized = [](model::Observation o) {
    o.id.clear();
    o.subject.reset();
    o.specimen.reset();
    return o;
  };
  std::fill(used.begin(), used.end(), false);
  for (const auto& a : o1) {
    bool found = false;
    for (std::size_t i = 0; i < o2.size() && !found; ++i)
      if (!used[i] && normalized(a) == normalized(o2[i])) used[i] = found = true;
    EXPECT_TRUE(found) << relative << ": observation not kept whole\n" << json_of(a);
  }
  auto r1 = all_of<model::DiagnosticReport>(rt.first);
  auto r2 = all_of<model::DiagnosticReport>(rt.second);
  ASSERT_EQ(r1.size(), r2.size()) << relative;
  for (std::size_t i = 0; i < r1.size(); ++i) {
    EXPECT_EQ(r1[i].code, r2[i].code) << relative;
    EXPECT_EQ(r1[i].status, r2[i].status) << relative;
    EXPECT_EQ(r1[i].identifier, r2[i].identifier) << relative;
    EXPECT_EQ(r1[i].effective, r2[i].effective) << relative;
    EXPECT_EQ(r1[i].conclusion, r2[i].conclusion) << relative;
    auto a = r1[i], b = r2[i];
    for (auto* r : {&a, &b}) r->id.clear(), r->subject.reset(), r->result.clear(), r->specimen.clear();
    EXPECT_EQ(a, b) << relative << "\n" << json_of(r1[i]) << "\n" << json_of(r2[i]);
  }
}

TEST_P(WriterRoundTrip, WrittenMessageReadsWithoutErrors) {
  const auto& [relative, oru] = GetParam();
  RoundTrip rt;
  ASSERT_NO_THROW(rt = round_trip(relative, oru)) << relative;
  for (const auto& issue : rt.second.issues)
    EXPECT_GT(issue.severity, model::Severity::error) << relative << ": " << issue.location << " " << issue.message;
}

INSTANTIATE_TEST_SUITE_P(
    Samples, WriterRoundTrip,
    ::testing::Values(std::pair<std::string, bool>{"fhir-converter/ADT-A01-01.hl7", false},
                      std::pair<std::string, bool>{"fhir-converter/ADT01-23.hl7", false},
                      std::pair<std::string, bool>{"fhir-converter/ADT-A08-01.hl7", false},
                      std::pair<std::string, bool>{"google-healthcare-data-harmonization/adt_a01.hl7", false},
                      std::pair<std::string, bool>{"fhir-converter/ORU-R01-01.hl7", true},
                      std::pair<std::string, bool>{"fhir-converter/LAB-ORU-1.hl7", true},
                      std::pair<std::string, bool>{"fhir-converter/LRI_2.0-NG_CBC_Typ_Message.hl7", true}));

TEST(Hl7v2Writer, A08KeepsTheEncounterStatus) {
  auto first = translate(read_sample("fhir-converter/ADT-A08-01.hl7"));
  auto patients = all_of<model::Patient>(first);
  auto encounters = all_of<model::Encounter>(first);
  ASSERT_EQ(patients.size(), 1u);
  ASSERT_EQ(encounters.size(), 1u);
  auto written = write_adt("A08", patients[0], &encounters[0], options());
  ASSERT_TRUE(written);
  auto m = Message::parse(*written);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->trigger_event(), "A08");
  EXPECT_EQ(m->message_structure(), "ADT_A01");
  auto again = all_of<model::Encounter>(translate(*written));
  ASSERT_EQ(again.size(), 1u);
  again[0].id = encounters[0].id;
  again[0].subject = encounters[0].subject;
  EXPECT_EQ(again[0], encounters[0]) << json_of(encounters[0]) << "\n" << json_of(again[0]);
}

model::Patient small_patient() {
  model::Patient p;
  model::Identifier nhs;
  nhs.system = std::string(model::NhsNumber::system);
  nhs.value = "9434765919";
  p.identifier.push_back(nhs);
  model::Identifier mrn;
  mrn.system = "urn:hiebroker:test-hie:id:HOSP";
  mrn.value = "MRN123";
  mrn.type = model::CodeableConcept{{{"http://terminology.hl7.org/CodeSystem/v2-0203", "", "MR", "", std::nullopt}}, ""};
  p.identifier.push_back(mrn);
  model::HumanName name;
  name.use = "official";
  name.family = "Smith";
  name.given = {"John", "Paul"};
  name.prefix = {"Mr"};
  p.name.push_back(name);
  p.gender = "male";
  p.birth_date = "1970-01-02";
  model::Address a;
  a.use = "home";
  a.line = {"1 High St"};
  a.city = "Leeds";
  a.postal_code = "LS1 1AA";
  a.country = "GBR";
  p.address.push_back(a);
  p.telecom.push_back({"phone", "0113 496 0000", "home", std::nullopt, std::nullopt});
  p.telecom.push_back({"email", "j@example.org", "", std::nullopt, std::nullopt});
  return p;
}

std::vector<std::string> lines_of(const std::string& message) {
  std::vector<std::string> out;
  std::string line;
  std::istringstream in(message);
  while (std::getline(in, line, '\r')) out.push_back(line);
  return out;
}

TEST(Hl7v2Writer, SmallPatientExactBytes) {
  auto written = write_adt("A01", small_patient(), nullptr, options());
  ASSERT_TRUE(written) << written.error().describe();
  auto lines = lines_of(*written);
  ASSERT_EQ(lines.size(), 4u) << *written;
  EXPECT_EQ(lines[0], "MSH|^~\\&|HIEBROKER|TEST|||20240102030405+0000||ADT^A01^ADT_A01|MSG0001|P|2.5.1||||||UNICODE UTF-8");
  EXPECT_EQ(lines[1], "EVN|A01|20240102030405+0000");
  EXPECT_EQ(lines[2],
            "PID|1||9434765919^^^NHS^NH~MRN123^^^HOSP^MR||Smith^John^Paul^^Mr^^L||19700102|M|||"
            "1 High St^^Leeds^^LS1 1AA^GBR^H||0113 496 0000^PRN^PH~^NET^Internet^j@example.org");
  EXPECT_EQ(lines[3], "PV1|1|N");
}

TEST(Hl7v2Writer, NhsNumberReadsBackAsNhsNumber) {
  auto written = write_adt("A08", small_patient(), nullptr, options());
  ASSERT_TRUE(written);
  EXPECT_NE(written->find("|9434765919^^^NHS^NH~"), std::string::npos);
  auto back = all_of<model::Patient>(translate(*written));
  ASSERT_EQ(back.size(), 1u);
  ASSERT_FALSE(back[0].identifier.empty());
  EXPECT_EQ(back[0].identifier[0].system, model::NhsNumber::system);
  EXPECT_EQ(back[0].identifier[0].value, "9434765919");
  EXPECT_EQ(back[0].identifier[1].system, "urn:hiebroker:test-hie:id:HOSP");
  EXPECT_EQ(back[0].identifier[1].use, "usual");
  EXPECT_EQ(back[0].name, small_patient().name);
  EXPECT_EQ(back[0].telecom, small_patient().telecom);
  EXPECT_EQ(back[0].address, small_patient().address);
}

TEST(Hl7v2Writer, DelimitersInTextAreEscaped) {
  auto p = small_patient();
  p.name[0].family = "A|B^C~D\\E&F";
  auto written = write_adt("A01", p, nullptr, options());
  ASSERT_TRUE(written);
  EXPECT_NE(written->find("|A\\F\\B\\S\\C\\R\\D\\E\\E\\T\\F^John^Paul^^Mr^^L|"), std::string::npos) << *written;
  auto back = all_of<model::Patient>(translate(*written));
  ASSERT_EQ(back.size(), 1u);
  ASSERT_EQ(back[0].name.size(), 1u);
  EXPECT_EQ(back[0].name[0].family, "A|B^C~D\\E&F");
}

TEST(Hl7v2Writer, EventsAndOptionsAreChecked) {
  EXPECT_FALSE(write_adt("A40", small_patient(), nullptr, options()));
  auto no_id = options();
  no_id.control_id.clear();
  EXPECT_FALSE(write_adt("A01", small_patient(), nullptr, no_id));
  auto bad_time = options();
  bad_time.timestamp = "2024-01-02T03:04:05Z";
  EXPECT_FALSE(write_oru(small_patient(), {}, {}, bad_time));
  auto a03 = write_adt("A03", small_patient(), nullptr, options());
  ASSERT_TRUE(a03);
  auto m = Message::parse(*a03);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->message_structure(), "ADT_A03");
}

TEST(Hl7v2Writer, ObservationValuesRoundTrip) {
  model::DiagnosticReport report;
  report.id = "r1";
  report.status = "final";
  report.code = model::CodeableConcept{{{"http://loinc.org", "", "24317-0", "CBC", std::nullopt}}, ""};
  report.conclusion = "line one\nline two";
  std::vector<model::Observation> obs(4);
  for (std::size_t i = 0; i < obs.size(); ++i) {
    obs[i].id = "o" + std::to_string(i);
    obs[i].status = "preliminary";
    obs[i].code = model::CodeableConcept{{{"http://loinc.org", "", "1-" + std::to_string(i), "", std::nullopt}}, ""};
    report.result.push_back(model::Reference{"Observation/" + obs[i].id, "", {}, ""});
  }
  model::Quantity q;
  q.value = *model::Decimal::parse("5.10");
  q.comparator = "<";
  q.unit = "mmol/L";
  q.system = "http://unitsofmeasure.org";
  q.code = "mmol/L";
  obs[0].value = q;
  obs[0].effective = model::DateTime{"2024-01-02T03:04:05+01:00"};
  model::Quantity low = q, high = q;
  low.comparator.clear(), high.comparator.clear();
  low.value = *model::Decimal::parse("1");
  high.value = *model::Decimal::parse("2.0");
  obs[1].value = model::Range{low, high};
  obs[2].value = std::string("first\nsecond | with bar");
  obs[2].note.push_back(model::Annotation{{}, "", "a note ^ caret"});
  obs[3].value = model::DateTime{"2024-01"};
  auto written = write_oru(small_patient(), {report}, obs, options());
  ASSERT_TRUE(written) << written.error().describe();
  EXPECT_NE(written->find("OBX|1|SN|1-0^^LN||<^5.10|mmol/L^^UCUM|||||P|||20240102030405+0100"), std::string::npos)
      << *written;
  EXPECT_NE(written->find("|SN|1-1^^LN||^1^-^2.0|"), std::string::npos) << *written;
  EXPECT_NE(written->find("|TX|1-2^^LN||first\\.br\\second \\F\\ with bar|"), std::string::npos) << *written;
  auto back = translate(*written);
  auto o2 = all_of<model::Observation>(back);
  ASSERT_EQ(o2.size(), obs.size());
  for (std::size_t i = 0; i < obs.size(); ++i) EXPECT_EQ(o2[i].value, obs[i].value) << i;
  EXPECT_EQ(o2[0].effective, obs[0].effective);
  EXPECT_EQ(o2[2].note, obs[2].note);
  auto r2 = all_of<model::DiagnosticReport>(back);
  ASSERT_EQ(r2.size(), 1u);
  EXPECT_EQ(r2[0].conclusion, report.conclusion);
  EXPECT_EQ(r2[0].code, report.code);
}

TEST(Hl7v2Writer, CodingSystemNamesAndTimes) {
  EXPECT_EQ(reverse_coding_system("http://loinc.org"), "LN");
  EXPECT_EQ(reverse_coding_system("http://snomed.info/sct"), "SCT");
  EXPECT_EQ(reverse_coding_system("http://unitsofmeasure.org"), "UCUM");
  EXPECT_EQ(reverse_coding_system("http://hl7.org/fhir/sid/icd-10"), "I10");
  EXPECT_EQ(reverse_coding_system("http://terminology.hl7.org/CodeSystem/v2-0078"), "HL70078");
  EXPECT_EQ(reverse_coding_system("urn:hiebroker:v2-coding-system:99%20LOCAL"), "99 LOCAL");
  EXPECT_EQ(reverse_coding_system("urn:oid:2.16.840.1.113883.6.238"), "CDCREC");
  EXPECT_EQ(reverse_coding_system("urn:oid:2.16.840.1.999"), "2.16.840.1.999");
  EXPECT_EQ(reverse_coding_system("https://example.org/cs"), "https://example.org/cs");
  EXPECT_EQ(to_hl7_datetime("2024-01-02T03:04:05+01:00"), "20240102030405+0100");
  EXPECT_EQ(to_hl7_datetime("2024-01-02T03:04:05.123Z"), "20240102030405.123+0000");
  EXPECT_EQ(to_hl7_datetime("2024-01-02"), "20240102");
  EXPECT_EQ(to_hl7_datetime("2024-01"), "202401");
  EXPECT_EQ(to_hl7_datetime("2024"), "2024");
  EXPECT_EQ(to_hl7_datetime("not a date"), "");
}

}  // namespace
}  // namespace hie::adapters::hl7v2
