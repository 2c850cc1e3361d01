#pragma once
// SIGHUP: the configuration is read again and compared with the running one. What can change
// while the broker runs is applied at once; connections stay open. What cannot (listeners, the
// store, adapters, limits...) is named in the log as waiting for a restart; a file with errors
// changes nothing.

#include <string>
#include <vector>

#include "broker/config/config.hpp"

namespace hie::peers {
class ExchangeDirectory;
}

namespace hie::cli {

/// How the configuration just read differs from the running one.
struct ReloadPlan {
  bool log_level = false;    ///< logging.level: applied
  /// Exchanges (indices) whose credentials alone changed: applied to connections opened from now on.
  std::vector<std::size_t> new_credentials;
  /// Setting paths that differ and take effect only after a restart ("listeners", "exchanges[2] (city-hie)").
  std::vector<std::string> needs_restart;
};

ReloadPlan plan_reload(const config::Config& running, const config::Config& next);

/// `running` with what `plan` applies taken from `next`: the configuration in force after the reload.
config::Config apply_reload(config::Config running, const config::Config& next, const ReloadPlan& plan);

/// Reads `path` again with `overrides`, applies what can change while running (the log level; new
/// credentials into `directory`), and logs what was applied, what waits for a restart, or each
/// error of a file that cannot be used (then nothing changes). Returns the configuration in force.
config::Config reload_configuration(const config::Config& running, const std::string& path,
                                    const std::vector<std::string>& overrides, peers::ExchangeDirectory& directory);

}  // namespace hie::cli
