#pragma once
// What every `hiebroker COMMAND --config FILE [--set PATH=VALUE]...` command does first: read
// its flags, answer --help, insist on --config, and load the configuration, reporting problems
// the same way for every command.

#include <memory>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "broker/cli/args.hpp"
#include "broker/config/config.hpp"
#include "broker/routing/exchange_adapters.hpp"
#include "broker/security/jwt_verifier.hpp"

namespace hie::cli {

/// Parses --config, --set, --help and `extra`. An int is the exit code to return at once: 0
/// after printing `usage` for --help, 2 after a usage error (printed with "hiebroker COMMAND: ").
std::variant<Args, int> parse_config_flags(int argc, char** argv, std::string_view command, std::string_view usage,
                                           std::vector<FlagSpec> extra = {});

/// Loads --config with every --set applied; on failure prints each error as FILE:LINE and
/// returns nothing (the command exits 1).
std::optional<config::Config> load_config_or_report(const Args& args);

/// Every exchange's adapter, its mapping file read; on a problem (an unknown format, a bad mapping)
/// prints each as "FILE: exchanges[N] (ID): ..." and returns nothing (the command exits 1).
std::optional<routing::ExchangeAdapters> exchange_adapters_or_report(const config::Config& config);

/// The bearer token verifier of `security.jwt`, every key file read; on a problem (a key file
/// that is not a key) prints "FILE: SETTING: KEYFILE: why" and returns nothing (exit 1).
/// `registry`: where to count verifications; may be null.
std::optional<std::shared_ptr<security::TokenVerifier>> token_verifier_or_report(
    const config::Config& config, prometheus::Registry* registry = nullptr);

}  // namespace hie::cli
