#include "tools/hie-sim/fhir_resources.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

namespace hie::sim {
namespace {

TEST(FhirResources, ASingleResourceIsTheWholeFileAsWritten) {
  const std::string file =
      "\xEF\xBB\xBF{\"resourceType\": \"Observation\", \"valueQuantity\": {\"value\": 1.00}}\n\n";
  auto resources = fhir_resources(file);
  ASSERT_TRUE(resources) << resources.error().describe();
  ASSERT_EQ(resources->size(), 1u);
  EXPECT_EQ((*resources)[0].text,
            R"({"resourceType": "Observation", "valueQuantity": {"value": 1.00}})");
  EXPECT_EQ((*resources)[0].resource_type, "Observation");
  EXPECT_EQ((*resources)[0].full_url, "");
}

TEST(FhirResources, ABundleGivesEachEntrysResourceAndFullUrl) {
  // resourceType after entry, nested objects and arrays in resources, an entry without a resource.
  const std::string file = R"({"type": "transaction", "entry": [
    {"fullUrl": "urn:uuid:1", "resource": {"resourceType": "Patient", "name": [{"given": ["A"]}],
                                           "contained": [{"resourceType": "Organization"}]},
     "request": {"method": "POST", "url": "Patient"}},
    {"request": {"method": "GET", "url": "Patient?x=1"}},
    {"resource": {"value": 1E-22, "resourceType": "Observation"}}
  ], "resourceType": "Bundle"})";
  auto resources = fhir_resources(file);
  ASSERT_TRUE(resources) << resources.error().describe();
  ASSERT_EQ(resources->size(), 2u);
  EXPECT_EQ((*resources)[0].text, R"({"resourceType": "Patient", "name": [{"given": ["A"]}],
                                           "contained": [{"resourceType": "Organization"}]})");
  EXPECT_EQ((*resources)[0].resource_type, "Patient");
  EXPECT_EQ((*resources)[0].full_url, "urn:uuid:1");
  EXPECT_EQ((*resources)[1].text, R"({"value": 1E-22, "resourceType": "Observation"})");
  EXPECT_EQ((*resources)[1].resource_type, "Observation");
  EXPECT_EQ((*resources)[1].full_url, "");
}

TEST(FhirResources, SharedSampleBundleHasItsEntries) {
  // tests/data/fhir holds the official R4 examples; Bundle-lipids is a collection of 5.
  std::ifstream in(std::string(HIE_SOURCE_DIR) +
                   "/tests/data/fhir/r4-examples/bundles/Bundle-lipids.json");
  ASSERT_TRUE(in);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto resources = fhir_resources(text);
  ASSERT_TRUE(resources) << resources.error().describe();
  ASSERT_EQ(resources->size(), 5u);
  EXPECT_EQ((*resources)[0].resource_type, "DiagnosticReport");
  EXPECT_EQ((*resources)[1].resource_type, "Observation");
}

TEST(FhirResources, NotAResource) {
  EXPECT_EQ(fhir_resources("[1, 2]").error().describe(), "not a FHIR resource (no resourceType)");
  EXPECT_EQ(fhir_resources("{\"id\": 1}").error().describe(),
            "not a FHIR resource (no resourceType)");
  EXPECT_EQ(fhir_resources("{\"resourceType\": \"Patient\"} x").error().describe(),
            "offset 28: not JSON: The document root must not be followed by other values.");
  EXPECT_FALSE(fhir_resources(""));
}

}  // namespace
}  // namespace hie::sim
