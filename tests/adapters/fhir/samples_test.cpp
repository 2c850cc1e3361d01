// Every FHIR sample in tests/data/fhir through the adapter: it translates, the collection Bundle
// that `hiebroker translate` would print passes the FHIR R4 validator and the model's validate(),
// and every reference in it names a resource of the output (or something outside the input).

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <set>

#include "adapters/collection_bundle.hpp"
#include "broker/model/json.hpp"
#include "broker/model/validate.hpp"
#include "tests/adapters/fhir/fhir_test_support.hpp"
#include "tests/support/fhir_validator.hpp"

namespace hie::adapters::fhir::test {
namespace {

/// Examples that lose a required element because it referenced a contained resource (the model
/// holds none; the round-trip test has the same list): example -> the element the validator misses.
const std::map<std::string, std::string> kLosesRequiredElement = {
    {"MedicationStatement-example001.json", "medication"}};

void collect_references(const rapidjson::Value& v, std::vector<std::string>& out) {
  if (v.IsObject()) {
    for (const auto& m : v.GetObject()) {
      if (std::string_view(m.name.GetString()) == "reference" && m.value.IsString()) {
        out.emplace_back(m.value.GetString());
      }
      collect_references(m.value, out);
    }
  } else if (v.IsArray()) {
    for (const auto& item : v.GetArray()) collect_references(item, out);
  }
}

std::vector<std::string> references_in(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  std::vector<std::string> out;
  collect_references(doc, out);
  return out;
}

std::set<std::string> output_ids(const Translation& t) {
  std::set<std::string> ids;
  for (const auto& r : t.resources) {
    ids.insert(std::string(model::resource_type(r)) + '/' +
               std::visit([](const auto& x) { return x.id; }, r));
  }
  return ids;
}

TEST(FhirSamples, EverySampleTranslatesToValidFhir) {
  std::vector<std::string> names, bundles;
  for (const auto& file : sample_files()) {
    const std::string name = file.filename().string();
    const std::string input = read_file(file);
    auto t = translate(input);
    ASSERT_TRUE(t) << name << ": " << t.error().describe();
    // Bundle-bundle-example holds a MedicationRequest and a Medication, neither held.
    EXPECT_EQ(t->resources.empty(), name == "Bundle-bundle-example.json") << name;
    for (const auto& r : t->resources) {
      std::visit(
          [&](const auto& x) {
            EXPECT_TRUE(x.meta && x.meta->source == "test-hie") << name;
            EXPECT_FALSE(x.id.empty()) << name;
          },
          r);
    }
    const std::set<std::string> ids = output_ids(*t);
    EXPECT_EQ(ids.size(), t->resources.size()) << name << ": two resources share an id";
    const bool from_bundle = input.find("\"Bundle\"") != std::string::npos;
    model::Bundle bundle = to_collection_bundle(std::move(*t));
    for (const model::Issue& i : model::validate(bundle)) {
      const bool expected = kLosesRequiredElement.contains(name);
      EXPECT_TRUE(i.severity != model::Severity::error || expected)
          << name << ": " << i.location << ": " << i.message;
    }
    auto json = model::to_json(bundle);
    ASSERT_TRUE(json) << name << ": " << json.error().describe();
    for (const std::string& ref : references_in(*json)) {
      EXPECT_FALSE(ref.starts_with("urn:")) << name << ": " << ref;
      EXPECT_EQ(ref.find('?'), std::string::npos) << name << ": " << ref;
      // Inside a Bundle every relative reference to an entry was resolved; the rest (Patient/347
      // in a searchset) name resources of the sender's server, as in the input.
      if (from_bundle && ref.find("://") == std::string::npos && !ids.contains(ref)) {
        EXPECT_NE(input.find("\"" + ref + "\""), std::string::npos) << name << ": " << ref;
      }
    }
    names.push_back(name);
    bundles.push_back(std::move(*json));
  }
  ASSERT_EQ(names.size(), 30u);  // 23 resources, 5 official Bundles, 2 Synthea Bundles
  auto verdicts = hie::testing::validate_fhir_batch(bundles);
  ASSERT_EQ(verdicts.size(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto lost = kLosesRequiredElement.find(names[i]);
    if (lost == kLosesRequiredElement.end()) {
      EXPECT_TRUE(verdicts[i].valid) << names[i] << "\n" << verdicts[i].issues;
    } else {
      EXPECT_FALSE(verdicts[i].valid) << names[i];
      EXPECT_NE(verdicts[i].issues.find(lost->second), std::string::npos) << verdicts[i].issues;
    }
  }
}

}  // namespace
}  // namespace hie::adapters::fhir::test
