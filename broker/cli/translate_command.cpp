#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

#include "adapters/collection_bundle.hpp"
#include "adapters/registry.hpp"
#include "broker/routing/adapter_context.hpp"
#include "broker/routing/exchange_adapters.hpp"
#include "broker/cli/args.hpp"
#include "broker/cli/commands.hpp"
#include "broker/config/load_config.hpp"
#include "broker/config/value_formats.hpp"
#include "broker/model/json.hpp"

namespace hie::cli {
namespace {

constexpr const char* kUsage =
    "usage: hiebroker translate --from FORMAT [--mapping FILE] [--exchange ID [--config FILE]]\n"
    "                           [--utc-offset +HH:MM] FILE...\n"
    "\n"
    "Translates every FILE from FORMAT into one FHIR R4 Bundle (type collection) on stdout:\n"
    "every resource from every file, plus one OperationOutcome listing what could not be\n"
    "carried over (with its source location, e.g. PID-11[2].4).\n"
    "Exit 0 when every input was read (warnings allowed); exit 1 with a one-line reason on\n"
    "stderr when an input cannot be read as FORMAT.\n"
    "  --mapping FILE     mapping file that configures FORMAT (a CSV dialect: see\n"
    "                     config/mappings/ and docs/adapters.md)\n"
    "  --exchange ID      exchange the input came from (meta.source); default 'translate'\n"
    "  --config FILE      read exchange ID's settings from this broker configuration: its\n"
    "                     default_utc_offset, identifier_systems and mapping (needs\n"
    "                     --exchange; an exchange that is not configured is an error, exit 1)\n"
    "  --utc-offset OFS   offset (Z or +HH:MM) assumed for times sent without one; overrides\n"
    "                     the exchange's default_utc_offset (default: none, such times are\n"
    "                     kept as dates and reported)\n";

/// The Context for --config/--exchange/--utc-offset, and the exchange's mapping file (when --config
/// names one) in `mapping`; nullopt after printing why there is none, with the exit code in
/// `exit_code`.
std::optional<adapters::Context> context_from(const Args& args, std::string& mapping, int& exit_code) {
  adapters::Context context;
  context.exchange_id = args.value("--exchange").value_or("translate");
  if (auto file = args.value("--config")) {
    if (!args.has("--exchange")) {
      std::cerr << "hiebroker translate: --config needs --exchange ID, the exchange whose settings to use\n";
      exit_code = 2;
      return std::nullopt;
    }
    auto config = config::load_config(*file, {});
    if (!config) {
      for (const auto& error : config.error().errors) std::cerr << "hiebroker translate: " << error.describe() << "\n";
      exit_code = 1;
      return std::nullopt;
    }
    const auto* exchange = config::find_exchange(*config, context.exchange_id);
    if (!exchange) {
      std::string known;
      for (const auto& e : config->exchanges) known += (known.empty() ? "" : ", ") + e.id;
      std::cerr << "hiebroker translate: " << *file << ": no exchange '" << context.exchange_id
                << "' (configured: " << (known.empty() ? "none" : known) << ")\n";
      exit_code = 1;
      return std::nullopt;
    }
    context = routing::adapter_context(*exchange);
    if (exchange->format == args.value("--from")) mapping = exchange->mapping;
  }
  if (auto offset = args.value("--utc-offset")) {
    if (!config::is_utc_offset(*offset)) {
      std::cerr << "hiebroker translate: --utc-offset: expected Z or +HH:MM / -HH:MM (got \"" << *offset << "\")\n";
      exit_code = 2;
      return std::nullopt;
    }
    context.default_utc_offset = *offset;
  }
  return context;
}

/// "; it looks like cda" when another adapter recognises the input's first bytes.
std::string looks_like(const adapters::Registry& registry, std::string_view bytes, std::string_view tried) {
  const auto head = bytes.substr(0, adapters::sniff_bytes);
  for (const auto name : registry.formats())
    if (name != tried && registry.find(name)->sniff(head)) return "; it looks like " + std::string(name);
  return {};
}

}  // namespace

int translate_command(int argc, char** argv) {
  auto args = Args::parse(argc, argv, 2,
                          {{"--from", true}, {"--mapping", true}, {"--config", true}, {"--exchange", true},
                           {"--utc-offset", true}, {"--help", false}});
  if (!args) {
    std::cerr << "hiebroker translate: " << args.error().message() << "\n" << kUsage;
    return 2;
  }
  if (args->has("--help")) {
    std::cout << kUsage;
    return 0;
  }
  auto format = args->value("--from");
  if (!format || args->positionals().empty()) {
    std::cerr << kUsage;
    return 2;
  }
  const auto& registry = adapters::all_adapters();
  const adapters::Adapter* adapter = registry.find(*format);
  if (!adapter) {
    std::string known;
    for (auto name : registry.formats()) known += (known.empty() ? "" : ", ") + std::string(name);
    std::cerr << "hiebroker translate: unknown format '" << *format << "' (known: " << known << ")\n";
    return 2;
  }
  int exit_code = 0;
  std::string mapping;
  const auto context = context_from(*args, mapping, exit_code);
  if (!context) return exit_code;
  if (auto file = args->value("--mapping")) mapping = *file;
  std::unique_ptr<adapters::Adapter> configured;
  if (!mapping.empty()) {
    auto with_mapping = routing::adapter_with_mapping_file(*adapter, mapping);
    if (!with_mapping) {
      std::cerr << "hiebroker translate: --mapping: " << with_mapping.error().describe() << "\n";
      return 1;
    }
    configured = std::move(*with_mapping);
    adapter = configured.get();
  }

  adapters::Translation all;
  const bool several = args->positionals().size() > 1;
  for (const auto& file : args->positionals()) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::cerr << "hiebroker translate: " << file << ": cannot read the file\n";
      return 1;
    }
    std::ostringstream bytes;
    bytes << in.rdbuf();
    auto translation = adapter->to_model(bytes.str(), *context);
    if (!translation) {
      std::cerr << "hiebroker translate: " << file << ": not " << *format << ": " << translation.error().describe()
                << looks_like(registry, bytes.str(), *format) << "\n";
      return 1;
    }
    for (auto& resource : translation->resources) all.resources.push_back(std::move(resource));
    for (auto& issue : translation->issues) {
      if (several) issue.location = file + ": " + issue.location;
      all.issues.push_back(std::move(issue));
    }
  }
  auto json = model::to_json(adapters::to_collection_bundle(std::move(all)));
  if (!json) {
    std::cerr << "hiebroker translate: cannot write the result: " << json.error().describe() << "\n";
    return 1;
  }
  std::cout << *json << "\n";
  return 0;
}

}  // namespace hie::cli
