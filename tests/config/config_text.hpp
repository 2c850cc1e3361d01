#pragma once
// Parsing a configuration given as text, for the settings tests: the outcome, and its errors as
// the lines `check-config` would print.

#include <string>
#include <vector>

#include "broker/config/load_config.hpp"

namespace hie::config::testing {

using Outcome = boost::system::result<Config, ConfigErrors>;

/// `text` as the file broker.json in `dir` (paths in it resolve against `dir`).
inline Outcome parse_text(const std::string& text, const std::string& dir = "/etc/hiebroker") {
  return parse_config(text, "broker.json", {}, dir);
}

/// Each error, described; none for a configuration that loaded.
inline std::vector<std::string> error_lines(const Outcome& outcome) {
  std::vector<std::string> out;
  if (!outcome)
    for (const auto& e : outcome.error().errors) out.push_back(e.describe());
  return out;
}

}  // namespace hie::config::testing
