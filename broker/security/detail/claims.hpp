#pragma once
// The claims checks that follow a good signature, and the Principal they yield.

#include <rapidjson/document.h>

#include <boost/system/result.hpp>
#include <chrono>

#include "broker/security/jwt_verifier.hpp"

namespace hie::security::detail {

/// Checks exp, nbf, aud, sub, patient, scope and purpose_of_use of `claims` (a JSON object whose
/// `iss` is `issuer.issuer`) as of `now`, and builds the Principal.
boost::system::result<Principal, TokenError> principal_from_claims(
    const rapidjson::Value& claims, const TrustedIssuer& issuer,
    std::chrono::system_clock::time_point now, std::chrono::seconds clock_skew);

}  // namespace hie::security::detail
