// The helpers every adapter shares: HL7 timestamps (v2 TS/DTM and CDA TS), coding system names
// and OIDs, identifier OIDs, and the stable id hash.

#include <gtest/gtest.h>

#include "adapters/coding_systems.hpp"
#include "adapters/hl7_timestamp.hpp"
#include "adapters/identifier_systems.hpp"
#include "adapters/stable_id.hpp"
#include "adapters/text_encoding.hpp"

namespace hie::adapters {
namespace {

TEST(Hl7Timestamp, KeepsPrecisionAndOffset) {
  EXPECT_EQ(hl7_to_fhir_datetime("2014", "").value, "2014");
  EXPECT_EQ(hl7_to_fhir_datetime("201410", "").value, "2014-10");
  EXPECT_EQ(hl7_to_fhir_datetime("20141015103026-0500", "").value, "2014-10-15T10:30:26-05:00");
  EXPECT_EQ(hl7_to_fhir_datetime("20141015103026.25+0100", "").value,
            "2014-10-15T10:30:26.25+01:00");
  auto hour = hl7_to_fhir_datetime("2014101510", "+00:00");
  EXPECT_EQ(hour.value, "2014-10-15T10:00:00+00:00");
  EXPECT_TRUE(hour.hour_only);
  auto cut = hl7_to_fhir_datetime("201410151030", "");
  EXPECT_EQ(cut.value, "2014-10-15");
  EXPECT_TRUE(cut.cut_to_date);
  EXPECT_TRUE(hl7_to_fhir_datetime("20141315", "").invalid);
  EXPECT_TRUE(hl7_to_fhir_datetime("2014-10-15", "").invalid);
  EXPECT_TRUE(hl7_to_fhir_datetime("20100431", "").invalid);  // April has 30 days
  EXPECT_TRUE(hl7_to_fhir_datetime("20230229", "").invalid);
  EXPECT_EQ(hl7_to_fhir_datetime("20240229", "").value, "2024-02-29");
  EXPECT_EQ(hl7_to_fhir_datetime("20000229", "").value, "2000-02-29");
  auto date = hl7_to_fhir_date("19501219083000");
  EXPECT_EQ(date.value, "1950-12-19");
  EXPECT_TRUE(date.time_dropped);
}

TEST(CodingSystems, OidsAndV2NamesShareOneTable) {
  EXPECT_EQ(oid_system_uri("2.16.840.1.113883.6.1"), "http://loinc.org");
  EXPECT_EQ(oid_system_uri("2.16.840.1.113883.6.96"), "http://snomed.info/sct");
  EXPECT_EQ(oid_system_uri("2.16.840.1.113883.6.88"),
            "http://www.nlm.nih.gov/research/umls/rxnorm");
  EXPECT_EQ(oid_system_uri("2.16.840.1.113883.12.292"), "http://hl7.org/fhir/sid/cvx");
  EXPECT_EQ(oid_system_uri("2.16.840.1.113883.6.90"), "http://hl7.org/fhir/sid/icd-10-cm");
  EXPECT_EQ(oid_system_uri("2.16.840.1.113883.6.103"), "http://hl7.org/fhir/sid/icd-9-cm");
  EXPECT_EQ(oid_system_uri("2.16.840.1.113883.5.1"),
            "http://terminology.hl7.org/CodeSystem/v3-AdministrativeGender");
  EXPECT_EQ(oid_system_uri("2.16.840.1.113883.12.203"),
            "http://terminology.hl7.org/CodeSystem/v2-0203");
  EXPECT_EQ(oid_system_uri("1.2.3.4"), "urn:oid:1.2.3.4");
  EXPECT_FALSE(known_oid_system_uri("1.2.3.4"));
  EXPECT_EQ(coding_system_uri("LN"), "http://loinc.org");
  EXPECT_EQ(coding_system_uri("2.16.840.1.113883.6.1"),
            "urn:oid:2.16.840.1.113883.6.1");  // v2 unchanged
  EXPECT_EQ(coding_system_uri("WinPath"), "urn:hiebroker:v2-coding-system:WinPath");
}

TEST(IdentifierSystems, WellKnownOids) {
  EXPECT_EQ(known_identifier_system_for_oid("2.16.840.1.113883.2.1.4.1"),
            "https://fhir.nhs.uk/Id/nhs-number");
  EXPECT_EQ(known_identifier_system_for_oid("2.16.840.1.113883.4.1"),
            "http://hl7.org/fhir/sid/us-ssn");
  EXPECT_FALSE(known_identifier_system_for_oid("2.16.840.1.113883.19.5"));
  EXPECT_EQ(urn_safe("GOOD HOSP"), "GOOD%20HOSP");
}

TEST(SharedEncodings, Base64Latin1AndStableIds) {
  EXPECT_EQ(base64_encode("hie"), "aGll");
  EXPECT_EQ(base64_encode("hi"), "aGk=");
  EXPECT_EQ(latin1_to_utf8("M\xFCller"), "M\xC3\xBCller");
  EXPECT_EQ(stable_hash_id("a").size(), 32u);
  EXPECT_EQ(stable_hash_id("a"), stable_hash_id("a"));
  EXPECT_NE(stable_hash_id("a"), stable_hash_id("b"));
}

}  // namespace
}  // namespace hie::adapters
