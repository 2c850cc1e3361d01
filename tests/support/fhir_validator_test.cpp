#include "tests/support/fhir_validator.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace hie::testing {
namespace {

// Official HL7 FHIR R4 examples (CC0-1.0), see tests/data/fhir/PROVENANCE.md.
std::string read_fixture(const std::string& name) {
  const std::string path = std::string(HIE_SOURCE_DIR) + "/tests/data/fhir/r4-examples/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot open " << path;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

rapidjson::Document parse(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseFullPrecisionFlag>(json.c_str(), json.size());
  EXPECT_FALSE(doc.HasParseError());
  return doc;
}

std::string compact(const rapidjson::Value& value) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buf);
  value.Accept(writer);
  return {buf.GetString(), buf.GetSize()};
}

std::string patient() { return compact(parse(read_fixture("Patient-example.json"))); }

std::string observation_without_status() {
  auto doc = parse(read_fixture("Observation-example.json"));
  EXPECT_TRUE(doc.RemoveMember("status"));
  return compact(doc);
}

std::string patient_with_birth_date(const char* date) {
  auto doc = parse(read_fixture("Patient-example.json"));
  doc["birthDate"].SetString(date, doc.GetAllocator());
  return compact(doc);
}

// Sets an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value, 1);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(FhirValidator, OfficialExamplesPass) {
  // As shipped: pretty-printed, with _birthDate extensions, narrative, contained none.
  const auto p = validate_fhir(read_fixture("Patient-example.json"));
  EXPECT_TRUE(p.valid) << p.issues;
  EXPECT_EQ(p.issues, "");
  EXPECT_TRUE(is_valid_fhir(read_fixture("Observation-example.json")));
}

TEST(FhirValidator, MissingRequiredElementFailsNamingIt) {
  const auto v = validate_fhir(observation_without_status());
  EXPECT_FALSE(v.valid);
  EXPECT_NE(v.issues.find("Observation.status"), std::string::npos) << v.issues;
  EXPECT_NE(v.issues.find("Missing required property"), std::string::npos) << v.issues;
  EXPECT_FALSE(is_valid_fhir(observation_without_status()));
}

TEST(FhirValidator, BadDateFails) {
  const auto v = validate_fhir(patient_with_birth_date("2020-13-45"));
  EXPECT_FALSE(v.valid);
  EXPECT_NE(v.issues.find("Patient.birthDate"), std::string::npos) << v.issues;
}

TEST(FhirValidator, UnknownElementAndWrongTypeFail) {
  auto doc = parse(patient());
  doc.AddMember("favouriteColour", "blue", doc.GetAllocator());
  doc["active"].SetString("yes");
  const auto v = validate_fhir(compact(doc));
  EXPECT_FALSE(v.valid);
  EXPECT_NE(v.issues.find("Patient.favouriteColour"), std::string::npos) << v.issues;
  EXPECT_NE(v.issues.find("Patient.active"), std::string::npos) << v.issues;
}

TEST(FhirValidator, BundleEntriesAreValidated) {
  const std::string bundle = R"({"resourceType":"Bundle","type":"collection","entry":[{"resource":)" +
                             patient() + R"(},{"resource":)" + observation_without_status() + "}]}";
  const auto v = validate_fhir(bundle);
  EXPECT_FALSE(v.valid);
  EXPECT_NE(v.issues.find("Bundle.entry[1].resource.status"), std::string::npos) << v.issues;
}

TEST(FhirValidator, MalformedJsonFails) {
  const auto v = validate_fhir(R"({"resourceType":"Patient",)");
  EXPECT_FALSE(v.valid);
  EXPECT_NE(v.issues.find("malformed JSON"), std::string::npos) << v.issues;
}

TEST(FhirValidator, BatchOfThreeGivesThreeAnswersInOrder) {
  const auto answers = validate_fhir_batch(
      {observation_without_status(), patient(), patient_with_birth_date("2020-13-45")});
  ASSERT_EQ(answers.size(), 3u);
  EXPECT_FALSE(answers[0].valid);
  EXPECT_NE(answers[0].issues.find("Observation.status"), std::string::npos) << answers[0].issues;
  EXPECT_TRUE(answers[1].valid) << answers[1].issues;
  EXPECT_EQ(answers[1].issues, "");
  EXPECT_FALSE(answers[2].valid);
  EXPECT_NE(answers[2].issues.find("Patient.birthDate"), std::string::npos) << answers[2].issues;
}

TEST(FhirValidator, BatchToleratesPrettyPrintedAndMalformedDocuments) {
  const auto answers = validate_fhir_batch(
      {read_fixture("Patient-example.json"), "{not json", read_fixture("Observation-example.json")});
  ASSERT_EQ(answers.size(), 3u);
  EXPECT_TRUE(answers[0].valid) << answers[0].issues;
  EXPECT_FALSE(answers[1].valid);
  EXPECT_NE(answers[1].issues.find("malformed JSON"), std::string::npos) << answers[1].issues;
  EXPECT_TRUE(answers[2].valid) << answers[2].issues;
  EXPECT_TRUE(validate_fhir_batch({}).empty());
}

TEST(FhirValidator, LargeInputAndOutputDoNotDeadlock) {
  // ~1.5 MB in, one issue line per entry out: far beyond a pipe's 64 KiB either way.
  const std::string entry = R"({"resource":)" + patient_with_birth_date("2020-13-45") + "}";
  std::string bundle = R"({"resourceType":"Bundle","type":"collection","entry":[)";
  constexpr int kEntries = 600;
  for (int i = 0; i < kEntries; ++i) bundle += (i ? "," : "") + entry;
  bundle += "]}";
  ASSERT_GT(bundle.size(), 1'000'000u);
  const auto v = validate_fhir(bundle);
  EXPECT_FALSE(v.valid);
  EXPECT_NE(v.issues.find("Bundle.entry[0].resource.birthDate"), std::string::npos);
  EXPECT_NE(v.issues.find("Bundle.entry[599].resource.birthDate"), std::string::npos);
}

TEST(FhirValidator, MissingNodeFailsLoudly) {
  ScopedEnv env("HIE_NODE", "/nonexistent/node");
  const auto v = validate_fhir(patient());
  EXPECT_FALSE(v.valid);
  EXPECT_NE(v.issues.find("node_modules missing: run scripts/setup"), std::string::npos) << v.issues;
  const auto answers = validate_fhir_batch({patient(), patient()});
  ASSERT_EQ(answers.size(), 2u);
  for (const auto& a : answers) {
    EXPECT_FALSE(a.valid);
    EXPECT_NE(a.issues.find("node_modules missing: run scripts/setup"), std::string::npos) << a.issues;
  }
}

TEST(FhirValidator, ValidatorDyingEarlyFailsWithoutKillingTheTest) {
  // /bin/false exits at once without reading: writing the big input hits EPIPE (SIGPIPE must
  // not end the test), and "exit 1 with no issues" must not count as an answer.
  ScopedEnv env("HIE_NODE", "/bin/false");
  const std::string big(4 << 20, ' ');
  const auto v = validate_fhir(big + patient());
  EXPECT_FALSE(v.valid);
  EXPECT_NE(v.issues.find("FHIR validator failed"), std::string::npos) << v.issues;
  const auto answers = validate_fhir_batch({patient()});
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_FALSE(answers[0].valid);
  EXPECT_NE(answers[0].issues.find("FHIR validator failed"), std::string::npos) << answers[0].issues;
}

}  // namespace
}  // namespace hie::testing
