#pragma once
// FHIR JSON responses: a resource or Bundle with the FHIR media type, and errors as an
// OperationOutcome with the HTTP status that goes with them.

#include <string>
#include <string_view>

#include "broker/core/error.hpp"
#include "broker/net/http_types.hpp"

namespace hie::api {

/// `body` (FHIR JSON) as application/fhir+json.
net::HttpResponse fhir_response(const net::HttpRequest& request, unsigned status, std::string body);

/// An OperationOutcome with one issue. `code` is a FHIR IssueType ("not-found", "forbidden",
/// "invalid", "not-supported", "login", "throttled", "exception"); `diagnostics` is for people
/// and never holds patient data.
net::HttpResponse outcome_response(const net::HttpRequest& request, unsigned status, std::string_view code,
                                   std::string_view diagnostics);

/// The status and IssueType of an error from reading or serving a FHIR request.
net::HttpResponse error_response(const net::HttpRequest& request, const Error& error);

}  // namespace hie::api
