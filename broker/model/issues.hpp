#pragma once
// Issues: what a reader could not hold, or what a validator found wrong. Values, never logged.

#include <string>
#include <string_view>
#include <vector>

#include "broker/model/consent.hpp"

namespace hie::model {

enum class Severity { fatal, error, warning, information };

/// FHIR IssueSeverity code ("warning").
std::string_view to_string(Severity severity);

/// One finding. `location` says where: a JSON pointer into the FHIR JSON
/// (`/contact/0/organization`,
/// `/entry/3/resource/code`) for the model's own readers and validator; adapters use their source
/// notation (`PID-11[2].4`). Messages name elements, never patient data.
struct Issue {
  Severity severity = Severity::warning;
  std::string code;  ///< FHIR IssueType: "not-supported", "value", "required", "invalid", ...
  std::string location;
  std::string message;
  bool operator==(const Issue&) const = default;
};

using Issues = std::vector<Issue>;

/// Most issues one read or one validate() lists; past it, one final issue (code "too-costly",
/// no location) says "N further issues not listed", so hostile input cannot grow the list.
inline constexpr std::size_t max_issues_per_document = 1000;

/// True when any issue is an error or fatal.
bool has_errors(const Issues& issues);

/// The issues as an OperationOutcome (one issue each: severity, code, diagnostics = message,
/// location = location). With no issues, one `information` issue says so, as FHIR needs 1..*.
OperationOutcome to_operation_outcome(const Issues& issues);

}  // namespace hie::model
