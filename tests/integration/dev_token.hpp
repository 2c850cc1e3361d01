#pragma once
// A patient's development token from `hiebroker dev-token` on the demo config, for integration
// tests that ask the FHIR API as that patient.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/integration/broker_process.hpp"
#include "tests/support/child_process.hpp"

namespace hie::testing {

/// `config_flags` are the test broker's --set flags (its dev issuer key); `scope` is optional.
/// "" (and a test failure) when dev-token fails.
inline std::string patient_dev_token(const std::vector<std::string>& config_flags, const std::string& nhs_number,
                                     const std::string& scope = "") {
  std::vector<std::string> argv = {kBinary, "dev-token", "--config", kDemoConfig};
  argv.insert(argv.end(), config_flags.begin(), config_flags.end());
  argv.insert(argv.end(), {"--patient", nhs_number});
  if (!scope.empty()) argv.insert(argv.end(), {"--scope", scope});
  auto result = run_command(argv);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  std::string out = result.out;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

}  // namespace hie::testing
