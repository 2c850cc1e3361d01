#pragma once
// The caller of an API request, from its `Authorization: Bearer` token: the verified Principal,
// or the 401 (OperationOutcome + WWW-Authenticate) to answer.

#include <memory>
#include <optional>
#include <string_view>
#include <variant>

#include "broker/net/http_types.hpp"

namespace hie::security {
class TokenVerifier;
struct Principal;
}  // namespace hie::security

namespace hie::api {

using Caller = std::variant<std::shared_ptr<const security::Principal>, net::HttpResponse>;

class OperatorCertificates;

/// `verifier` null: no issuer is configured, and every token is refused. `operators` (admin
/// routes only): a request without an Authorization header whose TLS client certificate names
/// a configured operator acts as that operator.
Caller authenticate(const security::TokenVerifier* verifier, const net::HttpRequest& request,
                    const net::RequestContext& context, const OperatorCertificates* operators = nullptr);

/// An operator's request under /admin needs a system token allowed to read (`write` false) or
/// update `resource_type`; otherwise the 403 to answer, naming the scope it lacks.
std::optional<net::HttpResponse> operator_refusal(const security::Principal& principal,
                                                  const net::HttpRequest& request, std::string_view resource_type,
                                                  bool write);

}  // namespace hie::api
