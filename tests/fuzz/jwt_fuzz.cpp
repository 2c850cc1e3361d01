// libFuzzer target: any bytes through the bearer token verifier. Two ways in:
//   - the input is a compact token as a client would send it (most inputs);
//   - an input starting with 'S' (ES256) or 'R' (RS256) is "HEADER\nPAYLOAD" that this target
//     signs with a key the verifier trusts, so mutations reach the claims checks behind a good
//     signature.
// Invariants: no crash, no hang, no sanitizer report; a refusal's message is one line and never
// quotes the token; an accepted token has an issuer, a subject and (a patient token) a valid
// patient; base64url decodes what it encodes.


#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "broker/security/base64url.hpp"
#include "broker/security/jws_signer.hpp"
#include "broker/security/jwt_verifier.hpp"
#include "tests/security/test_keys.hpp"

namespace {

using namespace hie::security;

struct Setup {
  Setup()
      : ec(JwsSigner::from_private_key_pem(
               testing::ec_key().private_pem, "e1")
               .value()),
        rsa(JwsSigner::from_private_key_pem(
                testing::rsa_key().private_pem, "r1")
                .value()) {
    std::vector<TrustedIssuer> issuers = {
        {"https://idp.example",
         "https://broker.example/fhir",
         {{"e1", "", ec.public_key()}, {"r1", "", rsa.public_key()}}},
        {"https://solo.example", "solo", {{"", "", ec.public_key()}}}};
    // No cache: every input takes the whole path.
    verifier = TokenVerifier::create(std::move(issuers), {std::chrono::seconds(60), 0}).value();
  }
  JwsSigner ec, rsa;
  std::shared_ptr<TokenVerifier> verifier;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Setup setup;
  // Fixed, so that seeds stay valid: 2023-11-14T22:13:20Z.
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));
  std::string_view bytes(reinterpret_cast<const char*>(data), size);

  if (base64url_decode(base64url_encode(bytes)) != std::string(bytes)) std::abort();

  std::string token(bytes);
  if (!bytes.empty() && (bytes[0] == 'S' || bytes[0] == 'R')) {
    auto newline = bytes.find('\n');
    if (newline == std::string_view::npos) return 0;
    const JwsSigner& signer = bytes[0] == 'S' ? setup.ec : setup.rsa;
    auto signed_token = signer.sign_parts(bytes.substr(1, newline - 1), bytes.substr(newline + 1));
    if (!signed_token) std::abort();
    token = std::move(*signed_token);
  }
  auto result = setup.verifier->verify(token, now);
  if (!result) {
    auto message = result.error().message();
    if (message.empty() || message.find('\n') != std::string::npos || result.error().word().empty())
      std::abort();
    return 0;
  }
  const Principal& p = **result;
  if (p.issuer.empty() || p.subject.empty()) std::abort();
  if (p.kind == ContextKind::patient && p.patient.size() != 10) std::abort();
  if (p.kind == ContextKind::user && p.purpose_of_use.empty()) std::abort();
  return 0;
}
