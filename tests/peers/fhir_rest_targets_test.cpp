// The request targets the fhir-rest client builds, exactly as they go on the wire.
#include "broker/peers/fhir_rest_targets.hpp"

#include <gtest/gtest.h>

namespace hie::peers::fhir_rest {
namespace {

HttpUrl url(const char* text) {
  auto parsed = parse_http_url(text);
  if (!parsed) throw std::runtime_error(std::string("not a URL: ") + text);
  return *parsed;
}

TEST(FhirRestTargets, APatientSearchEncodesSystemAndValue) {
  EXPECT_EQ(patient_search_target(url("https://fhir.example/r4"),
                                  {{"https://fhir.nhs.uk/Id/nhs-number", "9434765919"}}),
            "/r4/Patient?identifier=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-number%7C9434765919");
}

TEST(FhirRestTargets, SeveralIdentifiersAreOneSearchForAnyOfThem) {
  // ',' separates values; a ',' or '|' inside one is escaped with '\' first (FHIR search rules).
  EXPECT_EQ(
      patient_search_target(url("http://h/"), {{"urn:oid:1.2.3", "A,1|2"}, {"", "plain value"}}),
      "/Patient?identifier=urn%3Aoid%3A1.2.3%7CA%5C%2C1%5C%7C2,plain%20value");
}

TEST(FhirRestTargets, TheBasePathKeepsOneSlash) {
  for (const char* base : {"https://h/fhir", "https://h/fhir/", "https://h/fhir//"})
    EXPECT_EQ(everything_target(url(base), "p1", {}), "/fhir/Patient/p1/$everything") << base;
  EXPECT_EQ(everything_target(url("https://h"), "p1", {}), "/Patient/p1/$everything");
}

TEST(FhirRestTargets, EverythingCarriesTypesAndDates) {
  protocol::QueryRequest query;
  query.resource_types = {"Observation", "Condition"};
  query.date_ge = "2021-03-04T10:00:00Z";
  EXPECT_EQ(everything_target(url("https://h/fhir"), "p1", query),
            "/fhir/Patient/p1/$everything?_type=Observation,Condition&start=2021-03-04");
}

TEST(FhirRestTargets, EachTypeUsesItsOwnDateParameter) {
  protocol::QueryRequest query;
  query.date_le = "2022-01-01";
  EXPECT_EQ(type_search_target(url("https://h/fhir"), "Observation", "p1", query),
            "/fhir/Observation?patient=p1&date=le2022-01-01");
  EXPECT_EQ(type_search_target(url("https://h/fhir"), "Condition", "p1", query),
            "/fhir/Condition?patient=p1&onset-date=le2022-01-01");
  EXPECT_EQ(type_search_target(url("https://h/fhir"), "MedicationStatement", "p1", query),
            "/fhir/MedicationStatement?patient=p1&effective=le2022-01-01");
  EXPECT_EQ(type_search_target(url("https://h/fhir"), "Procedure", "p1", {}),
            "/fhir/Procedure?patient=p1");
}

TEST(FhirRestTargets, FallbackTypesAreTheQuerysWithoutPatient) {
  protocol::QueryRequest query;
  EXPECT_EQ(fallback_types(query), record_types());
  EXPECT_EQ(record_types().size(), 9u);
  query.resource_types = {"Patient", "Observation", "Observation", "Condition"};
  EXPECT_EQ(fallback_types(query), (std::vector<std::string>{"Observation", "Condition"}));
}

TEST(FhirRestTargets, NextLinksAreFollowedOnlyOnTheSameOrigin) {
  const auto base = url("https://fhir.example/r4");
  EXPECT_EQ(next_page_target(base, "https://fhir.example/r4?_getpages=abc&page=2"),
            "/r4?_getpages=abc&page=2");
  EXPECT_EQ(next_page_target(base, "https://FHIR.example:443/r4/Patient/1/$everything?page=2"),
            "/r4/Patient/1/$everything?page=2");
  EXPECT_EQ(next_page_target(base, "/r4/Patient/1/$everything?page=3"),
            "/r4/Patient/1/$everything?page=3");
  EXPECT_EQ(next_page_target(base, "https://fhir.example/r4?page=2#top"), "/r4?page=2");
  EXPECT_FALSE(next_page_target(base, "http://fhir.example/r4?page=2")) << "another scheme";
  EXPECT_FALSE(next_page_target(base, "https://fhir.example:8443/r4?page=2")) << "another port";
  EXPECT_FALSE(next_page_target(base, "https://evil.example/r4?page=2")) << "another host";
  EXPECT_FALSE(next_page_target(base, "//evil.example/r4?page=2"))
      << "another host, scheme-relative";
  EXPECT_FALSE(next_page_target(base, "https://fhir.example@evil.example/r4")) << "user info";
  EXPECT_FALSE(next_page_target(base, "r4?page=2")) << "a relative path";
  EXPECT_FALSE(next_page_target(base, "/r4?page=2\r\nX-Injected: 1")) << "control characters";
}

TEST(FhirRestTargets, FhirIds) {
  EXPECT_TRUE(is_fhir_id("3f6fd0bb-6cd3-eb3f-4401-cd38ace25f2b"));
  EXPECT_TRUE(is_fhir_id("A.b-9"));
  EXPECT_FALSE(is_fhir_id(""));
  EXPECT_FALSE(is_fhir_id("../Observation"));
  EXPECT_FALSE(is_fhir_id("a b"));
  EXPECT_FALSE(is_fhir_id(std::string(65, 'a')));
}

}  // namespace
}  // namespace hie::peers::fhir_rest
