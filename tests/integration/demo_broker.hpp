#pragma once
// The demo broker as the end-to-end suites run it (FHIR API, operators, faults): config/demo.json
// with an HTTPS listener for the hie-sim peers, development certificates and token issuer in its
// own temporary folder, and its exchanges' feeds: valley-hie and city-hie as hie-sim peers over
// WebSocket + mutual TLS, north-hie's HL7 v2 files over MLLP.

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/integration/broker_process.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace hie::testing {

inline const std::string kSimBinary = std::string(HIE_BINARY_DIR) + "/bin/hie-sim";

class DemoBroker {
 public:
  /// Writes the development certificates, then starts `hiebroker serve` with `extra` appended to
  /// its flags. Empty on success, otherwise what failed.
  std::string start(const std::vector<std::string>& extra = {}) {
    const std::string gen_dev_certs = std::string(HIE_SOURCE_DIR) + "/scripts/gen-dev-certs";
    if (run_command({gen_dev_certs, "--out", certs()}).exit_code != 0) return "scripts/gen-dev-certs failed";
    std::vector<std::string> flags = config_flags();
    for (auto& flag : https_listener_flags(certs())) flags.push_back(flag);
    flags.insert(flags.end(), extra.begin(), extra.end());
    process_ = std::make_unique<ChildProcess>(serve_argv(dir_, flags), log());
    auto http = read_listening_port(*process_, "http");
    auto https = read_listening_port(*process_, "https");
    auto mllp = read_listening_port(*process_, "mllp");
    if (!http || !https || !mllp) return "the broker did not start; see " + log();
    http_port_ = *http;
    https_port_ = *https;
    mllp_port_ = *mllp;
    return "";
  }

  /// `hie-sim peer` as the demo exchange `name` ("valley", "city"), with `flags`; its stderr goes
  /// to NAME-sim.log in the folder.
  std::unique_ptr<ChildProcess> start_peer(const std::string& name, const std::vector<std::string>& flags = {}) const {
    auto argv = sim_peer_argv(name, https_port_, certs());
    argv.insert(argv.end(), flags.begin(), flags.end());
    return std::make_unique<ChildProcess>(argv, dir_.path(name + "-sim.log"));
  }

  /// `hie-sim mllp` sending north-hie's HL7 v2 files (north_files()) to the MLLP listener, with `flags`.
  std::vector<std::string> north_feed_argv(const std::vector<std::string>& flags = {}) const {
    std::vector<std::string> argv = {kSimBinary, "mllp", "--host", "127.0.0.1", "--port", std::to_string(mllp_port_)};
    argv.insert(argv.end(), flags.begin(), flags.end());
    for (auto& file : north_files()) argv.push_back(file);
    return argv;
  }

  /// config/sim/data/north/*.hl7, in name order.
  static std::vector<std::string> north_files() {
    std::vector<std::string> files;
    for (const auto& f : std::filesystem::directory_iterator(std::string(HIE_SOURCE_DIR) + "/config/sim/data/north"))
      if (f.path().extension() == ".hl7") files.push_back(f.path().string());
    std::ranges::sort(files);
    return files;
  }

  const TempDir& dir() const { return dir_; }
  std::string certs() const { return dir_.path("dev-certs"); }
  std::string issuer_key() const { return certs() + "/dev-issuer.key"; }
  /// Makes the configuration's development issuer sign with this folder's key: for serve, and for
  /// `hiebroker dev-token` to sign tokens the broker accepts.
  std::vector<std::string> config_flags() const {
    return {"--set", "security.jwt.dev_issuer.private_key=" + issuer_key()};
  }
  std::string log() const { return dir_.path("broker.log"); }
  ChildProcess& process() { return *process_; }
  std::uint16_t http_port() const { return http_port_; }
  std::uint16_t https_port() const { return https_port_; }
  std::uint16_t mllp_port() const { return mllp_port_; }

 private:
  TempDir dir_;
  std::unique_ptr<ChildProcess> process_;
  std::uint16_t http_port_ = 0, https_port_ = 0, mllp_port_ = 0;
};

}  // namespace hie::testing
