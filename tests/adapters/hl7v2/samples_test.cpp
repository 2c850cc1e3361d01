// Every real HL7 v2 sample in tests/data/hl7v2 through the adapter: it translates, the result
// is valid FHIR R4, and per message the values a clinician would check are right.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "adapters/collection_bundle.hpp"
#include "adapters/hl7v2/hl7v2_adapter.hpp"
#include "broker/model/json.hpp"
#include "broker/model/nhs_number.hpp"
#include "tests/support/fhir_validator.hpp"
#include "tests/adapters/hl7v2/sample_support.hpp"

namespace hie::adapters::hl7v2 {
namespace {

using sample_support::read_sample;
using sample_support::all_of;
using sample_support::has_issue_at;

namespace fs = std::filesystem;
const fs::path kData = fs::path(HIE_SOURCE_DIR) / "tests/data/hl7v2";

Translation translate(const std::string& relative) {
  Context context;
  context.exchange_id = "test-hie";
  auto result = Hl7v2Adapter().to_model(read_sample(relative), context);
  if (!result) throw std::runtime_error(relative + ": " + result.error().describe());
  return std::move(*result);
}

std::vector<fs::path> sample_files() {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(kData))
    if (e.path().extension() == ".hl7" && e.path().parent_path().filename() != "malformed") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

TEST(Hl7v2Samples, EveryRealSampleTranslatesToValidFhir) {
  std::vector<std::string> names, bundles;
  for (const auto& file : sample_files()) {
    auto relative = fs::relative(file, kData).string();
    Translation t;
    ASSERT_NO_THROW(t = translate(relative)) << relative;
    const bool is_ack = relative.find("_ACK") != std::string::npos;  // acknowledgements carry no PID
    EXPECT_EQ(all_of<model::Patient>(t).empty(), is_ack) << relative;
    auto json = model::to_json(to_collection_bundle(std::move(t)));
    ASSERT_TRUE(json) << relative << ": " << json.error().describe();
    names.push_back(relative);
    bundles.push_back(*json);
  }
  ASSERT_GE(names.size(), 45u);
  auto verdicts = hie::testing::validate_fhir_batch(bundles);
  ASSERT_EQ(verdicts.size(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i) EXPECT_TRUE(verdicts[i].valid) << names[i] << "\n" << verdicts[i].issues;
}

TEST(Hl7v2Samples, MalformedSamplesAreErrorsOrLoudWarnings) {
  Context context;
  auto missing_msh2 = Hl7v2Adapter().to_model(read_sample("malformed/msh_present_but_missing_msh-2.hl7"), context);
  ASSERT_FALSE(missing_msh2);
  EXPECT_EQ(missing_msh2.error().location(), "MSH-2");

  auto no_type = translate("malformed/msh_present_but_missing_msh-9.hl7");  // MSH alone
  EXPECT_TRUE(has_issue_at(no_type, "MSH-9"));
  EXPECT_TRUE(has_issue_at(no_type, "PID"));
  EXPECT_TRUE(no_type.resources.empty());

  Context context2;
  auto typeless = Hl7v2Adapter().to_model("MSH|^~\\&|A|B|||20240101||||1|P|2.5\rPID|1||X1^^^H^MR||DOE^JO", context2);
  ASSERT_TRUE(typeless);
  EXPECT_TRUE(has_issue_at(*typeless, "MSH-9"));
  EXPECT_EQ(all_of<model::Patient>(*typeless).size(), 1u);  // the patient still comes through

  auto windows = translate("malformed/sample_win.hl7");
  EXPECT_TRUE(has_issue_at(windows, "MSH-2"));  // the doubled escape, tolerated and reported
}

TEST(Hl7v2Samples, Adt01_23_CrTerminatedWithBomAndTrailingSpaces) {
  auto t = translate("fhir-converter/ADT01-23.hl7");
  auto patients = all_of<model::Patient>(t);
  ASSERT_EQ(patients.size(), 1u);
  const auto& p = *patients[0];
  ASSERT_FALSE(p.identifier.empty());
  EXPECT_EQ(p.identifier[0].value, "10006579");
  EXPECT_EQ(p.identifier[0].system, "urn:hiebroker:test-hie:id:1");
  ASSERT_EQ(p.name.size(), 1u);
  EXPECT_EQ(p.name[0].family, "DUCK");
  EXPECT_EQ(p.name[0].given, (std::vector<std::string>{"DONALD", "D"}));
  EXPECT_EQ(p.birth_date, "1924-10-10");
  EXPECT_EQ(p.gender, "male");
  ASSERT_EQ(p.address.size(), 1u);
  EXPECT_EQ(p.address[0].line, std::vector<std::string>{"111 DUCK ST"});
  EXPECT_EQ(p.address[0].city, "FOWL");
  EXPECT_EQ(p.address[0].postal_code, "999990000");
  EXPECT_EQ(p.address[0].type, "postal");
  ASSERT_EQ(p.contact.size(), 1u);
  EXPECT_EQ(p.contact[0].name->family, "DUCK");
  EXPECT_EQ(p.meta->source, "test-hie");
  // IN1/IN2/GT1 are not in the model: reported, never silently dropped.
  EXPECT_TRUE(has_issue_at(t, "IN1[1]"));
  EXPECT_TRUE(has_issue_at(t, "GT1"));
}

TEST(Hl7v2Samples, UkCernerAdtHasAValidNhsNumberAndRegisteredGp) {
  auto t = translate("google-healthcare-data-harmonization/adt_a01.hl7");
  const auto& p = *all_of<model::Patient>(t).at(0);
  auto nhs = std::find_if(p.identifier.begin(), p.identifier.end(),
                          [](const auto& i) { return i.system == model::NhsNumber::system; });
  ASSERT_NE(nhs, p.identifier.end());
  EXPECT_EQ(nhs->value, "3870146052");
  EXPECT_EQ(p.name.at(0).family, "Doe");
  EXPECT_EQ(p.birth_date, "1994-06-15");
  EXPECT_EQ(p.address.at(0).city, "Croydon");
  EXPECT_EQ(p.address.at(0).postal_code, "SV20 3BC");
  EXPECT_EQ(p.address.at(0).use, "home");
  ASSERT_EQ(p.general_practitioner.size(), 2u);
  EXPECT_EQ(p.general_practitioner[0].display, "YIEWSLEY FAMILY PRACTICE");
  EXPECT_EQ(p.general_practitioner[1].display, "Dr Alistair Connell");
  EXPECT_TRUE(has_issue_at(t, "PID-8"));  // "2" is not an HL7 table 0001 sex code
}

TEST(Hl7v2Samples, InvalidNhsNumberIsReportedNotEmitted) {
  Context context;
  auto t = Hl7v2Adapter().to_model("MSH|^~\\&|A|B|||20240101||ADT^A28|1|P|2.5\rPID|1||1234567890^^^NHS^NH||X^Y", context);
  ASSERT_TRUE(t);
  const auto& p = std::get<model::Patient>(t->resources.at(0));
  EXPECT_NE(p.identifier.at(0).system, model::NhsNumber::system);
  EXPECT_TRUE(has_issue_at(*t, "PID-3.1"));
}

TEST(Hl7v2Samples, ResentMessageGivesTheSameIds) {
  auto a = translate("fhir-converter/ADT-A01-01.hl7");
  auto b = translate("fhir-converter/ADT-A01-01.hl7");
  ASSERT_EQ(a.resources.size(), b.resources.size());
  for (std::size_t i = 0; i < a.resources.size(); ++i)
    EXPECT_EQ(std::visit([](const auto& r) { return r.id; }, a.resources[i]),
              std::visit([](const auto& r) { return r.id; }, b.resources[i]));
}

TEST(Hl7v2Samples, ObservationsInAnAdtBecomeObservations) {
  auto t = translate("fhir-converter/ADT-A04-01.hl7");
  auto observations = all_of<model::Observation>(t);
  ASSERT_EQ(observations.size(), 1u);
  const auto& heart_rate = *observations[0];
  ASSERT_FALSE(heart_rate.code.coding.empty());
  EXPECT_EQ(heart_rate.code.coding[0].system, "http://loinc.org");
  EXPECT_EQ(heart_rate.code.coding[0].code, "8867-4");
  EXPECT_TRUE(heart_rate.category.empty());  // not a laboratory result
  const auto* quantity = std::get_if<model::Quantity>(&heart_rate.value);
  ASSERT_NE(quantity, nullptr);
  EXPECT_EQ(quantity->value->text(), "60");  // OBX-5 repeats (60~120): the second is reported
  EXPECT_EQ(quantity->unit, "beats/min");
  EXPECT_EQ(heart_rate.subject->reference.rfind("Patient/", 0), 0u);
}

TEST(Hl7v2Samples, MergeLinksTheReplacedRecord) {
  auto t = translate("fhir-converter/ADT-A40-01.hl7");
  const auto& p = *all_of<model::Patient>(t).at(0);
  ASSERT_FALSE(p.link.empty());
  EXPECT_EQ(p.link[0].type, "replaces");
  EXPECT_TRUE(p.link[0].other.identifier);
}

}  // namespace
}  // namespace hie::adapters::hl7v2
