// The shipped mappings on their sample files and on the demo's city-hie exports: the values a
// clinician would check, bad rows reported by row and column while good rows translate, and
// every Bundle valid FHIR R4.

#include "adapters/csv/csv_adapter.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "adapters/collection_bundle.hpp"
#include "adapters/registry.hpp"
#include "broker/model/json.hpp"
#include "tests/adapters/csv/csv_test_support.hpp"
#include "tests/support/fhir_validator.hpp"

namespace hie::adapters::csv {
namespace {

using namespace test_support;
namespace fs = std::filesystem;

Translation translate(const std::string& mapping, const std::string& file,
                      const Context& c = context()) {
  auto t = adapter_for(mapping)->to_model(read_file(file), c);
  if (!t) throw std::runtime_error(file + ": " + t.error().describe());
  return std::move(*t);
}

const model::Identifier* identifier(const model::Patient& p, std::string_view system) {
  for (const auto& i : p.identifier)
    if (i.system == system) return &i;
  return nullptr;
}

const model::Observation* observation(const Translation& t, std::string_view code) {
  for (const auto* o : all_of<model::Observation>(t))
    if (!o->code.coding.empty() && o->code.coding[0].code == code) return o;
  return nullptr;
}

constexpr std::string_view kNhs = "https://fhir.nhs.uk/Id/nhs-number";

TEST(CsvAdapter, RegisteredWithoutAMappingItRefusesToTranslate) {
  const Adapter* csv = all_adapters().find("csv");
  ASSERT_NE(csv, nullptr);
  auto t = csv->to_model("a,b\n1,2\n", context());
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().message(),
            "csv needs a mapping file (--mapping FILE, or the exchange's mapping setting)");
  EXPECT_TRUE(csv->sniff("nhs_number,family_name\r\n1,2"));
  EXPECT_TRUE(
      csv->sniff("\xEF\xBB\xBF"
                 "a;b\n"));
  EXPECT_FALSE(csv->sniff("MSH|^~\\&|A,B"));
  EXPECT_FALSE(csv->sniff("<ClinicalDocument xmlns=\"urn:hl7-org:v3\">"));
  EXPECT_FALSE(csv->sniff(std::string_view("a,b\0c", 5)));
  EXPECT_FALSE(adapter_for("gp-patient-list.json")->sniff("a,b,c\n"));  // configured: ';'
}

TEST(CsvAdapter, CityGpListGivesThePatient) {
  auto t = translate("city-hie.json", "config/sim/data/city/gp-list-C1001.csv");
  EXPECT_EQ(errors_in(t), 0u);
  auto patients = all_of<model::Patient>(t);
  ASSERT_EQ(patients.size(), 1u);
  const model::Patient& p = *patients[0];
  ASSERT_NE(identifier(p, kNhs), nullptr);
  EXPECT_EQ(identifier(p, kNhs)->value, "3870146052");
  auto local = identifier(p, "urn:hiebroker:test-hie:id:CITY");
  ASSERT_NE(local, nullptr);
  EXPECT_EQ(local->value, "C-1001");
  ASSERT_EQ(p.name.size(), 1u);
  EXPECT_EQ(p.name[0].family, "Doe");
  EXPECT_EQ(p.name[0].given, std::vector<std::string>{"Jane"});
  EXPECT_EQ(p.birth_date, "1994-06-15");
  EXPECT_EQ(p.gender, "female");
  EXPECT_EQ(p.address.at(0).postal_code, "LS6 2QT");
  EXPECT_EQ(p.general_practitioner.at(0).identifier->value, "CITY01");
  EXPECT_EQ(p.meta->source, "test-hie");
  // registered_on has no element: one warning naming the column, not its values.
  auto unused = issue_at(t, "column 9 (registered_on)");
  ASSERT_NE(unused, nullptr);
  EXPECT_EQ(unused->severity, model::Severity::warning);
  EXPECT_EQ(unused->message.find("2012"), std::string::npos);
}

TEST(CsvAdapter, CityLabResultsGiveOnePatientAndAnObservationPerRow) {
  auto t = translate("city-hie.json", "config/sim/data/city/lab-results-C1002.csv");
  EXPECT_EQ(errors_in(t), 0u);
  ASSERT_EQ(all_of<model::Patient>(t).size(), 1u);  // three rows, one patient
  const auto& patient = *all_of<model::Patient>(t)[0];
  ASSERT_EQ(all_of<model::Observation>(t).size(), 3u);
  const auto* egfr = observation(t, "33914-3");
  ASSERT_NE(egfr, nullptr);
  EXPECT_EQ(egfr->subject->reference, "Patient/" + patient.id);
  EXPECT_EQ(egfr->code.coding[0].system, "http://loinc.org");
  const auto& q = std::get<model::Quantity>(egfr->value);
  EXPECT_EQ(q.value->text(), "44");
  EXPECT_EQ(q.unit, "mL/min/{1.73_m2}");
  EXPECT_EQ(q.system, "http://unitsofmeasure.org");
  EXPECT_EQ(q.code, "mL/min/{1.73_m2}");
  ASSERT_EQ(egfr->reference_range.size(), 1u);
  EXPECT_EQ(egfr->reference_range[0].low->value->text(), "60");
  EXPECT_FALSE(egfr->reference_range[0].high);
  EXPECT_EQ(egfr->reference_range[0].text, ">60");
  EXPECT_EQ(egfr->interpretation.at(0).coding.at(0).code, "L");
  EXPECT_EQ(std::get<model::DateTime>(egfr->effective).value, "2025-02-18T08:40:00Z");
  EXPECT_EQ(egfr->status, "final");
  EXPECT_EQ(egfr->category.at(0).coding.at(0).code, "laboratory");

  auto t1 = translate("city-hie.json", "config/sim/data/city/lab-results-C1001.csv");
  const auto* potassium = observation(t1, "2823-3");
  ASSERT_NE(potassium, nullptr);
  EXPECT_EQ(std::get<model::Quantity>(potassium->value).value->text(), "4.1");
  EXPECT_EQ(potassium->reference_range[0].low->value->text(), "3.5");
  EXPECT_EQ(potassium->reference_range[0].high->value->text(), "5.3");
  EXPECT_TRUE(potassium->interpretation.empty());  // empty flag: none

  auto t4 = translate("city-hie.json", "config/sim/data/city/lab-results-C1004.csv");
  const auto* cholesterol = observation(t4, "2093-3");
  ASSERT_NE(cholesterol, nullptr);
  EXPECT_EQ(cholesterol->status, "preliminary");
  EXPECT_EQ(cholesterol->reference_range[0].high->value->text(), "5.0");
}

TEST(CsvAdapter, IdsAreDeterministicAndDistinctPerLayoutAndKey) {
  auto a = translate("city-hie.json", "config/sim/data/city/lab-results-C1001.csv");
  auto b = translate("city-hie.json", "config/sim/data/city/lab-results-C1001.csv");
  ASSERT_EQ(a.resources, b.resources);
  auto gp = translate("city-hie.json", "config/sim/data/city/gp-list-C1001.csv");
  EXPECT_NE(all_of<model::Patient>(gp)[0]->id, all_of<model::Patient>(a)[0]->id);
  std::set<std::string> ids;
  for (const auto* o : all_of<model::Observation>(a)) ids.insert(o->id);
  EXPECT_EQ(ids.size(), 3u);
}

TEST(CsvAdapter, GpListInWindows1252WithSemicolonsAndQuotes) {
  auto t = translate("gp-patient-list.json", "config/mappings/samples/gp-patient-list.csv");
  EXPECT_EQ(errors_in(t), 0u);
  auto patients = all_of<model::Patient>(t);
  ASSERT_EQ(patients.size(), 4u);
  const auto& jane = *patients[0];
  EXPECT_EQ(identifier(jane, kNhs)->value, "3870146052");
  EXPECT_EQ(jane.name[0].prefix, std::vector<std::string>{"Ms"});
  EXPECT_EQ(jane.address[0].line, (std::vector<std::string>{"Flat 2; Elm Court", "14 Park Road"}));
  ASSERT_EQ(jane.telecom.size(), 2u);
  EXPECT_EQ(jane.telecom[1].system, "email");
  EXPECT_EQ(jane.general_practitioner[0].display, "Park Road Surgery");
  EXPECT_EQ(patients[1]->name[0].given[0], "Zo\xC3\xAB");  // Zoë, from Windows-1252
  EXPECT_EQ(patients[2]->name[0].family, "M\xC3\xBCller");
  EXPECT_EQ(patients[2]->birth_date, "1971-03-07");  // D/M/YYYY
  EXPECT_EQ(patients[2]->general_practitioner[0].display, "Station \"Health\" Centre");
  EXPECT_EQ(identifier(*patients[3], kNhs)->value, "9991112340");  // written 999 111 2340
  EXPECT_EQ(patients[3]->birth_date, "2000-02-29");
  EXPECT_EQ(patients[3]->gender, "unknown");
}

TEST(CsvAdapter, ByteOrderMarkMeansUtf8WhateverTheMappingSays) {
  auto t =
      translate("gp-patient-list.json", "config/mappings/samples/gp-patient-list-utf8-bom.csv");
  auto patients = all_of<model::Patient>(t);
  ASSERT_EQ(patients.size(), 2u);
  EXPECT_EQ(patients[0]->name[0].given[0], "Zofia \xC5\x81ucja");
  EXPECT_EQ(patients[0]->birth_date, "1985-12-01");
  ASSERT_NE(issue_at(t, "row 1"), nullptr);
  EXPECT_EQ(issue_at(t, "row 1")->severity, model::Severity::information);
}

TEST(CsvAdapter, LabResultsWithQuotesNewlinesComparatorsAndText) {
  auto t =
      translate("lab-results.json", "config/mappings/samples/lab-results.csv", context("+00:00"));
  EXPECT_EQ(errors_in(t), 0u);
  ASSERT_EQ(all_of<model::Patient>(t).size(), 2u);
  ASSERT_EQ(all_of<model::Observation>(t).size(), 6u);
  const auto* potassium = observation(t, "2823-3");
  EXPECT_EQ(std::get<model::Quantity>(potassium->value).value->text(), "4.10");
  EXPECT_EQ(std::get<model::DateTime>(potassium->effective).value, "2025-03-04T09:12:00+00:00");
  EXPECT_EQ(potassium->identifier.at(0).value, "L25-0001");
  const auto* crp = observation(t, "1988-5");
  EXPECT_EQ(std::get<model::Quantity>(crp->value).comparator, "<");
  EXPECT_EQ(std::get<model::Quantity>(crp->value).value->text(), "5");
  EXPECT_EQ(crp->reference_range[0].high->value->text(), "5");
  const auto* nitrite = observation(t, "5802-4");
  EXPECT_EQ(std::get<std::string>(nitrite->value), "Negative");
  EXPECT_EQ(nitrite->status, "preliminary");
  ASSERT_EQ(nitrite->note.size(), 1u);
  EXPECT_EQ(nitrite->note[0].text,
            "Sample received unlabelled, relabelled by ward.\nRepeat requested, see ward note.");
  const auto* creatinine = observation(t, "14682-9");
  EXPECT_EQ(creatinine->interpretation[0].coding[0].code, "H");
  EXPECT_EQ(creatinine->interpretation[0].coding[0].display, "High");
  EXPECT_EQ(observation(t, "33914-3")->status, "corrected");
  EXPECT_EQ(all_of<model::Patient>(t)[1]->birth_date, "1930-01-22");
}

TEST(CsvAdapter, TimesWithoutAnOffsetAreKeptAsDatesAndReportedOncePerColumn) {
  auto t = translate("lab-results.json", "config/mappings/samples/lab-results.csv");
  EXPECT_EQ(std::get<model::DateTime>(observation(t, "2823-3")->effective).value, "2025-03-04");
  const auto* note = issue_at(t, "row 2, column 8");
  ASSERT_NE(note, nullptr);
  EXPECT_EQ(note->severity, model::Severity::warning);
  EXPECT_NE(note->message.find("(and in 5 further rows)"), std::string::npos) << note->message;
  EXPECT_EQ(issue_at(t, "row 3, column 8"), nullptr);
}

TEST(CsvAdapter, BadRowsAreReportedWithRowAndColumnAndGoodRowsTranslate) {
  auto t = translate("lab-results.json", "config/mappings/samples/lab-results-with-errors.csv",
                     context("+00:00"));
  ASSERT_EQ(all_of<model::Observation>(t).size(), 2u);
  EXPECT_NE(observation(t, "2951-2"), nullptr);  // row 2
  EXPECT_NE(observation(t, "6690-2"), nullptr);  // row 6
  auto expect_error = [&](std::string_view where, std::string_view says) {
    const auto* i = issue_at(t, where);
    ASSERT_NE(i, nullptr) << where;
    EXPECT_EQ(i->severity, model::Severity::error) << where;
    EXPECT_NE(i->message.find(says), std::string::npos) << i->message;
  };
  expect_error("row 3, column 1", "not a valid NHS number");
  expect_error("row 4, column 8", "not a valid date");
  expect_error("row 5, column 13", "the row has 12 fields, the header 16");
  expect_error("row 7, column 10", "quoted field not closed");
  EXPECT_EQ(errors_in(t), 4u);
  for (const auto& i : t.issues) EXPECT_EQ(i.message.find("3870146053"), std::string::npos);
}

TEST(CsvAdapter, ProblemListTabDelimitedGivesConditions) {
  auto t = translate("problem-list.json", "config/mappings/samples/problem-list.tsv");
  EXPECT_EQ(errors_in(t), 0u);
  auto conditions = all_of<model::Condition>(t);
  ASSERT_EQ(conditions.size(), 4u);
  EXPECT_EQ(all_of<model::Patient>(t).size(), 2u);
  EXPECT_EQ(conditions[0]->code->coding[0].code, "195967001");
  EXPECT_EQ(std::get<model::DateTime>(conditions[0]->onset).value, "2003");
  EXPECT_EQ(conditions[1]->clinical_status->coding[0].code, "resolved");
  EXPECT_EQ(std::get<model::DateTime>(conditions[1]->abatement).value, "2024-11-20");
  EXPECT_EQ(conditions[2]->code->coding[0].display,
            "Hypertensive disorder, systemic arterial (disorder)");
}

TEST(CsvAdapter, WholeFileErrors) {
  auto city = adapter_for("city-hie.json");
  auto none = city->to_model("surname,forename\nDoe,Jane\n", context());
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message().find("matches no layout"), std::string::npos);
  EXPECT_NE(none.error().message().find("gp-list (columns nhs_number"), std::string::npos);
  auto missing = city->to_model("nhs_number,family_name,given_name,birth_date\n", context());
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("column \"local_id\""), std::string::npos);
  auto empty = city->to_model("", context());
  ASSERT_FALSE(empty);
  const std::string gp_list = read_file("config/sim/data/city/gp-list-C1001.csv");
  const std::string header = gp_list.substr(0, gp_list.find('\n') + 1);
  auto all_bad = city->to_model(header + "123,C-9,Doe,Jo,1990-01-01,F,X,Y,Z\r\n", context());
  ASSERT_FALSE(all_bad) << "every row bad";
  EXPECT_EQ(all_bad.error().location(), "row 2, column 1");
  auto header_only = city->to_model(header, context());
  ASSERT_TRUE(header_only);
  EXPECT_TRUE(header_only->resources.empty());
}

TEST(CsvAdapter, UnmappedCodesAndInvalidTextRejectTheRow) {
  auto city = adapter_for("city-hie.json");
  const std::string header =
      "nhs_number,local_id,family_name,given_name,birth_date,sex,postcode,gp_practice_code,"
      "registered_on\n";
  auto t = city->to_model(header + "3870146052,C-1,Doe,Jane,1994-06-15,X,LS6,C1,\n" +
                              "6597923189,C-2,Cl\xFF"
                              "rk,Fred,1930-01-22,M,LS8,C2,\n" +
                              "9434765919,C-3,Test,Tess,1958-11-02,F,LS1,C1,\n",
                          context());
  ASSERT_TRUE(t);
  EXPECT_EQ(all_of<model::Patient>(*t).size(), 1u);
  ASSERT_NE(issue_at(*t, "row 2, column 6"), nullptr);
  EXPECT_EQ(issue_at(*t, "row 2, column 6")->code, "code-invalid");
  ASSERT_NE(issue_at(*t, "row 3, column 3"), nullptr);
}

TEST(CsvAdapter, EveryOutputIsValidFhir) {
  std::vector<std::pair<std::string, std::string>> runs = {
      {"gp-patient-list.json", "config/mappings/samples/gp-patient-list.csv"},
      {"gp-patient-list.json", "config/mappings/samples/gp-patient-list-utf8-bom.csv"},
      {"lab-results.json", "config/mappings/samples/lab-results.csv"},
      {"lab-results.json", "config/mappings/samples/lab-results-with-errors.csv"},
      {"problem-list.json", "config/mappings/samples/problem-list.tsv"},
  };
  for (const auto& e : fs::directory_iterator(fs::path(HIE_SOURCE_DIR) / "config/sim/data/city"))
    if (e.path().extension() == ".csv")
      runs.emplace_back("city-hie.json", "config/sim/data/city/" + e.path().filename().string());
  std::sort(runs.begin(), runs.end());
  std::vector<std::string> bundles;
  for (const auto& [mapping, file] : runs) {
    for (std::string offset : {"", "+01:00"}) {
      auto t = translate(mapping, file, context(offset));
      EXPECT_FALSE(t.resources.empty()) << file;
      auto json = model::to_json(to_collection_bundle(std::move(t)));
      ASSERT_TRUE(json) << file << ": " << json.error().describe();
      bundles.push_back(*json);
    }
  }
  ASSERT_EQ(bundles.size(), 2 * runs.size());
  ASSERT_GE(runs.size(), 14u);
  auto verdicts = hie::testing::validate_fhir_batch(bundles);
  ASSERT_EQ(verdicts.size(), bundles.size());
  for (std::size_t i = 0; i < bundles.size(); ++i)
    EXPECT_TRUE(verdicts[i].valid) << runs[i / 2].second << "\n" << verdicts[i].issues;
}

}  // namespace
}  // namespace hie::adapters::csv
