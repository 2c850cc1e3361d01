#pragma once
// Reads and validates a configuration file into an immutable Config.

#include <memory>
#include <string>
#include <vector>

#include "broker/config/config.hpp"
#include "broker/core/result.hpp"

namespace hie::config {

/// Every problem found, each naming file:line (or the --set that caused it) and the setting.
class ConfigErrors {
 public:
  ConfigErrors() = default;
  explicit ConfigErrors(std::vector<Error> errors) : errors(std::move(errors)) {}
  std::vector<Error> errors;
};

/// Parses `text` as if read from `file`, applies `overrides` ("PATH=VALUE") in order, and
/// validates the whole tree. Relative paths are resolved against `base_dir`.
/// On failure returns every error found, not just the first.
boost::system::result<Config, ConfigErrors> parse_config(std::string_view text, const std::string& file,
                                                         const std::vector<std::string>& overrides,
                                                         const std::string& base_dir);

/// Reads `path` and calls parse_config with the file's folder as base_dir.
boost::system::result<Config, ConfigErrors> load_config(const std::string& path,
                                                        const std::vector<std::string>& overrides);

}  // namespace hie::config

namespace hie::config {
[[noreturn]] void throw_exception_from_error(const ConfigErrors& e, const boost::source_location& loc);
}
