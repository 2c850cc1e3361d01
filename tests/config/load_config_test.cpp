#include "broker/config/load_config.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace hie::config {
namespace {

using Outcome = boost::system::result<Config, ConfigErrors>;

Outcome parse(std::string_view text, std::vector<std::string> overrides = {}) {
  return parse_config(text, "broker.json", overrides, "/etc/hiebroker");
}

std::string first_error(const Outcome& outcome) {
  if (outcome) return "(no error)";
  return outcome.error().errors.front().describe();
}

constexpr const char* kGood = R"({
  // comments are allowed
  "threads": 4,
  "listeners": {
    "http": { "bind": "0.0.0.0", "port": 8443 },
    "mllp": { "port": 2575, "default_exchange": "north" },
  },
  "store": { "sqlite": { "path": "data/broker.db" } },
  "exchanges": [
    { "id": "north", "display_name": "North HIE", "format": "hl7v2", "transport": "mllp", "mode": "stored",
      "credentials": { "sending_facilities": ["NORTHHOSP", "NORTHLAB"] } },
    { "id": "south", "format": "fhir", "transport": "fhir-rest",
      "credentials": { "base_url": "https://south.example/fhir" } }
  ],
  "limits": { "max_body_bytes": 1048576, "idle_timeout_ms": 5000 },
  "logging": { "level": "debug", "format": "json" }
})";

TEST(LoadConfig, ReadsEverySection) {
  auto config = parse(kGood);
  ASSERT_TRUE(config) << first_error(config);
  EXPECT_EQ(config->threads, 4u);
  ASSERT_TRUE(config->listeners.http);
  EXPECT_EQ(config->listeners.http->bind, "0.0.0.0");
  EXPECT_EQ(config->listeners.http->port, 8443);
  ASSERT_TRUE(config->listeners.mllp);
  EXPECT_EQ(config->listeners.mllp->default_exchange, "north");
  ASSERT_TRUE(config->store.sqlite);
  EXPECT_EQ(config->store.sqlite->path, "/etc/hiebroker/data/broker.db");  // relative to the file
  ASSERT_EQ(config->exchanges.size(), 2u);
  EXPECT_EQ(config->exchanges[0].transport, Transport::mllp);
  EXPECT_EQ(config->exchanges[0].mode, ExchangeMode::stored);
  EXPECT_EQ(config->exchanges[0].credentials.sending_facilities,
            (std::vector<std::string>{"NORTHHOSP", "NORTHLAB"}));
  EXPECT_EQ(config->exchanges[1].display_name, "south");  // defaults to the id
  EXPECT_EQ(config->exchanges[1].transport, Transport::fhir_rest);
  EXPECT_EQ(config->limits.max_body_bytes, 1048576u);
  EXPECT_EQ(config->limits.idle_timeout, std::chrono::milliseconds(5000));
  EXPECT_EQ(config->logging.level, "debug");
  EXPECT_EQ(config->logging.format, LogFormat::json);
  EXPECT_TRUE(config->logging.access_log);  // on unless turned off
}

TEST(LoadConfig, AccessLogCanBeTurnedOffButOnlyWithABool) {
  auto off = parse(R"({"logging": {"access_log": false}})");
  ASSERT_TRUE(off) << first_error(off);
  EXPECT_FALSE(off->logging.access_log);
  auto wrong = parse("{\n\"logging\": {\"access_log\": \"no\"}\n}");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(first_error(wrong), "broker.json:2: logging.access_log: expected true or false");
}

TEST(LoadConfig, MisspeltKeyNamesLineSettingAndSuggestion) {
  auto config = parse("{\n  \"listeners\": {\n    \"http\": {\n      \"prot\": 8080\n    }\n  }\n}");
  ASSERT_FALSE(config);
  ASSERT_EQ(config.error().errors.size(), 1u);
  EXPECT_EQ(first_error(config),
            "broker.json:4: listeners.http.prot: unknown setting (did you mean listeners.http.port?)");
}

TEST(LoadConfig, WrongTypeNamesLineAndSetting) {
  auto config = parse("{\n\"logging\": {\n \"level\": 3\n}\n}");
  ASSERT_FALSE(config);
  EXPECT_EQ(first_error(config), "broker.json:3: logging.level: expected a string");
}

TEST(LoadConfig, PortOutOfRange) {
  auto config = parse(R"({"listeners": {"http": {"port": 70000}}})");
  ASSERT_FALSE(config);
  EXPECT_EQ(first_error(config), "broker.json:1: listeners.http.port: expected an integer from 0 to 65535");
}

TEST(LoadConfig, EnumValueOutsideItsSet) {
  auto config = parse("{\"logging\": {\"format\": \"xml\"}}");
  ASSERT_FALSE(config);
  EXPECT_NE(first_error(config).find("logging.format: must be one of text, json"), std::string::npos);
}

TEST(LoadConfig, ReportsEveryErrorNotJustTheFirst) {
  auto config = parse("{\n\"threadz\": 2,\n\"logging\": {\"levle\": \"info\"},\n\"limits\": {\"max_body_bytes\": -1}\n}");
  ASSERT_FALSE(config);
  ASSERT_EQ(config.error().errors.size(), 3u);
  // In file order, whatever order the sections are checked in.
  EXPECT_EQ(config.error().errors[0].location(), "broker.json:2");
  EXPECT_EQ(config.error().errors[1].location(), "broker.json:3");
  EXPECT_EQ(config.error().errors[2].location(), "broker.json:4");
}

TEST(LoadConfig, ExchangeErrorsNameTheElement) {
  auto config = parse(R"({
  "exchanges": [
    {"id": "a", "format": "hl7v2"},
    {"id": "a", "format": "cda"},
    {"id": "Bad Id", "format": "cda", "transport": "carrier-pigeon"}
  ]
})");
  ASSERT_FALSE(config);
  std::vector<std::string> seen;
  for (const auto& e : config.error().errors) seen.push_back(e.describe());
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0], "broker.json:4: exchanges[1].id: exchange id 'a' is used twice");
  EXPECT_NE(seen[1].find("broker.json:5: exchanges[2].transport: must be one of"), std::string::npos);
  EXPECT_EQ(seen[2], "broker.json:5: exchanges[2].id: use lower-case letters, digits, - and _ only");
}

TEST(LoadConfig, BindMustBeAnAddress) {
  auto config = parse(R"({"listeners": {"http": {"bind": "localhost"}}})");
  ASSERT_FALSE(config);
  EXPECT_EQ(first_error(config), "broker.json:1: listeners.http.bind: expected an IPv4 or IPv6 address (got \"localhost\")");
  EXPECT_TRUE(parse(R"({"listeners": {"http": {"bind": "::1"}}})"));
}

TEST(LoadConfig, CertificateFingerprintIsKeptAsTheBrokerComputesIt) {
  std::string hex, pairs;
  for (int i = 0; i < 32; ++i) {
    hex += "ab";
    pairs += (i ? ":" : "") + std::string("AB");
  }
  auto config = parse(R"({"exchanges": [{"id": "a", "format": "hl7v2", "credentials": {"cert_sha256": ")" + pairs +
                      R"("}}]})");
  ASSERT_TRUE(config) << first_error(config);
  EXPECT_EQ(config->exchanges[0].credentials.cert_sha256, hex);
  auto bad = parse(R"({"exchanges": [{"id": "a", "format": "hl7v2", "credentials": {"cert_sha256": "ab12"}}]})");
  EXPECT_EQ(first_error(bad), "broker.json:1: exchanges[0].credentials.cert_sha256: expected a SHA-256 fingerprint: "
                              "64 hex digits, bare or in pairs separated by colons (got \"ab12\")");
}

TEST(LoadConfig, ACertificateCredentialNamesOneExchange) {
  auto config = parse(R"({"exchanges": [
    {"id": "a", "format": "hl7v2", "credentials": {"cert_subject_cn": "shared.example"}},
    {"id": "b", "format": "hl7v2", "credentials": {"cert_subject_cn": "shared.example"}}
  ]})");
  EXPECT_EQ(first_error(config), "broker.json:3: exchanges[1].credentials.cert_subject_cn: exchange 'a' has the "
                                 "same cert_subject_cn (\"shared.example\"): a certificate must name one exchange");
}

TEST(LoadConfig, LimitsHaveBounds) {
  auto config = parse("{\"limits\": {\n\"max_header_bytes\": 4294967296,\n\"idle_timeout_ms\": 0,\n\"max_body_bytes\": 0\n}}");
  ASSERT_FALSE(config);
  ASSERT_EQ(config.error().errors.size(), 3u);
  EXPECT_EQ(config.error().errors[0].describe(), "broker.json:2: limits.max_header_bytes: must be from 1 to 1048576");
  EXPECT_EQ(config.error().errors[1].describe(), "broker.json:3: limits.idle_timeout_ms: must be greater than 0");
  EXPECT_EQ(config.error().errors[2].describe(), "broker.json:4: limits.max_body_bytes: must be from 1 to 268435456");
}

TEST(LoadConfig, ErrorsInMultiLineExchangesNameTheElementLine) {
  auto config = parse("{\"exchanges\": [\n  {\n    \"id\": \"a\"\n  }\n]}");
  ASSERT_FALSE(config);
  EXPECT_EQ(first_error(config), "broker.json:2: exchanges[0].format: is required");
}

TEST(LoadConfig, RequiredSettingMissing) {
  auto config = parse(R"({"exchanges": [{"id": "a"}]})");
  ASSERT_FALSE(config);
  EXPECT_EQ(first_error(config), "broker.json:1: exchanges[0].format: is required");
}

TEST(LoadConfig, UnknownDefaultExchange) {
  auto config = parse(R"({"listeners": {"mllp": {"default_exchange": "ghost"}}})");
  ASSERT_FALSE(config);
  EXPECT_NE(first_error(config).find("listeners.mllp.default_exchange: names exchange 'ghost'"), std::string::npos);
}

TEST(LoadConfig, MalformedJsonNamesLineAndColumn) {
  auto config = parse("{\n  \"threads\": 2\n  \"logging\": {}\n}");
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().errors.front().location(), "broker.json:3");
  EXPECT_NE(first_error(config).find("invalid JSON"), std::string::npos);
}

TEST(LoadConfig, DuplicateKeyIsAnError) {
  auto config = parse("{\n\"threads\": 2,\n\"threads\": 3\n}");
  ASSERT_FALSE(config);
  EXPECT_EQ(first_error(config), "broker.json:3: setting threads is given twice");
}

TEST(LoadConfig, OverridesWinAndAreNamedInErrors) {
  auto config = parse(kGood, {"listeners.http.port=0", "store.sqlite.path=/tmp/x.db", "logging.level=warn",
                              "exchanges.south.display_name=South Side", "exchanges.0.mode=live"});
  ASSERT_TRUE(config) << first_error(config);
  EXPECT_EQ(config->listeners.http->port, 0);
  EXPECT_EQ(config->store.sqlite->path, "/tmp/x.db");
  EXPECT_EQ(config->logging.level, "warn");
  EXPECT_EQ(config->exchanges[1].display_name, "South Side");
  EXPECT_EQ(config->exchanges[0].mode, ExchangeMode::live);

  auto bad = parse(kGood, {"listeners.http.port=eighty"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(first_error(bad),
            "--set listeners.http.port=eighty: listeners.http.port: expected an integer from 0 to 65535");
}

TEST(LoadConfig, OverrideCreatesMissingSections) {
  auto config = parse("{}", {"listeners.http.port=9090", "listeners.http.bind=127.0.0.2"});
  ASSERT_TRUE(config) << first_error(config);
  EXPECT_EQ(config->listeners.http->port, 9090);
  EXPECT_EQ(config->listeners.http->bind, "127.0.0.2");
}

TEST(LoadConfig, MalformedOverride) {
  auto config = parse("{}", {"no-equals-sign"});
  ASSERT_FALSE(config);
  EXPECT_EQ(first_error(config), "--set no-equals-sign: expected --set PATH=VALUE");
  auto missing = parse(kGood, {"exchanges.west.format=cda"});
  ASSERT_FALSE(missing);
  EXPECT_NE(first_error(missing).find("no element 'west' in exchanges"), std::string::npos);
}

TEST(LoadConfig, TlsFilesMustExist) {
  auto config = parse(R"({"listeners": {"http": {"tls": {"cert": "nope.pem", "key": "/nope/key.pem",
                      "require_client_cert": true}}}})");
  ASSERT_FALSE(config);
  std::vector<std::string> seen;
  for (const auto& e : config.error().errors) seen.push_back(e.message());
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0], "listeners.http.tls.cert: file not found: /etc/hiebroker/nope.pem");
  EXPECT_EQ(seen[1], "listeners.http.tls.key: file not found: /nope/key.pem");
  EXPECT_EQ(seen[2], "listeners.http.tls.ca: require_client_cert needs a ca bundle to verify clients against");
}

TEST(LoadConfig, HttpsIsASecondHttpListenerThatAlwaysRunsTls) {
  auto plain = parse(R"({"listeners": {"https": {"port": 9443}}})");
  ASSERT_FALSE(plain);
  EXPECT_EQ(first_error(plain), "broker.json:1: listeners.https.tls: is required: listeners.https always runs TLS");
  auto both = parse(R"({"listeners": {"http": {}, "https": {"bind": "0.0.0.0", "tls": {"cert": "/etc/hostname", "key": "/etc/hostname"}}}})");
  ASSERT_TRUE(both) << first_error(both);
  EXPECT_EQ(both->listeners.http->port, 8080);
  EXPECT_FALSE(both->listeners.http->tls);
  EXPECT_EQ(both->listeners.https->port, 8443);
  EXPECT_EQ(both->listeners.https->bind, "0.0.0.0");
  EXPECT_EQ(both->listeners.https->tls->cert, "/etc/hostname");
}

TEST(LoadConfig, ReadsFileAndNamesIt) {
  auto dir = std::filesystem::temp_directory_path() / "hie-config-test";
  std::filesystem::create_directories(dir);
  auto path = (dir / "broker.json").string();
  std::ofstream(path) << "{\n  \"logging\": {\n    \"levle\": \"info\"\n  }\n}\n";
  auto config = load_config(path, {});
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().errors.front().location(), path + ":3");
  auto missing = load_config((dir / "absent.json").string(), {});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().errors.front().describe(), (dir / "absent.json").string() + ": cannot read configuration file");
  std::filesystem::remove_all(dir);
}

TEST(LoadConfig, DemoConfigIsValid) {
  auto config = load_config(std::string(HIE_SOURCE_DIR) + "/config/demo.json", {});
  ASSERT_TRUE(config) << first_error(config);
  EXPECT_EQ(config->listeners.http->port, 8080);
  EXPECT_EQ(config->exchanges.size(), 3u);
}

TEST(LoadConfig, ProductionTemplateIsValidApartFromItsCertificates) {
  // The template names files under /etc/hiebroker that only exist on a production host.
  auto config = load_config(std::string(HIE_SOURCE_DIR) + "/config/production.example.json", {});
  ASSERT_FALSE(config);
  for (const auto& e : config.error().errors)
    EXPECT_TRUE(e.message().find("file not found: /etc/hiebroker/tls/") != std::string::npos ||
                e.message().find("file not found: /etc/hiebroker/jwt/") != std::string::npos)
        << e.describe();
  EXPECT_EQ(config.error().errors.back().message(),
            "security.jwt.issuers[0].jwks: file not found: /etc/hiebroker/jwt/example-idp-jwks.json");
}

}  // namespace
}  // namespace hie::config
