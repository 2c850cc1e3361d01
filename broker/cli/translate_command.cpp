#include <fstream>
#include <iostream>
#include <sstream>

#include "adapters/collection_bundle.hpp"
#include "adapters/registry.hpp"
#include "broker/cli/args.hpp"
#include "broker/cli/commands.hpp"
#include "broker/model/json.hpp"

namespace hie::cli {
namespace {

constexpr const char* kUsage =
    "usage: hiebroker translate --from FORMAT [--exchange ID] [--utc-offset +HH:MM] FILE...\n"
    "\n"
    "Translates every FILE from FORMAT into one FHIR R4 Bundle (type collection) on stdout:\n"
    "every resource from every file, plus one OperationOutcome listing what could not be\n"
    "carried over (with its source location, e.g. PID-11[2].4).\n"
    "Exit 0 when every input was read (warnings allowed); exit 1 with a one-line reason on\n"
    "stderr when an input cannot be read as FORMAT.\n"
    "  --exchange ID      exchange the input came from (meta.source); default 'translate'\n"
    "  --utc-offset OFS   offset assumed for times sent without one (default: none, such\n"
    "                     times are kept as dates and reported)\n";

}  // namespace

int translate_command(int argc, char** argv) {
  auto args = Args::parse(argc, argv, 2,
                          {{"--from", true}, {"--mapping", true}, {"--exchange", true}, {"--utc-offset", true},
                           {"--help", false}});
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
  if (args->has("--mapping")) {
    std::cerr << "hiebroker translate: --mapping is for CSV formats, which this build does not have yet\n";
    return 2;
  }
  adapters::Context context;
  context.exchange_id = args->value("--exchange").value_or("translate");
  context.default_utc_offset = args->value("--utc-offset").value_or("");

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
    auto translation = adapter->to_model(bytes.str(), context);
    if (!translation) {
      std::cerr << "hiebroker translate: " << file << ": not " << *format << ": " << translation.error().describe()
                << "\n";
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
