// Reading /fhir request targets: every route, every parameter, and refusals without values.
#include "broker/api/fhir_request.hpp"

#include <gtest/gtest.h>

namespace hie::api {
namespace {

using Kind = FhirRequest::Kind;

TEST(FhirRequest, ThePatientSearchTakesAPercentEncodedIdentifier) {
  auto r = read_fhir_request("GET", "/fhir/Patient?identifier=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-number%7C9434765919");
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->kind, Kind::patient_search);
  EXPECT_EQ(r->identifier_system, "https://fhir.nhs.uk/Id/nhs-number");
  EXPECT_EQ(r->identifier_value, "9434765919");
  EXPECT_EQ(r->path, "Patient");
}

TEST(FhirRequest, ReadEverythingAndMetadataAreTold) {
  auto read = read_fhir_request("GET", "/fhir/Patient/9434765919");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->kind, Kind::patient_read);
  EXPECT_EQ(read->patient_id, "9434765919");
  auto everything = read_fhir_request("GET", "/fhir/Patient/9434765919/$everything?_count=20&_type=Observation,Condition");
  ASSERT_TRUE(everything) << everything.error().describe();
  EXPECT_EQ(everything->kind, Kind::everything);
  EXPECT_EQ(everything->count, 20u);
  EXPECT_EQ(everything->types, (std::vector<std::string>{"Observation", "Condition"}));
  EXPECT_EQ(everything->path, "Patient/9434765919/$everything");
  EXPECT_EQ(read_fhir_request("GET", "/fhir/metadata")->kind, Kind::metadata);
  EXPECT_EQ(read_fhir_request("POST", "/fhir/Consent")->kind, Kind::consent_create);
}

TEST(FhirRequest, ATypeSearchTakesDatesTokensAndPaging) {
  auto r = read_fhir_request(
      "GET", "/fhir/Observation?patient=Patient/9434765919&date=ge2024-01-01&date=lt2024-07&category="
             "http://terminology.hl7.org/CodeSystem/observation-category|laboratory&code=2345-7,http://loinc.org|718-7"
             "&_count=5000&_offset=10");
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->kind, Kind::type_search);
  EXPECT_EQ(r->resource_type, "Observation");
  EXPECT_EQ(r->patient_id, "9434765919");
  ASSERT_EQ(r->dates.size(), 2u);
  EXPECT_EQ(r->dates[0].prefix, "ge");
  EXPECT_EQ(r->dates[0].value, "2024-01-01");
  EXPECT_EQ(r->dates[1].prefix, "lt");
  EXPECT_EQ(r->dates[1].value, "2024-07");
  EXPECT_EQ(r->categories, std::vector<std::string>{"http://terminology.hl7.org/CodeSystem/observation-category|laboratory"});
  EXPECT_EQ(r->codes, (std::vector<std::string>{"2345-7", "http://loinc.org|718-7"}));
  EXPECT_EQ(r->count, kMaxPageSize);  // cut to the largest page served
  EXPECT_EQ(r->offset, 10u);
}

TEST(FhirRequest, EveryServedTypeIsSearchableByPatient) {
  for (const auto& type : searchable_types()) {
    auto r = read_fhir_request("GET", "/fhir/" + type + "?patient=9434765919");
    ASSERT_TRUE(r) << type;
    EXPECT_EQ(r->resource_type, type);
  }
  EXPECT_EQ(searchable_types().size(), 9u);
}

TEST(FhirRequest, RefusalsSayWhatIsWrongWithoutQuotingValues) {
  struct Case {
    std::string method, target;
    Errc code;
  };
  const std::vector<Case> cases{
      {"GET", "/fhir/Medication?patient=1", Errc::not_found},
      {"GET", "/fhirx/Patient/1", Errc::not_found},
      {"DELETE", "/fhir/Patient/9434765919", Errc::not_found},
      {"GET", "/fhir/Observation", Errc::invalid_argument},                        // no patient
      {"GET", "/fhir/Patient", Errc::invalid_argument},                            // no identifier
      {"GET", "/fhir/Patient?identifier=9434765919", Errc::invalid_argument},      // no system
      {"GET", "/fhir/Observation?patient=1&status=final", Errc::unsupported},      // not served: refused
      {"GET", "/fhir/Observation?patient=1&date=yesterday", Errc::invalid_argument},
      {"GET", "/fhir/Observation?patient=1&_count=0", Errc::invalid_argument},
      {"GET", "/fhir/Observation?patient=1&_count=ten", Errc::invalid_argument},
      {"GET", "/fhir/Observation?patient=%ZZ", Errc::invalid_argument},
      {"GET", "/fhir/Observation?patient=%4", Errc::invalid_argument},
      {"GET", "/fhir/Observation?patient=a%2Fb%20c", Errc::invalid_argument},      // not an id
      {"GET", "/fhir/Patient/has%20space", Errc::invalid_argument},
      {"GET", "/fhir/Patient/1/$everything?_type=Medication", Errc::invalid_argument},
      {"GET", "/fhir/Observation?patient=1&_format=xml", Errc::unsupported},
  };
  for (const auto& c : cases) {
    auto r = read_fhir_request(c.method, c.target);
    ASSERT_FALSE(r) << c.target;
    EXPECT_EQ(r.error().code(), c.code) << c.target << ": " << r.error().describe();
    EXPECT_EQ(r.error().message().find("9434765919"), std::string::npos);
  }
  // The unsupported parameter is named; its value is not.
  auto status = read_fhir_request("GET", "/fhir/Observation?patient=1&status=final");
  EXPECT_NE(status.error().message().find("'status'"), std::string::npos);
  EXPECT_EQ(status.error().message().find("final"), std::string::npos);
}

// Found by tests/fuzz/http_head_fuzz.cpp: a parameter name that is not UTF-8 (raw or percent-encoded)
// was quoted as sent, and the OperationOutcome writer then refused the diagnostics, so the client got
// the bare fallback outcome (severity fatal, code exception) instead of the reason.
TEST(FhirRequest, AnUnsupportedParameterIsNamedInPrintableAscii) {
  for (std::string target : {"/fhir/Patient/9434765919/$everything?_type\xFF=Observation",
                             "/fhir/Patient/9434765919/$everything?_type%FF=Observation",
                             "/fhir/Patient/9434765919/$everything?_type%0A=Observation"}) {
    auto r = read_fhir_request("GET", target);
    ASSERT_FALSE(r) << target;
    EXPECT_EQ(r.error().code(), Errc::unsupported);
    EXPECT_EQ(r.error().message(), "search parameter '_type?' is not supported here") << target;
  }
}

TEST(FhirRequest, EmptyParametersAreIgnoredAndPlusIsASpace) {
  auto r = read_fhir_request("GET", "/fhir/Observation?patient=9434765919&code=&&date=");
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_TRUE(r->codes.empty());
  EXPECT_TRUE(r->dates.empty());
  EXPECT_EQ(*percent_decode("a+b%2Bc"), "a b+c");
}

}  // namespace
}  // namespace hie::api
