#include <iostream>

#include "broker/cli/args.hpp"
#include "broker/cli/commands.hpp"
#include "broker/cli/config_flags.hpp"
#include "broker/config/load_config.hpp"

namespace hie::cli {

namespace {
constexpr const char* kUsage =
    "usage: hiebroker check-config FILE [--set PATH=VALUE]...\n"
    "\n"
    "Reads and validates a configuration file without starting anything.\n"
    "Exit 0 when it is valid; otherwise prints one line per problem,\n"
    "FILE:LINE: SETTING: WHAT, and exits 1.\n";
}

int check_config_command(int argc, char** argv) {
  auto args = Args::parse(argc, argv, 2, {{"--set", true, true}, {"--help", false}});
  if (!args) {
    std::cerr << "hiebroker check-config: " << args.error().message() << "\n" << kUsage;
    return 2;
  }
  if (args->has("--help")) {
    std::cout << kUsage;
    return 0;
  }
  if (args->positionals().size() != 1) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string& file = args->positionals().front();
  auto config = config::load_config(file, args->values("--set"));
  if (!config) {
    for (const auto& error : config.error().errors) std::cerr << error.describe() << "\n";
    return 1;
  }
  if (!exchange_adapters_or_report(*config)) return 1;
  if (!token_verifier_or_report(*config)) return 1;
  std::cout << file << ": ok (" << config->exchanges.size() << " exchanges)\n";
  return 0;
}

}  // namespace hie::cli
