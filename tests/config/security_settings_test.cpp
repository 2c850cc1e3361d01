// The `security` section: JWT issuers, their key files, the development issuer.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "broker/config/load_config.hpp"
#include "tests/support/file_bytes.hpp"
#include "tests/support/temp_dir.hpp"

namespace hie::config {
namespace {

using Outcome = boost::system::result<Config, ConfigErrors>;

std::vector<std::string> messages(const Outcome& outcome) {
  std::vector<std::string> out;
  if (!outcome)
    for (const auto& e : outcome.error().errors) out.push_back(e.describe());
  return out;
}

class SecuritySettings : public ::testing::Test {
 protected:
  SecuritySettings() {
    std::filesystem::create_directories(dir_.path("keys"));
    dir_.file("keys/idp.pem", "not checked by the loader, only by the verifier");
    dir_.file("keys/idp-jwks.json", "{}");
    dir_.file("dev.key", "-");
  }
  Outcome parse(const std::string& security, std::vector<std::string> overrides = {}) {
    return parse_config("{\n  \"security\": " + security + "\n}\n", "broker.json", overrides,
                        dir_.root().string());
  }
  hie::testing::TempDir dir_;
};

TEST_F(SecuritySettings, ReadsIssuersAndResolvesKeyFilesAgainstTheConfigFolder) {
  auto config = parse(R"({ "jwt": {
    "issuers": [ { "issuer": "https://idp.example", "audience": "https://broker.example/fhir",
                   "keys": [ {"kid": "k1", "pem": "keys/idp.pem"} ], "jwks": "keys/idp-jwks.json" } ],
    "clock_skew_seconds": 30, "token_cache_entries": 5,
    "dev_issuer": { "private_key": "dev.key" } } })");
  ASSERT_TRUE(config) << messages(config).front();
  const Jwt& jwt = config->security.jwt;
  ASSERT_EQ(jwt.issuers.size(), 1u);
  EXPECT_EQ(jwt.issuers[0].issuer, "https://idp.example");
  EXPECT_EQ(jwt.issuers[0].audience, "https://broker.example/fhir");
  ASSERT_EQ(jwt.issuers[0].keys.size(), 1u);
  EXPECT_EQ(jwt.issuers[0].keys[0].kid, "k1");
  EXPECT_EQ(jwt.issuers[0].keys[0].pem, dir_.path("keys/idp.pem"));
  EXPECT_EQ(jwt.issuers[0].jwks, dir_.path("keys/idp-jwks.json"));
  EXPECT_EQ(jwt.clock_skew, std::chrono::seconds(30));
  EXPECT_EQ(jwt.token_cache_entries, 5u);
  ASSERT_TRUE(jwt.dev_issuer);
  EXPECT_EQ(jwt.dev_issuer->issuer, "https://hiebroker.dev/issuer");  // the defaults
  EXPECT_EQ(jwt.dev_issuer->audience, "hiebroker-dev");
  EXPECT_EQ(jwt.dev_issuer->kid, "dev");
  EXPECT_EQ(jwt.dev_issuer->private_key, dir_.path("dev.key"));
  EXPECT_FALSE(jwt.dev_issuer->optional);
}

TEST_F(SecuritySettings, DefaultsWithoutTheSection) {
  auto config = parse_config("{}", "broker.json", {}, dir_.root().string());
  ASSERT_TRUE(config);
  EXPECT_TRUE(config->security.jwt.issuers.empty());
  EXPECT_EQ(config->security.jwt.clock_skew, std::chrono::seconds(60));
  EXPECT_EQ(config->security.jwt.token_cache_entries, 10'000u);
  EXPECT_FALSE(config->security.jwt.dev_issuer);
}

TEST_F(SecuritySettings, AMissingKeyFileIsNamedWithItsLineAndSetting) {
  auto config = parse(R"({ "jwt": { "issuers": [
    { "issuer": "https://idp.example", "audience": "a",
      "keys": [ {"kid": "k1", "pem": "keys/absent.pem"} ], "jwks": "keys/absent.json" } ] } })");
  EXPECT_EQ(messages(config),
            (std::vector<std::string>{
                "broker.json:4: security.jwt.issuers[0].keys[0].pem: file not found: " +
                    dir_.path("keys/absent.pem"),
                "broker.json:4: security.jwt.issuers[0].jwks: file not found: " +
                    dir_.path("keys/absent.json")}));
}

TEST_F(SecuritySettings, RefusesIssuersWithoutKeysTwiceOrBlank) {
  auto config = parse(R"({ "jwt": { "issuers": [
    { "issuer": "https://idp.example", "audience": "a" },
    { "issuer": "https://idp.example", "audience": "", "jwks": "keys/idp-jwks.json" },
    { "audience": "a", "keys": [ {"kid": "k", "pem": "keys/idp.pem"}, {"kid": "k", "pem": "keys/idp.pem"} ] } ] } })");
  EXPECT_EQ(
      messages(config),
      (std::vector<std::string>{
          "broker.json:3: security.jwt.issuers[0].keys: an issuer needs keys, a jwks file, or both",
          "broker.json:4: security.jwt.issuers[1].audience: must not be empty",
          "broker.json:4: security.jwt.issuers[1].issuer: issuer \"https://idp.example\" is "
          "configured twice",
          "broker.json:5: security.jwt.issuers[2].issuer: is required",
          "broker.json:5: security.jwt.issuers[2].keys[1].kid: kid \"k\" is used twice for this "
          "issuer"}));
}

TEST_F(SecuritySettings, BoundsSkewAndCacheAndSuggestsMisspeltKeys) {
  auto config = parse(
      R"({ "jwt": { "clock_skew_seconds": 601, "token_cache_entries": 10000001, "clock_skew_second": 5 } })");
  EXPECT_EQ(
      messages(config),
      (std::vector<std::string>{
          "broker.json:2: security.jwt.clock_skew_seconds: must be from 0 to 600",
          "broker.json:2: security.jwt.token_cache_entries: must be from 0 (no cache) to 10000000",
          "broker.json:2: security.jwt.clock_skew_second: unknown setting (did you mean "
          "security.jwt.clock_skew_seconds?)"}));
}

TEST_F(SecuritySettings, DevIssuerKeyMustExistUnlessOptional) {
  auto strict =
      parse(R"({ "jwt": { "dev_issuer": { "private_key": "dev-certs/dev-issuer.key" } } })");
  EXPECT_EQ(messages(strict),
            (std::vector<std::string>{"broker.json:2: security.jwt.dev_issuer.private_key: file "
                                      "not found: " +
                                      dir_.path("dev-certs/dev-issuer.key")}));
  auto optional = parse(
      R"({ "jwt": { "dev_issuer": { "private_key": "dev-certs/dev-issuer.key", "optional": true } } })");
  ASSERT_TRUE(optional) << messages(optional).front();
  EXPECT_TRUE(optional->security.jwt.dev_issuer->optional);
  EXPECT_EQ(optional->security.jwt.dev_issuer->private_key, dir_.path("dev-certs/dev-issuer.key"));
}

TEST_F(SecuritySettings, DevIssuerNeedsANameOfItsOwn) {
  auto config = parse(R"({ "jwt": {
    "issuers": [ { "issuer": "https://idp.example", "audience": "a", "jwks": "keys/idp-jwks.json" } ],
    "dev_issuer": { "issuer": "https://idp.example", "private_key": "dev.key", "kid": "" } } })");
  EXPECT_EQ(messages(config),
            (std::vector<std::string>{
                "broker.json:4: security.jwt.dev_issuer.kid: must not be empty",
                "broker.json:4: security.jwt.dev_issuer.issuer: issuer \"https://idp.example\" is "
                "also in "
                "security.jwt.issuers: give the development issuer a name of its own"}));
}

TEST_F(SecuritySettings, DevIssuerCanBeAddedWithSet) {
  auto config = parse("{}", {R"(security.jwt.dev_issuer={"private_key": "dev.key"})"});
  ASSERT_TRUE(config) << messages(config).front();
  ASSERT_TRUE(config->security.jwt.dev_issuer);
  EXPECT_EQ(config->security.jwt.dev_issuer->private_key, dir_.path("dev.key"));
}

TEST(SecurityExamples, DemoTrustsTheOptionalDevIssuerAndProductionHasNone) {
  auto demo = load_config(std::string(HIE_SOURCE_DIR) + "/config/demo.json", {});
  ASSERT_TRUE(demo);
  ASSERT_TRUE(demo->security.jwt.dev_issuer);
  EXPECT_TRUE(demo->security.jwt.dev_issuer->optional);
  EXPECT_EQ(demo->security.jwt.dev_issuer->private_key,
            std::string(HIE_SOURCE_DIR) + "/config/dev-certs/dev-issuer.key");
  auto production = hie::testing::read_source_file("config/production.example.json");
  EXPECT_EQ(production.find("dev_issuer"), std::string::npos);
  EXPECT_NE(production.find("\"issuers\""), std::string::npos);
}

TEST_F(SecuritySettings, ReadsOperatorsWhoUseAClientCertificate) {
  auto config = parse(R"({ "operators": [
    { "name": "night", "cert_subject_cn": "night-operator" },
    { "name": "oncall", "cert_sha256": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      "scope": "system/Endpoint.ru system/Subscription.ru" } ] })");
  ASSERT_TRUE(config) << messages(config).front();
  const auto& operators = config->security.operators;
  ASSERT_EQ(operators.size(), 2u);
  EXPECT_EQ(operators[0].name, "night");
  EXPECT_EQ(operators[0].cert_subject_cn, "night-operator");
  EXPECT_EQ(operators[0].scope, "system/Endpoint.r");  // the default: look, not touch
  EXPECT_EQ(operators[1].scope, "system/Endpoint.ru system/Subscription.ru");
}

TEST_F(SecuritySettings, RefusesOperatorsWithoutACertificateWithNonSystemScopesOrTwice) {
  auto config = parse(R"({ "operators": [
    { "name": "a" },
    { "name": "b", "cert_sha256": "AB:CD" },
    { "name": "c", "cert_subject_cn": "c", "scope": "patient/*.read" },
    { "name": "c", "cert_subject_cn": "c2" } ] })");
  ASSERT_FALSE(config);
  const auto all = messages(config);
  auto has = [&](const std::string& text) {
    return std::ranges::any_of(all, [&](const std::string& m) { return m.find(text) != std::string::npos; });
  };
  EXPECT_TRUE(has("security.operators[0].cert_subject_cn: an operator needs cert_subject_cn, cert_sha256, or both"))
      << all.front();
  EXPECT_TRUE(has("security.operators[1].cert_sha256: must be 64 lower-case hex digits"));
  EXPECT_TRUE(has("security.operators[2].scope: \"patient/*.read\": operators get system/ scopes only"));
  EXPECT_TRUE(has("security.operators[3].name: operator \"c\" is configured twice"));
}

}  // namespace
}  // namespace hie::config
