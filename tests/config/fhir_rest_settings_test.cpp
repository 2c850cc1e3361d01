// Settings of fhir-rest exchanges: base_url, client_tls and query_timeout_ms (with its default
// in limits).
#include <gtest/gtest.h>

#include "tests/config/config_text.hpp"
#include "tests/support/temp_dir.hpp"

namespace hie::config {
namespace {

using testing::error_lines;
using testing::parse_text;

TEST(FhirRestSettings, ClientTlsPathsAreResolvedAgainstTheConfigFolder) {
  hie::testing::TempDir dir;
  dir.file("ca.pem", "x");
  dir.file("client.crt", "x");
  dir.file("client.key", "x");
  auto config = parse_text(R"({"exchanges": [{"id": "west", "format": "fhir", "transport": "fhir-rest",
    "credentials": {"base_url": "https://west.example/fhir"},
    "client_tls": {"ca": "ca.pem", "cert": "client.crt", "key": "client.key"}}]})",
                      dir.root().string());
  ASSERT_TRUE(config) << error_lines(config).front();
  const auto& tls = config->exchanges[0].client_tls;
  EXPECT_EQ(tls.ca, dir.path("ca.pem"));
  EXPECT_EQ(tls.cert, dir.path("client.crt"));
  EXPECT_EQ(tls.key, dir.path("client.key"));
}

TEST(FhirRestSettings, ClientTlsFilesMustExistAndComeInPairs) {
  auto config = parse_text(R"({"exchanges": [
  {"id": "west", "format": "fhir", "transport": "fhir-rest",
   "credentials": {"base_url": "https://west.example/fhir"},
   "client_tls": {
     "ca": "tls/west-ca.pem",
     "cert": "/nope/client.crt"}}]})");
  // The missing key is reported where client_tls begins.
  EXPECT_EQ(error_lines(config),
            (std::vector<std::string>{
                "broker.json:4: exchanges[0].client_tls.key: a client certificate needs both cert "
                "and key",
                "broker.json:5: exchanges[0].client_tls.ca: file not found: "
                "/etc/hiebroker/tls/west-ca.pem",
                "broker.json:6: exchanges[0].client_tls.cert: file not found: /nope/client.crt"}));
}

TEST(FhirRestSettings, ClientTlsOnlyWhereThereIsAnHttpsServerToCall) {
  auto config = parse_text(R"({"exchanges": [
  {"id": "north", "format": "hl7v2", "client_tls": {}},
  {"id": "west", "format": "fhir", "transport": "fhir-rest", "credentials": {"base_url": "http://127.0.0.1:8080/fhir"},
   "client_tls": {}}]})");
  EXPECT_EQ(error_lines(config), (std::vector<std::string>{
                                "broker.json:2: exchanges[0].client_tls: is only for transport "
                                "fhir-rest (the broker calls the exchange's FHIR server) or an mllp exchange's mllp_delivery",
                                "broker.json:4: exchanges[1].client_tls: credentials.base_url is "
                                "plain http://: use https:// for TLS"}));
}

TEST(FhirRestSettings, BaseUrlMustBeAnHttpUrl) {
  auto config = parse_text(R"({"exchanges": [
  {"id": "west", "format": "fhir", "transport": "fhir-rest", "credentials": {"base_url": "west.example/fhir"}},
  {"id": "east", "format": "fhir", "transport": "fhir-rest", "credentials": {"base_url": "https://east.example/fhir?x=1"}}]})");
  EXPECT_EQ(error_lines(config), (std::vector<std::string>{
                                "broker.json:2: exchanges[0].credentials.base_url: expected an "
                                "http:// or https:// URL with a host and "
                                "no query or fragment (got \"west.example/fhir\")",
                                "broker.json:3: exchanges[1].credentials.base_url: expected an "
                                "http:// or https:// URL with a host and "
                                "no query or fragment (got \"https://east.example/fhir?x=1\")"}));
}

TEST(FhirRestSettings, QueryTimeoutDefaultsFromLimitsAndEachExchangeMaySetItsOwn) {
  auto defaults = parse_text(R"({"exchanges": [{"id": "north", "format": "hl7v2"}]})");
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->limits.query_timeout, std::chrono::milliseconds(5000));
  EXPECT_EQ(defaults->exchanges[0].query_timeout, std::chrono::milliseconds(0)) << "none of its own";

  auto config = parse_text(R"({"exchanges": [
    {"id": "north", "format": "hl7v2"},
    {"id": "west", "format": "fhir", "transport": "fhir-rest", "credentials": {"base_url": "https://w.example"},
     "query_timeout_ms": 12000}],
    "limits": {"query_timeout_ms": 2500}})");
  ASSERT_TRUE(config) << error_lines(config).front();
  EXPECT_EQ(config->limits.query_timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(config->exchanges[0].query_timeout, std::chrono::milliseconds(0));
  EXPECT_EQ(config->exchanges[1].query_timeout, std::chrono::milliseconds(12000));
}

TEST(FhirRestSettings, QueryTimeoutHasBounds) {
  auto config = parse_text(R"({"exchanges": [
  {"id": "north", "format": "hl7v2", "query_timeout_ms": 0}],
  "limits": {"query_timeout_ms": 300001}})");
  EXPECT_EQ(error_lines(config),
            (std::vector<std::string>{
                "broker.json:2: exchanges[0].query_timeout_ms: must be from 1 to 300000",
                "broker.json:3: limits.query_timeout_ms: must be from 1 to 300000"}));
}

}  // namespace
}  // namespace hie::config
