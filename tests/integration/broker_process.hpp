#pragma once
// Starting the real hiebroker for integration tests: the demo configuration with every port
// picked by the kernel and the store in the test's own folder, so tests run side by side.

#include <cstdint>
#include <filesystem>
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

/// config/demo-tls.json copied into `dir` with the mapping files it names, so that the dev-certs/
/// it names is dir/dev-certs. Returns the copy's path.
inline std::string copy_demo_tls_config(const TempDir& dir) {
  const std::filesystem::path config = std::string(HIE_SOURCE_DIR) + "/config";
  std::filesystem::copy_file(config / "demo-tls.json", dir.path("demo-tls.json"));
  std::filesystem::copy(config / "mappings", dir.path("mappings"), std::filesystem::copy_options::recursive);
  return dir.path("demo-tls.json");
}

/// The serve_argv extra that adds an HTTPS listener (port 0, serving /peer) with the broker
/// certificate scripts/gen-dev-certs wrote into `certs`.
inline std::vector<std::string> https_listener_flags(const std::string& certs) {
  return {"--set", "listeners.https={\"bind\": \"127.0.0.1\", \"port\": 0, \"tls\": {\"cert\": \"" + certs +
                       "/broker.crt\", \"key\": \"" + certs + "/broker.key\", \"ca\": \"" + certs + "/ca.crt\"}}"};
}

/// `hie-sim peer` for the demo exchange `name` ("valley", "city": config/sim/NAME.json, the
/// certificate of NAME-hie in `certs`) against the broker's HTTPS listener on `https_port`.
inline std::vector<std::string> sim_peer_argv(const std::string& name, std::uint16_t https_port,
                                              const std::string& certs) {
  return {std::string(HIE_BINARY_DIR) + "/bin/hie-sim", "peer", "--url",
          "wss://127.0.0.1:" + std::to_string(https_port) + "/peer", "--dataset",
          std::string(HIE_SOURCE_DIR) + "/config/sim/" + name + ".json", "--cert", certs + "/" + name + "-hie.crt",
          "--key", certs + "/" + name + "-hie.key", "--ca", certs + "/ca.crt"};
}

/// `hiebroker journal` for the store serve_argv(dir) uses.
inline std::vector<std::string> journal_argv(const TempDir& dir) {
  return {kBinary, "journal", "--config", kDemoConfig, "--set", "store.sqlite.path=" + dir.path("broker.db")};
}

}  // namespace hie::testing
