#include "broker/api/bearer_auth.hpp"

#include <boost/beast/http/field.hpp>

#include "broker/api/fhir_response.hpp"
#include "broker/api/operator_certificates.hpp"
#include "broker/logging/log.hpp"
#include "broker/security/jwt_verifier.hpp"
#include "broker/security/principal.hpp"

namespace hie::api {

namespace http = boost::beast::http;

Caller authenticate(const security::TokenVerifier* verifier, const net::HttpRequest& request,
                    const net::RequestContext& context, const OperatorCertificates* operators) {
  auto unauthorized = [&](std::string_view error, std::string_view description) {
    auto response = outcome_response(request, 401, "login", description);
    std::string challenge = "Bearer realm=\"hiebroker\"";
    if (!error.empty())
      challenge += ", error=\"" + std::string(error) + "\", error_description=\"" + std::string(description) + "\"";
    response.set(http::field::www_authenticate, challenge);
    return response;
  };
  std::string_view header = request[http::field::authorization];
  if (header.empty() && operators && context.client_certificate)
    if (auto principal = operators->principal_for(*context.client_certificate)) {
      log::write(log::Level::info, {context.connection_id, context.request_id}, "operator by client certificate",
                 {{"operator", principal->subject}});
      return principal;
    }
  if (header.empty()) return unauthorized({}, "a bearer token is required");
  const auto token = security::bearer_token(header);
  if (!token) return unauthorized("invalid_request", "the Authorization header must be: Bearer TOKEN");
  if (!verifier) return unauthorized("invalid_token", "this broker has no token issuer configured");
  auto verified = verifier->verify(*token, std::chrono::system_clock::now());
  if (!verified) {
    log::warn({context.connection_id, context.request_id}, "bearer token refused: {}", verified.error().word());
    return unauthorized("invalid_token", verified.error().message());
  }
  return *verified;
}

std::optional<net::HttpResponse> operator_refusal(const security::Principal& principal,
                                                  const net::HttpRequest& request, std::string_view resource_type,
                                                  bool write) {
  if (principal.kind == security::ContextKind::system &&
      principal.allows(resource_type, write ? security::Access::update : security::Access::read))
    return std::nullopt;
  return outcome_response(request, 403, "forbidden",
                          "operators need a system token with system/" + std::string(resource_type) +
                              (write ? ".u" : ".r"));
}

}  // namespace hie::api
