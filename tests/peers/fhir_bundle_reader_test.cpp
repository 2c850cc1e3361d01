// What the fhir-rest client reads from the Bundles a server answers.
#include "broker/peers/fhir_bundle_reader.hpp"

#include <gtest/gtest.h>

#include "tests/support/file_bytes.hpp"

namespace hie::peers::fhir_rest {
namespace {

TEST(FhirBundleReader, ASearchsetsMatchingPatientsAndNextLink) {
  auto summary = read_bundle(R"({"resourceType":"Bundle","type":"searchset",
    "link":[{"relation":"self","url":"https://h/Patient?x"},{"relation":"next","url":"https://h/Patient?page=2"}],
    "entry":[{"resource":{"resourceType":"Patient","id":"p1"},"search":{"mode":"match"}},
             {"resource":{"resourceType":"Organization","id":"o1"},"search":{"mode":"include"}},
             {"resource":{"resourceType":"Patient","id":"p2"},"search":{"mode":"include"}},
             {"resource":{"resourceType":"Patient","id":"p3"}},
             {"resource":{"resourceType":"OperationOutcome"},"search":{"mode":"outcome"}}]})");
  ASSERT_TRUE(summary) << summary.error().describe();
  EXPECT_EQ(summary->patient_ids, (std::vector<std::string>{"p1", "p3"}));
  EXPECT_EQ(summary->next, "https://h/Patient?page=2");
}

TEST(FhirBundleReader, ReadsTheSampleBundles) {
  auto synthea =
      read_bundle(hie::testing::read_source_file("tests/data/fhir/synthea/Bob965_Keeling57.json"));
  ASSERT_TRUE(synthea) << synthea.error().describe();
  EXPECT_EQ(synthea->patient_ids,
            (std::vector<std::string>{"3f6fd0bb-6cd3-eb3f-4401-cd38ace25f2b"}));
  EXPECT_EQ(synthea->next, "");
  auto example = read_bundle(hie::testing::read_source_file(
      "tests/data/fhir/r4-examples/bundles/Bundle-bundle-example.json"));
  ASSERT_TRUE(example) << example.error().describe();
  EXPECT_EQ(example->next,
            "https://example.com/base/"
            "MedicationRequest?patient=347&searchId=ff15fd40-ff71-4b48-b366-09c706bed9d0&page=2");
}

TEST(FhirBundleReader, AnythingElseIsAnError) {
  EXPECT_EQ(read_bundle("<html/>").error().message(), "not JSON: Invalid value. at byte 0");
  EXPECT_EQ(read_bundle(R"({"resourceType":"OperationOutcome"})").error().message(),
            "resourceType OperationOutcome, not Bundle");
  EXPECT_EQ(read_bundle(R"([1,2])").error().message(), "JSON without a resourceType");
  // Found by fhir_response_fuzz: a resourceType with an escaped line break stays out of the reason.
  EXPECT_EQ(read_bundle(R"({"resourceType":"Btn\t<table>\n<tr>","id":""})").error().message(),
            "resourceType not a FHIR type name, not Bundle");
  EXPECT_EQ(read_bundle(R"({"resourceType":"Bundle","entry":[)").error().code(), Errc::parse_error);
}

TEST(FhirBundleReader, DeepNestingDoesNotExhaustTheStack) {
  std::string deep = R"({"resourceType":"Bundle","x":)" + std::string(200000, '[') +
                     std::string(200000, ']') + "}";
  auto summary = read_bundle(deep);
  EXPECT_TRUE(summary) << summary.error().describe();
}

}  // namespace
}  // namespace hie::peers::fhir_rest
