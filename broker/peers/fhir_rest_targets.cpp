#include "broker/peers/fhir_rest_targets.hpp"

#include <algorithm>
#include <map>

namespace hie::peers::fhir_rest {
namespace {

/// The base URL's path without its trailing slashes: "/fhir", or "" at the root.
std::string base_path(const HttpUrl& base) {
  std::string path = base.path;
  while (!path.empty() && path.back() == '/') path.pop_back();
  return path;
}

/// FHIR search escapes ('\' before ',', '$' and '|') inside one token, then percent-encoding.
std::string search_token(std::string_view text) {
  std::string escaped;
  for (char c : text) {
    if (c == '\\' || c == ',' || c == '$' || c == '|') escaped += '\\';
    escaped += c;
  }
  return percent_encode(escaped);
}

/// The search parameter of `type` that holds its clinically relevant date (R4 search parameters).
std::string_view date_parameter(std::string_view type) {
  static const std::map<std::string, std::string, std::less<>> kParameters = {
      {"Condition", "onset-date"}, {"MedicationStatement", "effective"}};
  auto it = kParameters.find(type);
  return it == kParameters.end() ? "date" : std::string_view(it->second);
}

/// A date (YYYY-MM-DD) from a date or dateTime: $everything's start and end are dates.
std::string_view date_part(std::string_view date_or_time) { return date_or_time.substr(0, 10); }

}  // namespace

const std::vector<std::string>& record_types() {
  static const std::vector<std::string> kTypes = {
      "AllergyIntolerance",  "Condition",   "DiagnosticReport",
      "DocumentReference",   "Encounter",   "Immunization",
      "MedicationStatement", "Observation", "Procedure"};
  return kTypes;
}

bool is_fhir_id(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.';
  });
}

std::string patient_search_target(const HttpUrl& base,
                                  const std::vector<store::PatientIdentity>& identifiers) {
  std::string any_of;
  for (const auto& identity : identifiers) {
    if (!any_of.empty()) any_of += ',';  // FHIR's "or" between values
    if (!identity.system.empty()) any_of += search_token(identity.system) + "%7C";
    any_of += search_token(identity.value);
  }
  return base_path(base) + "/Patient?identifier=" + any_of;
}

std::string everything_target(const HttpUrl& base, std::string_view patient_id,
                              const protocol::QueryRequest& query) {
  std::string target = base_path(base) + "/Patient/" + std::string(patient_id) + "/$everything";
  char separator = '?';
  auto add = [&](std::string_view name, const std::string& value) {
    target += separator;
    target += name;
    target += '=';
    target += value;
    separator = '&';
  };
  if (!query.resource_types.empty()) {
    std::string types;
    for (const auto& type : query.resource_types)
      types += (types.empty() ? "" : ",") + percent_encode(type);
    add("_type", types);
  }
  if (!query.date_ge.empty()) add("start", percent_encode(date_part(query.date_ge)));
  if (!query.date_le.empty()) add("end", percent_encode(date_part(query.date_le)));
  return target;
}

std::string type_search_target(const HttpUrl& base, std::string_view type,
                               std::string_view patient_id, const protocol::QueryRequest& query) {
  std::string target =
      base_path(base) + "/" + percent_encode(type) + "?patient=" + std::string(patient_id);
  const std::string parameter(date_parameter(type));
  if (!query.date_ge.empty()) target += "&" + parameter + "=ge" + percent_encode(query.date_ge);
  if (!query.date_le.empty()) target += "&" + parameter + "=le" + percent_encode(query.date_le);
  return target;
}

std::vector<std::string> fallback_types(const protocol::QueryRequest& query) {
  if (query.resource_types.empty()) return record_types();
  std::vector<std::string> types;
  for (const auto& type : query.resource_types)
    if (type != "Patient" && std::find(types.begin(), types.end(), type) == types.end())
      types.push_back(type);
  return types;
}

std::optional<std::string> next_page_target(const HttpUrl& base, std::string_view link) {
  if (link.starts_with('/') && !link.starts_with("//")) {
    // A path on the same server: checked like an absolute URL.
    auto url = parse_http_url(base.scheme + "://" + base.authority() + std::string(link));
    if (!url) return std::nullopt;
    return url->target();
  }
  auto url = parse_http_url(link);
  if (!url || !same_origin(*url, base)) return std::nullopt;
  return url->target();
}

}  // namespace hie::peers::fhir_rest
