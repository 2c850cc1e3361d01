#pragma once
// An operator's system token for integration tests, signed with the development issuer's key
// (scripts/gen-dev-certs' dev-issuer.key) that the test broker's config trusts.

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "broker/security/jws_signer.hpp"

namespace hie::testing {

/// A token for subject "operator-1" with `scope` (e.g. "system/Subscription.r"), valid 10 minutes;
/// "" (and a test failure) when the key cannot sign.
inline std::string system_token(const std::string& issuer_key_path, const std::string& scope) {
  auto signer = security::JwsSigner::load_private_key_file(issuer_key_path, "dev");
  if (!signer) {
    ADD_FAILURE() << signer.error().describe();
    return "";
  }
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  auto token = signer->sign(R"({"iss":"https://hiebroker.dev/issuer","aud":"hiebroker-dev","sub":"operator-1",)"
                            R"("scope":")" + scope + R"(","iat":)" + std::to_string(now) + R"(,"exp":)" +
                            std::to_string(now + 600) + "}");
  if (!token) {
    ADD_FAILURE() << token.error().describe();
    return "";
  }
  return *token;
}

}  // namespace hie::testing
