// hiebroker dev-token: a bearer token from the development issuer the configuration names, so
// the demo and a new user's first curl can call the FHIR API. Never configured in production.

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <iostream>

#include "broker/cli/commands.hpp"
#include "broker/cli/config_flags.hpp"
#include "broker/config/paths.hpp"
#include "broker/model/nhs_number.hpp"
#include "broker/security/jws_signer.hpp"
#include "broker/security/scopes.hpp"

namespace hie::cli {
namespace {

constexpr const char* kUsage =
    "usage: hiebroker dev-token --config FILE --patient NHSNUMBER [--scope S] [--ttl SECONDS]\n"
    "                           [--set PATH=VALUE]...\n"
    "       hiebroker dev-token --config FILE --operator NAME [--scope S] [--ttl SECONDS]\n"
    "                           [--set PATH=VALUE]...\n"
    "\n"
    "Prints a patient bearer token (JWT) signed by the development issuer of the configuration\n"
    "(security.jwt.dev_issuer), which the broker started with the same configuration accepts:\n"
    "  curl -H \"Authorization: Bearer $(hiebroker dev-token --config config/demo.json \\\n"
    "       --patient 9434765919)\" http://127.0.0.1:8080/fhir/Patient/...\n"
    "or, with --operator, an operator's system token for /admin (no patient):\n"
    "  curl -H \"Authorization: Bearer $(hiebroker dev-token --config config/demo.json \\\n"
    "       --operator me)\" http://127.0.0.1:8080/admin/events/backlog\n"
    "--scope: SMART scopes, space-separated (default patient/*.read; with --operator\n"
    "         system/Subscription.ru system/Consent.ru system/Endpoint.ru).\n"
    "--ttl: lifetime in seconds, 1 to 86400 (default 3600).\n";

constexpr const char* kOperatorScope = "system/Subscription.ru system/Consent.ru system/Endpoint.ru";

constexpr std::int64_t kDefaultTtl = 3600;
constexpr std::int64_t kMaxTtl = 86'400;

int refuse(const std::string& why) {
  std::cerr << "hiebroker dev-token: " << why << "\n";
  return 1;
}

std::optional<std::int64_t> parse_ttl(const std::string& text) {
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size() || n < 1 || n > kMaxTtl)
    return std::nullopt;
  return n;
}

/// An operator's name: letters, digits, '.', '_' and '-', at most 64.
bool is_operator_name(const std::string& name) {
  return !name.empty() && name.size() <= 64 && std::ranges::all_of(name, [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '_' || c == '-';
  });
}

/// The claims of a patient's token (`nhs_number`) or, when it is empty, an operator's (`name`).
std::string claims_json(const config::DevIssuer& dev, const std::string& nhs_number, const std::string& name,
                        const std::string& scope, std::int64_t now, std::int64_t ttl) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  auto text = [&w](const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  };
  auto number = [&w](const char* key, std::int64_t value) {
    w.Key(key);
    w.Int64(value);
  };
  w.StartObject();
  text("iss", dev.issuer);
  text("aud", dev.audience);
  if (nhs_number.empty()) {
    text("sub", "dev-operator-" + name);
  } else {
    text("sub", "dev-patient-" + nhs_number);
    text("patient", nhs_number);
  }
  text("scope", scope);
  number("iat", now);
  number("nbf", now);
  number("exp", now + ttl);
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace

int dev_token_command(int argc, char** argv) {
  auto flags = parse_config_flags(argc, argv, "dev-token", kUsage,
                                  {{"--patient", true}, {"--operator", true}, {"--scope", true}, {"--ttl", true}});
  if (const int* exit_code = std::get_if<int>(&flags)) return *exit_code;
  const Args& args = std::get<Args>(flags);
  const auto patient = args.value("--patient");
  const auto operator_name = args.value("--operator");
  if (patient.has_value() == operator_name.has_value()) {  // exactly one of them
    std::cerr << kUsage;
    return 2;
  }
  std::string nhs_number;
  if (patient) {
    auto parsed = model::NhsNumber::parse(*patient);
    if (!parsed)
      return refuse("--patient: not a valid NHS number (ten digits with a Modulus 11 check digit)");
    nhs_number = parsed->value();
  } else if (!is_operator_name(*operator_name)) {
    return refuse("--operator: a name of letters, digits, '.', '_' and '-' (at most 64)");
  }
  std::int64_t ttl = kDefaultTtl;
  if (auto text = args.value("--ttl")) {
    auto parsed = parse_ttl(*text);
    if (!parsed)
      return refuse("--ttl: expected whole seconds from 1 to " + std::to_string(kMaxTtl));
    ttl = *parsed;
  }
  const std::string scope = args.value("--scope").value_or(patient ? "patient/*.read" : kOperatorScope);
  auto scopes = security::Scopes::parse(scope);
  const bool fits = patient ? !scopes.has_context(security::ContextKind::system)
                            : std::ranges::all_of(scopes.grants(), [](const security::ScopeGrant& g) {
                                return g.context == security::ContextKind::system;
                              });
  if (scopes.grants().empty() || scopes.ignored_words() > 0 || !fits)
    return refuse(patient ? "--scope: expected SMART scopes such as patient/*.read or patient/Observation.rs"
                          : "--scope: expected system scopes such as system/Subscription.r");

  auto loaded = load_config_or_report(args);
  if (!loaded) return 1;
  const auto& dev = loaded->security.jwt.dev_issuer;
  if (!dev)
    return refuse(loaded->source_path + " has no security.jwt.dev_issuer: no development tokens");
  if (!config::path_exists(dev->private_key))
    return refuse("security.jwt.dev_issuer.private_key: " + dev->private_key +
                  " does not exist (scripts/gen-dev-certs writes it)");
  auto signer = security::JwsSigner::load_private_key_file(dev->private_key, dev->kid);
  if (!signer) return refuse("security.jwt.dev_issuer.private_key: " + signer.error().describe());

  const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  auto token = signer->sign(claims_json(*dev, nhs_number, operator_name.value_or(""), scope, now, ttl));
  if (!token) return refuse(token.error().describe());
  std::cout << *token << "\n";
  std::cout.flush();
  return std::cout ? 0 : 1;
}

}  // namespace hie::cli
