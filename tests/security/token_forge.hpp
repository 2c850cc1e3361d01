#pragma once
// Writing tokens in tests: claims as JSON members that a test can change one at a time, and
// compact tokens from any header and payload text.

#include <cstdint>
#include <map>
#include <string>

#include "broker/security/base64url.hpp"
#include "broker/security/jws_signer.hpp"

namespace hie::security::testing {

/// The instant the verifier tests run at: 2023-11-14T22:13:20Z.
constexpr std::int64_t kNow = 1'700'000'000;

/// A JSON object written from member name → raw JSON value.
class Claims {
 public:
  Claims& set(const std::string& name, const std::string& raw_json) {
    members_[name] = raw_json;
    return *this;
  }
  Claims& text(const std::string& name, const std::string& value) {
    return set(name, "\"" + value + "\"");
  }
  Claims& number(const std::string& name, std::int64_t value) {
    return set(name, std::to_string(value));
  }
  Claims& erase(const std::string& name) {
    members_.erase(name);
    return *this;
  }
  std::string json() const {
    std::string out = "{";
    for (const auto& [name, value] : members_)
      out += (out.size() > 1 ? "," : "") + ("\"" + name + "\":" + value);
    return out + "}";
  }

 private:
  std::map<std::string, std::string> members_;
};

/// header.payload.signature from texts, base64url-encoded here (signature bytes given raw).
inline std::string compact(const std::string& header, const std::string& payload,
                           const std::string& signature) {
  return base64url_encode(header) + "." + base64url_encode(payload) + "." +
         base64url_encode(signature);
}

/// Signs with `signer` under exactly `header`.
inline std::string signed_token(const JwsSigner& signer, const std::string& header,
                                const std::string& payload) {
  return signer.sign_parts(header, payload).value();
}

}  // namespace hie::security::testing
