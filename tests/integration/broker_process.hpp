#pragma once
// Starting the real hiebroker for integration tests: the demo configuration with every port
// picked by the kernel and the store in the test's own folder, so tests run side by side.

#include <string>
#include <vector>

#include "tests/support/temp_dir.hpp"

namespace hie::testing {

inline const std::string kBinary = std::string(HIE_BINARY_DIR) + "/bin/hiebroker";
inline const std::string kDemoConfig = std::string(HIE_SOURCE_DIR) + "/config/demo.json";

/// `hiebroker serve` on the demo config (or `config`), ports 0, store in `dir`; `extra` is appended.
inline std::vector<std::string> serve_argv(const TempDir& dir, std::vector<std::string> extra = {},
                                           const std::string& config = kDemoConfig) {
  std::vector<std::string> argv = {kBinary, "serve", "--config", config,
                                   "--set", "listeners.http.port=0", "--set", "listeners.mllp.port=0",
                                   "--set", "store.sqlite.path=" + dir.path("broker.db")};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

/// `hiebroker journal` for the store serve_argv(dir) uses.
inline std::vector<std::string> journal_argv(const TempDir& dir) {
  return {kBinary, "journal", "--config", kDemoConfig, "--set", "store.sqlite.path=" + dir.path("broker.db")};
}

}  // namespace hie::testing
