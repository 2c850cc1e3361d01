#include "broker/api/fhir_request.hpp"

#include <algorithm>
#include <charconv>

namespace hie::api {
namespace {

constexpr std::string_view kPrefix = "/fhir";

Error bad(std::string message) { return make_error(Errc::invalid_argument, std::move(message), "request"); }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    out.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

/// A parameter name as a refusal names it: at most 40 characters, any but printable ASCII as '?'.
/// The message becomes an OperationOutcome's diagnostics, which must be valid UTF-8 on one line.
std::string quoted_name(std::string_view name) {
  std::string out(name.substr(0, 40));
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = '?';
  return out;
}

/// A FHIR id ([A-Za-z0-9-.]{1,64}).
bool is_fhir_id(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::ranges::all_of(id, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

/// "N", "Patient/N" or an absolute URL ending in "Patient/N".
Result<std::string> patient_reference_id(std::string_view value) {
  std::string_view id = value;
  if (auto at = value.rfind("Patient/"); at != std::string_view::npos) id = value.substr(at + 8);
  if (!is_fhir_id(id)) return bad("patient: expected a Patient id or reference");
  return std::string(id);
}

Result<DateBound> read_date(std::string_view value) {
  DateBound bound{"eq", std::string(value)};
  for (std::string_view prefix : {"eq", "ge", "gt", "le", "lt"})
    if (value.starts_with(prefix)) {
      bound = {std::string(prefix), std::string(value.substr(2))};
      break;
    }
  // YYYY, YYYY-MM, YYYY-MM-DD, or a dateTime starting with a full date.
  const std::string& v = bound.value;
  auto digits = [&](std::size_t from, std::size_t n) {
    return v.size() >= from + n && std::all_of(v.begin() + static_cast<long>(from), v.begin() + static_cast<long>(from + n),
                                                [](char c) { return c >= '0' && c <= '9'; });
  };
  const bool ok = digits(0, 4) && (v.size() == 4 || (v[4] == '-' && digits(5, 2) &&
                                                     (v.size() == 7 || (v[7] == '-' && digits(8, 2) &&
                                                                        (v.size() == 10 || v[10] == 'T')))));
  if (!ok) return bad("date: expected [eq|ge|gt|le|lt]YYYY[-MM[-DD[Thh:mm:ss[+zz:zz]]]]");
  return bound;
}

Result<std::size_t> read_count(std::string_view name, std::string_view value) {
  std::size_t n = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc{} || end != value.data() + value.size())
    return bad(std::string(name) + ": expected a whole number");
  return n;
}

/// Applies one parameter to `out`; which parameters a kind takes is checked here.
Status apply(FhirRequest& out, const QueryParameter& p) {
  using Kind = FhirRequest::Kind;
  const bool search = out.kind == Kind::type_search || out.kind == Kind::audit_search;
  if (p.name == "_count") {
    auto n = read_count(p.name, p.value);
    if (!n) return n.error();
    if (*n == 0) return bad("_count: must be at least 1");
    out.count = std::min(*n, kMaxPageSize);
  } else if (p.name == "_offset") {
    auto n = read_count(p.name, p.value);
    if (!n) return n.error();
    out.offset = *n;
  } else if (p.name == "_format") {
    if (p.value != "json" && p.value != "application/fhir+json" && p.value != "application/json")
      return make_error(Errc::unsupported, "_format: only JSON is served", "request");
  } else if (p.name == "identifier" && out.kind == Kind::patient_search) {
    const auto bar = p.value.find('|');
    if (bar == std::string::npos || bar == 0 || bar + 1 == p.value.size())
      return bad("identifier: expected SYSTEM|VALUE");
    out.identifier_system = p.value.substr(0, bar);
    out.identifier_value = p.value.substr(bar + 1);
  } else if ((p.name == "patient" || p.name == "subject") && search) {
    auto id = patient_reference_id(p.value);
    if (!id) return id.error();
    out.patient_id = std::move(*id);
  } else if (p.name == "date" && (search || out.kind == Kind::everything)) {
    auto d = read_date(p.value);
    if (!d) return d.error();
    out.dates.push_back(std::move(*d));
  } else if (p.name == "category" && out.kind == Kind::type_search) {
    for (auto one : split(p.value, ',')) out.categories.emplace_back(one);
  } else if (p.name == "code" && out.kind == Kind::type_search) {
    for (auto one : split(p.value, ',')) out.codes.emplace_back(one);
  } else if (p.name == "_type" && out.kind == Kind::everything) {
    for (auto one : split(p.value, ',')) {
      if (one != "Patient" && std::ranges::find(searchable_types(), one) == searchable_types().end())
        return bad("_type: not a resource type this server holds");
      out.types.emplace_back(one);
    }
  } else {
    // Ignoring an unknown filter would hand back more than was asked for: refuse it instead.
    return make_error(Errc::unsupported, "search parameter '" + quoted_name(p.name) + "' is not supported here",
                      "request");
  }
  return {};
}

}  // namespace

const std::vector<std::string>& searchable_types() {
  static const std::vector<std::string> types{"AllergyIntolerance", "Condition",        "DiagnosticReport",
                                              "DocumentReference",  "Encounter",        "Immunization",
                                              "MedicationStatement", "Observation",     "Procedure"};
  return types;
}

Result<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%') {
      if (i + 2 >= text.size()) return bad("a malformed percent escape");
      const int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return bad("a malformed percent escape");
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

Result<std::vector<QueryParameter>> read_query_parameters(std::string_view query) {
  std::vector<QueryParameter> out;
  if (query.empty()) return out;
  for (auto pair : split(query, '&')) {
    if (pair.empty()) continue;
    const auto equals = pair.find('=');
    auto name = percent_decode(pair.substr(0, equals));
    auto value = percent_decode(equals == std::string_view::npos ? std::string_view{} : pair.substr(equals + 1));
    if (!name) return name.error();
    if (!value) return value.error();
    out.push_back({std::move(*name), std::move(*value)});
  }
  return out;
}

Result<FhirRequest> read_fhir_request(std::string_view method, std::string_view target) {
  using Kind = FhirRequest::Kind;
  const std::size_t question = target.find('?');
  std::string_view path = target.substr(0, question);
  const std::string_view query = question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
  if (!path.starts_with(kPrefix) || (path.size() > kPrefix.size() && path[kPrefix.size()] != '/'))
    return make_error(Errc::not_found, "not a FHIR path", "request");
  path.remove_prefix(std::min(path.size(), kPrefix.size() + 1));
  if (path.ends_with('/')) path.remove_suffix(1);
  const auto parts = split(path, '/');

  FhirRequest out;
  out.path = std::string(path);
  out.query = std::string(query);
  const bool get = method == "GET" || method == "HEAD";
  if (parts.size() == 1 && parts[0] == "metadata" && get) {
    out.kind = Kind::metadata;
  } else if (parts.size() == 1 && parts[0] == "Patient" && get) {
    out.kind = Kind::patient_search;
  } else if (parts.size() == 2 && parts[0] == "Patient" && get) {
    out.kind = Kind::patient_read;
  } else if (parts.size() == 3 && parts[0] == "Patient" && parts[2] == "$everything" && get) {
    out.kind = Kind::everything;
  } else if (parts.size() == 1 && parts[0] == "AuditEvent" && get) {
    out.kind = Kind::audit_search;
  } else if (parts.size() == 1 && parts[0] == "Consent" && method == "POST") {
    out.kind = Kind::consent_create;
  } else if (parts.size() == 1 && get && std::ranges::find(searchable_types(), parts[0]) != searchable_types().end()) {
    out.kind = Kind::type_search;
    out.resource_type = std::string(parts[0]);
  } else {
    return make_error(Errc::not_found, "no FHIR interaction at this path for " + std::string(method.substr(0, 8)),
                      "request");
  }
  if (out.kind == Kind::patient_read || out.kind == Kind::everything) {
    if (!is_fhir_id(parts[1])) return bad("the Patient id is not a FHIR id");
    out.patient_id = std::string(parts[1]);
  }
  if (out.kind != Kind::type_search && out.kind != Kind::audit_search) out.resource_type = "Patient";
  if (out.kind == Kind::audit_search) out.resource_type = "AuditEvent";

  auto parameters = read_query_parameters(query);
  if (!parameters) return parameters.error();
  for (auto& parameter : *parameters) {
    if (parameter.value.empty()) continue;  // FHIR: a parameter without a value is ignored
    if (auto applied = apply(out, std::move(parameter)); !applied) return applied.error();
  }
  if (out.kind == Kind::patient_search && out.identifier_system.empty())
    return bad("identifier: a Patient search needs identifier=SYSTEM|VALUE");
  if ((out.kind == Kind::type_search || out.kind == Kind::audit_search) && out.patient_id.empty())
    return bad("patient: a search needs patient=ID (searches across patients are not served)");
  return out;
}

}  // namespace hie::api
