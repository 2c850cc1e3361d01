#pragma once
// The caller of an API request, from its `Authorization: Bearer` token: the verified Principal,
// or the 401 (OperationOutcome + WWW-Authenticate) to answer.

#include <memory>
#include <variant>

#include "broker/net/http_types.hpp"

namespace hie::security {
class TokenVerifier;
struct Principal;
}  // namespace hie::security

namespace hie::api {

using Caller = std::variant<std::shared_ptr<const security::Principal>, net::HttpResponse>;

/// `verifier` null: no issuer is configured, and every token is refused.
Caller authenticate(const security::TokenVerifier* verifier, const net::HttpRequest& request,
                    const net::RequestContext& context);

}  // namespace hie::api
