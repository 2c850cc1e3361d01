#include "broker/config/value_formats.hpp"

#include <gtest/gtest.h>

namespace hie::config {
namespace {

TEST(IdentifierSystemUri, AcceptsHttpOidAndUuid) {
  for (auto uri : {"https://hospital.example/mrn", "http://hl7.org/fhir/sid/us-ssn",
                   "https://fhir.nhs.uk/Id/nhs-number", "urn:oid:2.16.840.1.113883.2.1.3.2.4.18.48",
                   "urn:oid:1.2", "urn:oid:0.0", "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e"})
    EXPECT_TRUE(is_identifier_system_uri(uri)) << uri;
}

TEST(IdentifierSystemUri, RefusesWhatIsNotAnAbsoluteSystem) {
  for (auto uri : {"",
                   "HOSP",
                   "hospital.example/mrn",
                   "ftp://hospital.example",
                   "https://",
                   "https:///mrn",
                   "https://hospital example/mrn",
                   "https://hospital.example/\tmrn",
                   "HTTPS://hospital.example",
                   "urn:oid:",
                   "urn:oid:2",
                   "urn:oid:3.1",
                   "urn:oid:2.16.840.01",
                   "urn:oid:2..16",
                   "urn:oid:2.16.",
                   "urn:oid:2.16.x",
                   "urn:uuid:",
                   "urn:uuid:0F8FAD5B-D9CB-469F-A165-70867728950E",
                   "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950",
                   "urn:uuid:0f8fad5bd9cb-469f-a165-70867728950e0",
                   "urn:hiebroker:north:id:HOSP"})
    EXPECT_FALSE(is_identifier_system_uri(uri)) << uri;
}

TEST(UtcOffset, AcceptsZAndFhirOffsets) {
  for (auto offset : {"Z", "+00:00", "-00:00", "+01:00", "-05:30", "+13:59", "+14:00", "-14:00"})
    EXPECT_TRUE(is_utc_offset(offset)) << offset;
}

TEST(UtcOffset, RefusesOtherSpellings) {
  for (auto offset : {"", "z", "UTC", "+0100", "+1:00", "01:00", "+01:60", "+14:01", "+15:00",
                      "+01:00:00", "+ab:cd"})
    EXPECT_FALSE(is_utc_offset(offset)) << offset;
}

TEST(Sha256Fingerprint, TakesBareHexOrOpensslsPairsInEitherCase) {
  const std::string hex = "3f1c0a9b" + std::string(56, 'e');
  EXPECT_EQ(sha256_fingerprint(hex), hex);
  EXPECT_EQ(sha256_fingerprint("3F1C0A9B" + std::string(56, 'E')), hex);
  std::string paired;
  for (std::size_t i = 0; i < hex.size(); i += 2) paired += (i ? ":" : "") + hex.substr(i, 2);
  EXPECT_EQ(sha256_fingerprint(paired), hex);
}

TEST(Sha256Fingerprint, RefusesAnythingElse) {
  const std::string hex(64, 'a');
  for (const std::string& text : {std::string(), hex.substr(1), hex + "a", hex.substr(1) + "g",
                                  "sha256 Fingerprint=" + hex, std::string(95, ':'), "aa-" + std::string(92, 'a')})
    EXPECT_FALSE(sha256_fingerprint(text)) << text;
}

}  // namespace
}  // namespace hie::config
