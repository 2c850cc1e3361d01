#include "broker/api/search_filter.hpp"

#include <algorithm>

namespace hie::api {
namespace {

/// The first and last moment a resource's search date covers, as written ("" when open).
struct DateRange {
  std::string start, end;
  bool known = false;
};

DateRange from(const std::string& text) { return {text, text, !text.empty()}; }
DateRange from(const model::Period& p) { return {p.start, p.end, !p.start.empty() || !p.end.empty()}; }

template <class... Alternatives>
DateRange from(const std::variant<Alternatives...>& choice) {
  return std::visit(
      [](const auto& x) -> DateRange {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, model::DateTime> || std::is_same_v<T, model::Instant>) return from(x.value);
        else if constexpr (std::is_same_v<T, model::Period>) return from(x);
        else return {};
      },
      choice);
}

DateRange date_of(const model::Resource& resource) {
  return std::visit(
      [](const auto& r) -> DateRange {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, model::Observation> || std::is_same_v<T, model::DiagnosticReport> ||
                      std::is_same_v<T, model::MedicationStatement>) {
          return from(r.effective);
        } else if constexpr (std::is_same_v<T, model::Condition>) {
          DateRange onset = from(r.onset);
          return onset.known ? onset : from(r.recorded_date);
        } else if constexpr (std::is_same_v<T, model::AllergyIntolerance>) {
          return from(r.recorded_date);
        } else if constexpr (std::is_same_v<T, model::Immunization>) {
          return from(r.occurrence);
        } else if constexpr (std::is_same_v<T, model::Procedure>) {
          return from(r.performed);
        } else if constexpr (std::is_same_v<T, model::Encounter>) {
          return r.period ? from(*r.period) : DateRange{};
        } else if constexpr (std::is_same_v<T, model::DocumentReference>) {
          return from(r.date);
        } else {
          return {};
        }
      },
      resource);
}

/// `value` cut to the bound's precision, so "2024-03-01T09:00" compares with "2024-03" as "2024-03".
int compare_at_precision(const std::string& value, const std::string& bound) {
  return value.compare(0, bound.size(), bound);
}

bool within(const DateRange& range, const DateBound& bound) {
  if (!range.known) return false;
  const std::string& start = range.start.empty() ? range.end : range.start;
  const std::string& end = range.end;  // "" : still going
  const std::string& v = bound.value;
  if (bound.prefix == "ge") return end.empty() || compare_at_precision(end, v) >= 0;
  if (bound.prefix == "gt") return end.empty() || compare_at_precision(end, v) > 0;
  if (bound.prefix == "le") return compare_at_precision(start, v) <= 0;
  if (bound.prefix == "lt") return compare_at_precision(start, v) < 0;
  // eq: the range lies within the bound's precision.
  return compare_at_precision(start, v) == 0 && (end.empty() ? range.start == range.end : compare_at_precision(end, v) == 0);
}

void add(std::vector<const model::Coding*>& out, const model::CodeableConcept& cc) {
  for (const auto& c : cc.coding) out.push_back(&c);
}
void add(std::vector<const model::Coding*>& out, const std::optional<model::CodeableConcept>& cc) {
  if (cc) add(out, *cc);
}
void add(std::vector<const model::Coding*>& out, const std::vector<model::CodeableConcept>& ccs) {
  for (const auto& c : ccs) add(out, c);
}

std::vector<const model::Coding*> categories_of(const model::Resource& resource, std::vector<model::Coding>& made) {
  std::vector<const model::Coding*> out;
  std::visit(
      [&](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, model::AllergyIntolerance>) {
          // A code, not a CodeableConcept: matched as a coding of the FHIR value set.
          made.reserve(r.category.size());
          for (const auto& code : r.category) made.push_back({"http://hl7.org/fhir/allergy-intolerance-category", {}, code, {}, {}});
          for (const auto& c : made) out.push_back(&c);
        } else if constexpr (std::is_same_v<T, model::Encounter>) {
          out.push_back(&r.class_);
        } else if constexpr (requires { r.category; }) {
          add(out, r.category);
        }
      },
      resource);
  return out;
}

std::vector<const model::Coding*> codes_of(const model::Resource& resource) {
  std::vector<const model::Coding*> out;
  std::visit(
      [&](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, model::MedicationStatement>) {
          if (const auto* cc = std::get_if<model::CodeableConcept>(&r.medication)) add(out, *cc);
        } else if constexpr (std::is_same_v<T, model::Immunization>) {
          add(out, r.vaccine_code);
        } else if constexpr (std::is_same_v<T, model::Encounter> || std::is_same_v<T, model::DocumentReference>) {
          add(out, r.type);
        } else if constexpr (requires { r.code; }) {
          add(out, r.code);
        }
      },
      resource);
  return out;
}

bool any_token(std::span<const std::string> tokens, const std::vector<const model::Coding*>& codings) {
  return std::ranges::any_of(tokens, [&](const std::string& token) {
    return std::ranges::any_of(codings, [&](const model::Coding* c) { return token_matches(token, *c); });
  });
}

}  // namespace

bool token_matches(std::string_view token, const model::Coding& coding) {
  const auto bar = token.find('|');
  if (bar == std::string_view::npos) return coding.code == token;
  const std::string_view system = token.substr(0, bar), code = token.substr(bar + 1);
  if (code.empty()) return coding.system == system;
  return coding.system == system && coding.code == code;  // "|code": system must be absent
}

bool matches(const model::Resource& resource, std::span<const DateBound> dates,
             std::span<const std::string> categories, std::span<const std::string> codes) {
  if (!dates.empty()) {
    const DateRange range = date_of(resource);
    for (const auto& bound : dates)
      if (!within(range, bound)) return false;
  }
  if (!categories.empty()) {
    std::vector<model::Coding> made;
    if (!any_token(categories, categories_of(resource, made))) return false;
  }
  if (!codes.empty() && !any_token(codes, codes_of(resource))) return false;
  return true;
}

}  // namespace hie::api
