#include "broker/api/fhir_response.hpp"

#include <boost/beast/http/field.hpp>

#include "broker/model/json.hpp"

namespace hie::api {

namespace http = boost::beast::http;

net::HttpResponse fhir_response(const net::HttpRequest& request, unsigned status, std::string body) {
  auto response = net::text_response(request, status, std::move(body), "application/fhir+json; charset=utf-8");
  return response;
}

net::HttpResponse outcome_response(const net::HttpRequest& request, unsigned status, std::string_view code,
                                   std::string_view diagnostics) {
  model::OperationOutcome outcome;
  model::OperationOutcomeIssue issue;
  issue.severity = status >= 500 ? "fatal" : "error";
  issue.code = std::string(code);
  issue.diagnostics = std::string(diagnostics);
  outcome.issue.push_back(std::move(issue));
  auto json = model::to_json(model::Resource{std::move(outcome)});
  // The diagnostics are ours and ASCII: writing cannot fail, but never answer with nothing.
  return fhir_response(request, status,
                       json ? std::move(*json)
                            : R"({"resourceType":"OperationOutcome","issue":[{"severity":"fatal","code":"exception"}]})");
}

net::HttpResponse error_response(const net::HttpRequest& request, const Error& error) {
  switch (error.code()) {
    case Errc::not_found: return outcome_response(request, 404, "not-found", error.message());
    case Errc::unsupported: return outcome_response(request, 400, "not-supported", error.message());
    case Errc::invalid_argument:
    case Errc::parse_error:
    case Errc::validation_error: return outcome_response(request, 400, "invalid", error.message());
    case Errc::limit_exceeded: {
      auto response = outcome_response(request, 503, "throttled", error.message());
      response.set(http::field::retry_after, "1");
      return response;
    }
    default: return outcome_response(request, 500, "exception", "the broker could not answer: see its log");
  }
}

}  // namespace hie::api
