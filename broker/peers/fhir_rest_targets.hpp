#pragma once
// The request targets the broker asks a fhir-rest exchange's server for (FHIR R4 RESTful search,
// hl7.org/fhir/R4/search.html, and Patient/$everything), built from a peer query. Pure: no I/O.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/core/http_url.hpp"
#include "broker/peers/peer_protocol.hpp"

namespace hie::peers::fhir_rest {

/// The resource types asked one by one when a server has no $everything: those a shared care
/// record holds besides the Patient.
const std::vector<std::string>& record_types();

/// A FHIR resource id ([A-Za-z0-9-.]{1,64}), safe to put in a path as it is.
bool is_fhir_id(std::string_view id);

/// `[base]/Patient?identifier=...`: one search for any of the identifiers (`system|value`, or the
/// bare value when there is no system), each percent-encoded, FHIR's own `\` escapes applied.
std::string patient_search_target(const HttpUrl& base,
                                  const std::vector<store::PatientIdentity>& identifiers);

/// `[base]/Patient/{id}/$everything`, with `_type` when the query names types and `start`/`end`
/// (dates) from its date range.
std::string everything_target(const HttpUrl& base, std::string_view patient_id,
                              const protocol::QueryRequest& query);

/// `[base]/{type}?patient={id}`, with the type's date parameter (`date`, `onset-date`,
/// `effective`) for the query's date range.
std::string type_search_target(const HttpUrl& base, std::string_view type,
                               std::string_view patient_id, const protocol::QueryRequest& query);

/// The types asked when $everything is missing: the query's (but Patient, which the Patient
/// search already answered), or record_types() when it names none.
std::vector<std::string> fallback_types(const protocol::QueryRequest& query);

/// The request target of a Bundle's `next` link: an absolute URL on the base URL's origin, or a
/// path on it ("/fhir/..."). Nothing for a link elsewhere, which is never followed.
std::optional<std::string> next_page_target(const HttpUrl& base, std::string_view link);

}  // namespace hie::peers::fhir_rest
