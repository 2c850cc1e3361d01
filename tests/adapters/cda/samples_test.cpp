// Every C-CDA sample in tests/data/ccda through the adapter: it translates, the whole Bundle is
// valid FHIR R4 (one validator run for all), every clinical resource names the patient, ids are
// stable, and nothing in an issue quotes patient data.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "adapters/collection_bundle.hpp"
#include "adapters/registry.hpp"
#include "broker/model/json.hpp"
#include "tests/adapters/cda/cda_support.hpp"
#include "tests/support/fhir_validator.hpp"

namespace hie::adapters::cda {
namespace {

using namespace test_support;
namespace fs = std::filesystem;
const fs::path kData = fs::path(HIE_SOURCE_DIR) / "tests/data/ccda";

std::vector<std::string> sample_names() {
  std::vector<std::string> names;
  for (const auto& e : fs::recursive_directory_iterator(kData))
    if (e.path().extension() == ".xml") names.push_back(fs::relative(e.path(), kData).string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string subject_of(const model::Resource& r) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, model::AllergyIntolerance> ||
                      std::is_same_v<T, model::Immunization>)
          return x.patient.reference;
        else if constexpr (std::is_same_v<T, model::Condition> ||
                           std::is_same_v<T, model::MedicationStatement> ||
                           std::is_same_v<T, model::Procedure>)
          return x.subject.reference;
        else if constexpr (std::is_same_v<T, model::Observation> ||
                           std::is_same_v<T, model::DiagnosticReport> ||
                           std::is_same_v<T, model::Encounter> ||
                           std::is_same_v<T, model::DocumentReference>)
          return x.subject ? x.subject->reference : "";
        else
          return "n/a";
      },
      r);
}

TEST(CdaSamples, EveryDocumentTranslatesToValidFhir) {
  std::vector<std::string> names, bundles;
  for (const auto& name : sample_names()) {
    Translation t;
    ASSERT_NO_THROW(t = translate(name, test_context("+00:00"))) << name;
    const auto patients = all_of<model::Patient>(t);
    ASSERT_EQ(patients.size(), 1u) << name;
    const std::string patient = "Patient/" + patients[0]->id;
    EXPECT_EQ(all_of<model::DocumentReference>(t).size(), 1u) << name;
    for (const auto& r : t.resources) {
      const std::string subject = subject_of(r);
      if (subject != "n/a") {
        EXPECT_EQ(subject, patient) << name << " " << model::resource_type(r);
      }
      std::visit([&](const auto& x) { EXPECT_EQ(x.meta->source, "test-hie") << name; }, r);
    }
    auto json = model::to_json(to_collection_bundle(std::move(t)));
    ASSERT_TRUE(json) << name << ": " << json.error().describe();
    names.push_back(name);
    bundles.push_back(*json);
  }
  ASSERT_EQ(names.size(), 16u);
  auto verdicts = hie::testing::validate_fhir_batch(bundles);
  ASSERT_EQ(verdicts.size(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i)
    EXPECT_TRUE(verdicts[i].valid) << names[i] << "\n" << verdicts[i].issues;
}

TEST(CdaSamples, WithoutAConfiguredOffsetTimesAreDatesAndReported) {
  auto t = translate("hl7-ccda-examples/CCD_2.xml");  // times carry offsets: nothing to report
  const auto& vitals = all_of<model::Observation>(t);
  ASSERT_FALSE(vitals.empty());
  auto u = translate("hl7-ccda-examples/History_and_Physical.xml");  // 200003231430: no offset
  EXPECT_TRUE(std::any_of(u.issues.begin(), u.issues.end(), [](const model::Issue& i) {
    return i.message.find("no default offset configured") != std::string::npos;
  }));
}

TEST(CdaSamples, ResentDocumentGivesTheSameIds) {
  auto a = translate("hl7-ccda-examples/Discharge_Summary.xml");
  auto b = translate("hl7-ccda-examples/Discharge_Summary.xml");
  ASSERT_EQ(a.resources.size(), b.resources.size());
  for (std::size_t i = 0; i < a.resources.size(); ++i)
    EXPECT_EQ(std::visit([](const auto& r) { return r.id; }, a.resources[i]),
              std::visit([](const auto& r) { return r.id; }, b.resources[i]));
  Context other = test_context();
  other.exchange_id = "other-hie";
  auto c = translate("hl7-ccda-examples/Discharge_Summary.xml", other);
  EXPECT_NE(std::visit([](const auto& r) { return r.id; }, a.resources[0]),
            std::visit([](const auto& r) { return r.id; }, c.resources[0]));
}

TEST(CdaSamples, IssuesNeverQuotePatientData) {
  for (const auto& name : sample_names()) {
    auto t = translate(name);
    const auto& p = first_of<model::Patient>(t);
    for (const auto& issue : t.issues) {
      for (const auto& n : p.name)
        if (!n.family.empty()) {
          EXPECT_EQ(issue.message.find(n.family), std::string::npos) << name;
        }
      for (const auto& id : p.identifier)
        EXPECT_EQ(issue.message.find(id.value), std::string::npos) << name;
    }
  }
}

TEST(CdaSamples, UnmappedEntriesAreReportedWithTheirLocation) {
  auto t = translate("fhir-converter/170.314B2_Amb_CCD.xml");
  // Section 2 is Functional Status (47420-5): not mapped, each entry reported where it is.
  const std::string where = "/ClinicalDocument/component/structuredBody/component[2]/section/entry[1]";
  auto it = std::find_if(t.issues.begin(), t.issues.end(),
                         [&](const auto& i) { return i.location == where; });
  ASSERT_NE(it, t.issues.end());
  EXPECT_EQ(it->severity, model::Severity::warning);
  EXPECT_EQ(it->code, "not-supported");
  EXPECT_NE(it->message.find("47420-5"), std::string::npos);
  // Header parts the model has no place for are reported too (informationRecipient …).
  EXPECT_TRUE(std::any_of(t.issues.begin(), t.issues.end(), [](const auto& i) {
    return i.code == "not-supported" && i.location.starts_with("/ClinicalDocument/informationRecipient");
  }));
}

TEST(CdaSamples, RegisteredAndSniffed) {
  const Adapter* cda = all_adapters().find("cda");
  ASSERT_NE(cda, nullptr);
  for (const auto& name : sample_names())
    EXPECT_TRUE(cda->sniff(read_sample(name).substr(0, sniff_bytes))) << name;
  EXPECT_FALSE(cda->sniff("MSH|^~\\&|A|B"));
  EXPECT_FALSE(all_adapters().find("hl7v2")->sniff(
      read_sample("hl7-ccda-examples/CCD_2.xml").substr(0, sniff_bytes)));
}

}  // namespace
}  // namespace hie::adapters::cda
