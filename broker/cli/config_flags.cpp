#include "broker/cli/config_flags.hpp"

#include <iostream>

#include "adapters/registry.hpp"
#include "broker/config/load_config.hpp"

namespace hie::cli {

std::variant<Args, int> parse_config_flags(int argc, char** argv, std::string_view command, std::string_view usage,
                                           std::vector<FlagSpec> extra) {
  std::vector<FlagSpec> specs = {{"--config", true}, {"--set", true, true}, {"--help", false}};
  specs.insert(specs.end(), extra.begin(), extra.end());
  auto args = Args::parse(argc, argv, 2, specs);
  if (!args) {
    std::cerr << "hiebroker " << command << ": " << args.error().message() << "\n" << usage;
    return 2;
  }
  if (args->has("--help")) {
    std::cout << usage;
    return 0;
  }
  if (!args->value("--config") || !args->positionals().empty()) {
    std::cerr << usage;
    return 2;
  }
  return std::move(*args);
}

std::optional<config::Config> load_config_or_report(const Args& args) {
  auto loaded = config::load_config(*args.value("--config"), args.values("--set"));
  if (!loaded) {
    for (const auto& error : loaded.error().errors) std::cerr << error.describe() << "\n";
    return std::nullopt;
  }
  return std::move(*loaded);
}

std::optional<routing::ExchangeAdapters> exchange_adapters_or_report(const config::Config& config) {
  std::vector<std::string> problems;
  auto adapters = routing::ExchangeAdapters::build(config.exchanges, adapters::all_adapters(), problems);
  for (const auto& problem : problems) std::cerr << config.source_path << ": " << problem << "\n";
  if (!problems.empty()) return std::nullopt;
  return adapters;
}

std::optional<std::shared_ptr<security::TokenVerifier>> token_verifier_or_report(const config::Config& config,
                                                                                 prometheus::Registry* registry) {
  auto verifier = security::TokenVerifier::create(config.security.jwt, registry);
  if (!verifier) {
    std::cerr << config.source_path << ": " << verifier.error().describe() << "\n";
    return std::nullopt;
  }
  return std::move(*verifier);
}

}  // namespace hie::cli
