#include "broker/model/issues.hpp"

#include <algorithm>

namespace hie::model {

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::fatal:
      return "fatal";
    case Severity::error:
      return "error";
    case Severity::warning:
      return "warning";
    case Severity::information:
      return "information";
  }
  return "error";
}

bool has_errors(const Issues& issues) {
  return std::any_of(issues.begin(), issues.end(), [](const Issue& i) {
    return i.severity == Severity::error || i.severity == Severity::fatal;
  });
}

OperationOutcome to_operation_outcome(const Issues& issues) {
  OperationOutcome outcome;
  for (const Issue& issue : issues) {
    OperationOutcomeIssue& out = outcome.issue.emplace_back();
    out.severity = to_string(issue.severity);
    out.code = issue.code.empty() ? "processing" : issue.code;
    out.diagnostics = issue.message;
    if (!issue.location.empty()) out.location.push_back(issue.location);
  }
  if (outcome.issue.empty()) {
    OperationOutcomeIssue& out = outcome.issue.emplace_back();
    out.severity = "information";
    out.code = "informational";
    out.diagnostics = "no issues";
  }
  return outcome;
}

}  // namespace hie::model
