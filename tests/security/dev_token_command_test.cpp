// `hiebroker dev-token` through the built binary: its token is one the verifier accepts.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "broker/config/load_config.hpp"
#include "broker/security/base64url.hpp"
#include "broker/security/jwt_verifier.hpp"
#include "tests/security/test_keys.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace hie::security {
namespace {

using hie::testing::run_command;
using hie::testing::TempDir;

const std::string kBinary = std::string(HIE_BINARY_DIR) + "/bin/hiebroker";

/// A configuration with a development issuer whose key (EC, or RSA when `rsa`) is in `dir`.
std::string write_config(const TempDir& dir, bool with_dev_issuer = true, bool rsa = false) {
  dir.file("dev-issuer.key", rsa ? testing::rsa_key().private_pem : testing::ec_key().private_pem);
  std::string security = with_dev_issuer ? R"(,
  "security": { "jwt": { "dev_issuer": { "issuer": "https://hiebroker.dev/issuer", "audience": "hiebroker-dev",
                                         "private_key": "dev-issuer.key", "kid": "dev" } } })"
                                         : "";
  return dir.file("broker.json",
                  R"({ "listeners": { "http": { "port": 0 } })" + security + "\n}\n");
}

std::shared_ptr<TokenVerifier> verifier_for(const std::string& config_path) {
  auto config = config::load_config(config_path, {}).value();
  return TokenVerifier::create(config.security.jwt).value();
}

std::string trimmed(std::string text) {
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

TEST(DevTokenCommand, PrintsAPatientTokenTheVerifierAccepts) {
  TempDir dir;
  auto config = write_config(dir);
  const auto before = std::chrono::system_clock::now();
  auto result = run_command({kBinary, "dev-token", "--config", config, "--patient", "9434765919"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.err, "");
  EXPECT_EQ(std::count(result.out.begin(), result.out.end(), '\n'), 1);
  auto token = trimmed(result.out);

  auto principal = verifier_for(config)->verify(token, std::chrono::system_clock::now());
  ASSERT_TRUE(principal) << principal.error().message();
  EXPECT_EQ((*principal)->issuer, "https://hiebroker.dev/issuer");
  EXPECT_EQ((*principal)->subject, "dev-patient-9434765919");
  EXPECT_EQ((*principal)->kind, ContextKind::patient);
  EXPECT_EQ((*principal)->patient, "9434765919");
  EXPECT_TRUE((*principal)->allows("Observation", Access::read));
  EXPECT_TRUE((*principal)->allows("AllergyIntolerance", Access::search));
  // Default lifetime: one hour.
  auto lifetime = (*principal)->expires - before;
  EXPECT_GE(lifetime, std::chrono::seconds(3599));
  EXPECT_LE(lifetime, std::chrono::seconds(3602));
  // ES256 from an EC key, with the configured kid.
  auto header = base64url_decode(token.substr(0, token.find('.')));
  EXPECT_EQ(header, R"({"alg":"ES256","typ":"JWT","kid":"dev"})");
}

TEST(DevTokenCommand, TakesScopeTtlAndSetAndSignsRs256WithAnRsaKey) {
  TempDir dir;
  auto config = write_config(dir, true, true);
  auto result = run_command({kBinary, "dev-token", "--config", config, "--patient", "943 476 5919",
                             "--scope", "patient/Observation.rs launch/patient", "--ttl", "120",
                             "--set", "security.jwt.dev_issuer.kid=other"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto token = trimmed(result.out);
  EXPECT_EQ(base64url_decode(token.substr(0, token.find('.'))),
            R"({"alg":"RS256","typ":"JWT","kid":"other"})");
  auto loaded = config::load_config(config, {"security.jwt.dev_issuer.kid=other"}).value();
  auto verifier = TokenVerifier::create(loaded.security.jwt).value();
  auto principal = verifier->verify(token, std::chrono::system_clock::now());
  ASSERT_TRUE(principal) << principal.error().message();
  EXPECT_EQ((*principal)->patient, "9434765919");
  EXPECT_TRUE((*principal)->allows("Observation", Access::search));
  EXPECT_FALSE((*principal)->allows("Condition", Access::read));
  EXPECT_LE((*principal)->expires - std::chrono::system_clock::now(), std::chrono::seconds(120));
  // Expired two minutes (plus the skew) later.
  auto later =
      verifier->verify(token, std::chrono::system_clock::now() + std::chrono::seconds(181));
  ASSERT_FALSE(later);
  EXPECT_EQ(later.error().refusal(), Refusal::expired);
}

TEST(DevTokenCommand, PrintsAnOperatorsSystemTokenWithoutAPatient) {
  TempDir dir;
  auto config = write_config(dir);
  auto result = run_command({kBinary, "dev-token", "--config", config, "--operator", "night-shift"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto principal = verifier_for(config)->verify(trimmed(result.out), std::chrono::system_clock::now());
  ASSERT_TRUE(principal) << principal.error().message();
  EXPECT_EQ((*principal)->subject, "dev-operator-night-shift");
  EXPECT_EQ((*principal)->kind, ContextKind::system);
  EXPECT_EQ((*principal)->patient, "");
  // Default: read and replay events, read and set consents; nothing of the clinical record.
  EXPECT_TRUE((*principal)->allows("Subscription", Access::read));
  EXPECT_TRUE((*principal)->allows("Subscription", Access::update));
  EXPECT_TRUE((*principal)->allows("Consent", Access::update));
  EXPECT_FALSE((*principal)->allows("Observation", Access::read));

  auto narrow = run_command({kBinary, "dev-token", "--config", config, "--operator", "ro", "--scope",
                             "system/Subscription.r"});
  ASSERT_EQ(narrow.exit_code, 0) << narrow.err;
  auto read_only = verifier_for(config)->verify(trimmed(narrow.out), std::chrono::system_clock::now());
  ASSERT_TRUE(read_only);
  EXPECT_FALSE((*read_only)->allows("Subscription", Access::update));

  // A patient scope on an operator's token (or the reverse), a bad name, or both flags: refused.
  auto patient_scope = run_command({kBinary, "dev-token", "--config", config, "--operator", "x", "--scope",
                                    "patient/*.read"});
  EXPECT_EQ(patient_scope.exit_code, 1);
  EXPECT_EQ(patient_scope.err, "hiebroker dev-token: --scope: expected system scopes such as system/Subscription.r\n");
  auto system_scope = run_command({kBinary, "dev-token", "--config", config, "--patient", "9434765919",
                                   "--scope", "system/Consent.ru"});
  EXPECT_EQ(system_scope.exit_code, 1);
  auto bad_name = run_command({kBinary, "dev-token", "--config", config, "--operator", "a b"});
  EXPECT_EQ(bad_name.exit_code, 1);
  EXPECT_EQ(bad_name.err,
            "hiebroker dev-token: --operator: a name of letters, digits, '.', '_' and '-' (at most 64)\n");
  auto both = run_command({kBinary, "dev-token", "--config", config, "--operator", "x", "--patient", "9434765919"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_EQ(both.out, "");
}

TEST(DevTokenCommand, RefusedWithoutADevIssuer) {
  TempDir dir;
  auto config = write_config(dir, false);
  auto result = run_command({kBinary, "dev-token", "--config", config, "--patient", "9434765919"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err, "hiebroker dev-token: " + config +
                            " has no security.jwt.dev_issuer: no development tokens\n");
}

TEST(DevTokenCommand, RefusesABadNhsNumberTtlOrScope) {
  TempDir dir;
  auto config = write_config(dir);
  auto bad_nhs = run_command({kBinary, "dev-token", "--config", config, "--patient", "9434765918"});
  EXPECT_EQ(bad_nhs.exit_code, 1);
  EXPECT_EQ(bad_nhs.out, "");
  EXPECT_EQ(bad_nhs.err,
            "hiebroker dev-token: --patient: not a valid NHS number (ten digits with a Modulus 11 "
            "check digit)\n");
  for (std::string ttl : {"0", "86401", "1h", "-5", ""}) {
    auto bad_ttl = run_command(
        {kBinary, "dev-token", "--config", config, "--patient", "9434765919", "--ttl", ttl});
    EXPECT_EQ(bad_ttl.exit_code, 1) << ttl;
    EXPECT_EQ(bad_ttl.err, "hiebroker dev-token: --ttl: expected whole seconds from 1 to 86400\n")
        << ttl;
  }
  auto max_ttl = run_command(
      {kBinary, "dev-token", "--config", config, "--patient", "9434765919", "--ttl", "86400"});
  EXPECT_EQ(max_ttl.exit_code, 0) << max_ttl.err;
  auto bad_scope = run_command({kBinary, "dev-token", "--config", config, "--patient", "9434765919",
                                "--scope", "patient/*.read everything"});
  EXPECT_EQ(bad_scope.exit_code, 1);
  EXPECT_EQ(bad_scope.err,
            "hiebroker dev-token: --scope: expected SMART scopes such as patient/*.read or "
            "patient/Observation.rs\n");
  auto no_patient = run_command({kBinary, "dev-token", "--config", config});
  EXPECT_EQ(no_patient.exit_code, 2);
}

TEST(DevTokenCommand, AMissingDevKeyIsNamed) {
  TempDir dir;
  auto config = dir.file("broker.json", R"({ "security": { "jwt": { "dev_issuer": {
      "private_key": "dev-certs/dev-issuer.key", "optional": true } } } })");
  auto result = run_command({kBinary, "dev-token", "--config", config, "--patient", "9434765919"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err, "hiebroker dev-token: security.jwt.dev_issuer.private_key: " +
                            dir.path("dev-certs/dev-issuer.key") +
                            " does not exist (scripts/gen-dev-certs writes it)\n");
  // Without "optional" the configuration itself is refused, naming the file.
  auto strict = dir.file("strict.json", R"({ "security": { "jwt": { "dev_issuer": {
      "private_key": "dev-certs/dev-issuer.key" } } } })");
  auto refused = run_command({kBinary, "check-config", strict});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.err, strict + ":2: security.jwt.dev_issuer.private_key: file not found: " +
                             dir.path("dev-certs/dev-issuer.key") + "\n");
}

TEST(DevTokenCommand, DemoConfigRunsBeforeGenDevCertsAndSignsAfter) {
  // config/demo.json in a folder of its own, so that its dev-certs/ is the test's.
  TempDir dir;
  const std::filesystem::path source = std::string(HIE_SOURCE_DIR) + "/config";
  std::filesystem::copy_file(source / "demo.json", dir.path("demo.json"));
  std::filesystem::copy(source / "mappings", dir.path("mappings"),
                        std::filesystem::copy_options::recursive);
  const std::string config = dir.path("demo.json");

  auto check = run_command({kBinary, "check-config", config});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  auto before = run_command({kBinary, "dev-token", "--config", config, "--patient", "3870146052"});
  EXPECT_EQ(before.exit_code, 1);
  EXPECT_NE(before.err.find("scripts/gen-dev-certs writes it"), std::string::npos) << before.err;

  auto certs = run_command(
      {std::string(HIE_SOURCE_DIR) + "/scripts/gen-dev-certs", "--out", dir.path("dev-certs")});
  ASSERT_EQ(certs.exit_code, 0) << certs.err;
  auto after = run_command({kBinary, "dev-token", "--config", config, "--patient", "3870146052"});
  ASSERT_EQ(after.exit_code, 0) << after.err;
  auto principal =
      verifier_for(config)->verify(trimmed(after.out), std::chrono::system_clock::now());
  ASSERT_TRUE(principal) << principal.error().message();
  EXPECT_EQ((*principal)->issuer, "https://hiebroker.dev/issuer");
  EXPECT_EQ((*principal)->patient, "3870146052");
}

TEST(DevTokenCommand, CheckConfigAndServeRefuseAKeyFileThatIsNotAKey) {
  TempDir dir;
  dir.file("idp.pem", "not a key");
  auto config = dir.file("broker.json", R"({ "listeners": { "http": { "port": 0 } },
  "security": { "jwt": { "issuers": [ { "issuer": "https://idp.example", "audience": "a",
      "keys": [ { "kid": "k1", "pem": "idp.pem" } ] } ] } } })");
  const std::string expected =
      config + ": security.jwt.issuers[0].keys[0].pem: " + dir.path("idp.pem") +
      ": not a PEM public key (-----BEGIN PUBLIC KEY-----) or certificate\n";
  auto check = run_command({kBinary, "check-config", config});
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_EQ(check.err, expected);
  auto serve = run_command({kBinary, "serve", "--config", config});
  EXPECT_EQ(serve.exit_code, 1);
  EXPECT_EQ(serve.err, expected);
  EXPECT_EQ(serve.out, "");
}

}  // namespace
}  // namespace hie::security
