#pragma once
// The search parameters `date`, `category` and `code` applied to merged resources. Exchanges
// may ignore a query's filters (a stored feed has no query at all), so the broker applies them
// itself to whatever came back. Pure.

#include <span>
#include <string>
#include <vector>

#include "broker/api/fhir_request.hpp"
#include "broker/model/resource.hpp"

namespace hie::api {

/// True when `resource` satisfies every date bound, one of `categories` (when any) and one of
/// `codes` (when any). Which element each parameter reads, per type, is in docs/query.md:
/// FHIR R4's own `date` where the type has one (Observation.effective, Encounter.period, ...),
/// else the nearest (Condition: onset, else recordedDate). Dates compare at the precision of the
/// bound ("ge2024-03" matches anything in March 2024 or later), as written by the source.
bool matches(const model::Resource& resource, std::span<const DateBound> dates,
             std::span<const std::string> categories, std::span<const std::string> codes);

/// A token parameter value ("system|code", "code", "system|", "|code") against one coding.
bool token_matches(std::string_view token, const model::Coding& coding);

}  // namespace hie::api
