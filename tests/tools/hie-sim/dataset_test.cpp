#include "tools/hie-sim/dataset.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/support/temp_dir.hpp"

namespace hie::sim {
namespace {

using testing::TempDir;

const std::string kNhs = "https://fhir.nhs.uk/Id/nhs-number";

/// Every error of a failed load, one describe() per line; "(loaded)" when it did not fail.
std::string errors_of(const DatasetResult& result) {
  if (result) return "(loaded)";
  std::string out;
  for (const auto& e : result.error().errors) out += e.describe() + "\n";
  return out;
}

TEST(Dataset, LoadsAFileWithCommentsAndReadsRecordsFromItsFolder) {
  TempDir dir;
  std::filesystem::create_directories(dir.root() / "data");
  dir.file("data/ccd.xml", "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>\n");
  dir.file("data/note.xml", "<?xml version=\"1.0\"?><ClinicalDocument/>");
  const std::string path = dir.file("valley.json", R"({
    // a comment
    "exchange": "valley-hie",
    "format": "cda",
    "patients": [
      { "identifiers": [ {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "943 476 5919"},
                         {"system": "urn:oid:2.16.840.1.113883.19.5", "value": "998991"} ],
        "records": ["data/ccd.xml", "data/note.xml"] },
    ]
  })");
  auto dataset = load_dataset(path);
  ASSERT_TRUE(dataset) << errors_of(dataset);
  EXPECT_EQ(dataset->file, path);
  EXPECT_EQ(dataset->exchange, "valley-hie");
  EXPECT_EQ(dataset->format, "cda");
  ASSERT_EQ(dataset->patients.size(), 1u);
  const auto& patient = dataset->patients[0];
  // The NHS number is kept as its ten digits.
  EXPECT_EQ(patient.identifiers,
            (std::vector<Identifier>{{kNhs, "9434765919"},
                                     {"urn:oid:2.16.840.1.113883.19.5", "998991"}}));
  ASSERT_EQ(patient.records.size(), 2u);
  EXPECT_EQ(patient.records[0].path, dir.path("data/ccd.xml"));
  EXPECT_EQ(patient.records[0].name, "ccd.xml");
  EXPECT_EQ(patient.records[0].contents, "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>\n");
  EXPECT_EQ(patient.records[1].name, "note.xml");
  EXPECT_EQ(dataset->record_count(), 2u);
}

TEST(Dataset, AMissingRecordIsNamedByFileLineAndMember) {
  TempDir dir;
  dir.file("a.hl7", "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5\r");
  const std::string path = dir.file("north.json", R"({
  "exchange": "north-hie",
  "format": "hl7v2",
  "patients": [
    { "identifiers": [ {"system": "urn:x", "value": "1"} ],
      "records": ["a.hl7",
                  "missing.hl7"] }
  ]
})");
  EXPECT_EQ(errors_of(load_dataset(path)),
            path + ":7: patients[0].records[1]: file not found: " + dir.path("missing.hl7") + "\n");
}

TEST(Dataset, AnNhsNumberMustPassModulus11) {
  TempDir dir;
  dir.file("a.csv", "nhs_number\n9434765918\n");
  const std::string path =
      dir.file("city.json", R"({"exchange": "city-hie", "format": "csv", "patients": [
    {"identifiers": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765918"}], "records": ["a.csv"]}]})");
  EXPECT_EQ(errors_of(load_dataset(path)),
            path +
                ":2: patients[0].identifiers[0].value: not a valid NHS number: "
                "NHS number check digit does not match\n");
}

TEST(Dataset, TheFormatMustBeOneTheBrokerKnows) {
  TempDir dir;
  dir.file("a.txt", "x");
  const std::string path = dir.file("d.json", R"({"exchange": "x", "format": "pdf", "patients": [
    {"identifiers": [{"system": "urn:x", "value": "1"}], "records": ["a.txt"]}]})");
  EXPECT_EQ(errors_of(load_dataset(path)),
            path + ":1: format: must be one of hl7v2, cda, csv, fhir (got \"pdf\")\n");
}

TEST(Dataset, RecordsMustBeReadableAsTheFormat) {
  TempDir dir;
  dir.file("not-json.json", "{\"resourceType\": ");
  dir.file("no-type.json", "{\"id\": \"x\"}");
  const std::string path = dir.file("d.json", R"({"exchange": "x", "format": "fhir", "patients": [
    {"identifiers": [{"system": "urn:x", "value": "1"}], "records": ["not-json.json", "no-type.json"]}]})");
  EXPECT_EQ(errors_of(load_dataset(path)),
            path + ":2: patients[0].records[0]: " + dir.path("not-json.json") +
                ": offset 17: not JSON: Invalid value.\n" + path + ":2: patients[0].records[1]: " +
                dir.path("no-type.json") + ": not a FHIR resource (no resourceType)\n");
}

TEST(Dataset, EveryProblemIsReportedOnce) {
  TempDir dir;
  dir.file("a.hl7", "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5\r");
  std::filesystem::create_directories(dir.root() / "sub");
  dir.file("sub/a.hl7", "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|2|P|2.5\r");
  const std::string path = dir.file("d.json", R"({
  "format": "hl7v2",
  "patients": [
    {"identifiers": [], "records": ["a.hl7"]},
    {"identifiers": [{"system": "", "value": "1"}], "records": ["sub/a.hl7"], "record": []},
    {"identifiers": "none", "records": []}
  ]
})");
  EXPECT_EQ(errors_of(load_dataset(path)),
            path + ": exchange: is required\n" + path +
                ":4: patients[0].identifiers: at least one identifier is required\n" + path +
                ":5: patients[1].identifiers[0]: system and value must not be empty\n" + path +
                ":5: patients[1].records[0]: file name a.hl7 is also patients[0].records[0]'s; "
                "control ids "
                "would clash\n" +
                path +
                ":5: patients[1].record: unknown setting (did you mean patients[1].records?)\n" +
                path + ":6: patients[2].identifiers: expected an array of objects\n" + path +
                ":6: patients[2].records: at least one record file is required\n");
}

TEST(Dataset, AFileThatIsNotThereOrNotJson) {
  EXPECT_EQ(errors_of(load_dataset("/nonexistent/d.json")),
            "/nonexistent/d.json: cannot open the dataset file\n");
  TempDir dir;
  const std::string path = dir.file("d.json", "{\n\"exchange\": }");
  EXPECT_EQ(errors_of(load_dataset(path)), path + ":2: invalid JSON: Invalid value. (column 13)\n");
}

TEST(Dataset, TheShippedDatasetsLoadAndShareAPatient) {
  const std::string root = std::string(HIE_SOURCE_DIR) + "/config/sim/";
  struct Expected {
    std::string file, exchange, format;
    std::size_t patients, records;
  };
  for (const auto& e : {Expected{"north.json", "north-hie", "hl7v2", 6, 8},
                        Expected{"valley.json", "valley-hie", "cda", 3, 5},
                        Expected{"city.json", "city-hie", "csv", 5, 9}}) {
    auto dataset = load_dataset(root + e.file);
    ASSERT_TRUE(dataset) << errors_of(dataset);
    EXPECT_EQ(dataset->exchange, e.exchange);
    EXPECT_EQ(dataset->format, e.format);
    EXPECT_EQ(dataset->patients.size(), e.patients) << e.file;
    EXPECT_EQ(dataset->record_count(), e.records) << e.file;
    const Identifier jane{kNhs, "3870146052"};
    EXPECT_TRUE(std::ranges::any_of(dataset->patients, [&](const Patient& p) {
      return std::ranges::find(p.identifiers, jane) != p.identifiers.end();
    })) << e.file;
  }
}

}  // namespace
}  // namespace hie::sim
