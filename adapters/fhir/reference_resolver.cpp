#include "adapters/fhir/reference_resolver.hpp"

#include <optional>

#include "adapters/fhir/r4_resource_types.hpp"

namespace hie::adapters::fhir {
namespace {

using IdentifierPair = std::pair<std::string, std::string>;

std::string_view without_history(std::string_view url) {
  if (auto h = url.find("/_history/"); h != std::string_view::npos) return url.substr(0, h);
  return url;
}

bool is_http_url(std::string_view url) {
  return url.starts_with("http://") || url.starts_with("https://");
}

/// "Type?criteria": a bare type name before the '?' (the criteria may hold URLs).
bool is_conditional(std::string_view r) {
  const std::size_t q = r.find('?');
  if (q == 0 || q == std::string_view::npos) return false;
  for (char c : r.substr(0, q)) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return false;
  }
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// The reference string cannot stay: says what the Reference keeps instead.
ReferenceResolution fall_back(model::Reference& ref, std::string_view type,
                              const std::optional<IdentifierPair>& identifier,
                              std::string_view absolute_url, std::string reason) {
  ref.reference.clear();
  if (ref.type.empty() && is_r4_resource_type(type)) ref.type = type;  // type is a uri: no junk
  if (!ref.identifier && identifier) {
    model::Identifier& id = ref.identifier.emplace();
    id.system = identifier->first;
    id.value = identifier->second;
    return {ReferenceOutcome::rewritten,
            reason + "; kept as a logical reference (type and identifier)"};
  }
  if (ref.identifier) {
    return {ReferenceOutcome::rewritten, reason + "; kept as a logical reference (its identifier)"};
  }
  if (is_http_url(absolute_url)) {
    ref.reference = absolute_url;
    return {ReferenceOutcome::rewritten, reason + "; kept as the absolute URL of that entry"};
  }
  if (!ref.display.empty()) {
    return {ReferenceOutcome::rewritten, reason + "; reference removed, display kept"};
  }
  ref.type.clear();  // a type alone says nothing: the Reference goes
  return {ReferenceOutcome::rewritten, reason + "; reference removed"};
}

std::string a_type(std::string_view type) {
  if (!is_r4_resource_type(type)) return "a resource";  // the input's text is not echoed
  const bool vowel = std::string_view("AEIOU").find(type.front()) != std::string_view::npos;
  return (vowel ? "an " : "a ") + std::string(type);
}

}  // namespace

std::string url_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
               hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

ReferenceResolver::ReferenceResolver(std::vector<ReferenceTarget> targets)
    : targets_(std::move(targets)) {
  for (std::size_t i = 0; i < targets_.size(); ++i) {
    const ReferenceTarget& t = targets_[i];
    // The first entry wins when an input repeats a fullUrl (history Bundles).
    if (!t.full_url.empty()) by_full_url_.emplace(t.full_url, i);
    if (!t.source_id.empty()) by_type_and_id_.emplace(t.type + '/' + t.source_id, i);
  }
}

const ReferenceTarget* ReferenceResolver::by_full_url(std::string_view url) const {
  auto it = by_full_url_.find(std::string(url));
  return it == by_full_url_.end() ? nullptr : &targets_[it->second];
}

const ReferenceTarget* ReferenceResolver::by_type_and_id(std::string_view type,
                                                         std::string_view id) const {
  auto it = by_type_and_id_.find(std::string(type) + '/' + std::string(id));
  return it == by_type_and_id_.end() ? nullptr : &targets_[it->second];
}

ReferenceResolution ReferenceResolver::point_at(model::Reference& ref,
                                                const ReferenceTarget& target) const {
  if (!target.model_id.empty()) {
    ref.reference = target.type + '/' + target.model_id;
    return {ReferenceOutcome::resolved, {}};
  }
  std::optional<IdentifierPair> identifier;
  if (!target.identifiers.empty()) identifier = target.identifiers.front();
  return fall_back(ref, target.type, identifier, target.full_url,
                   "points at " + a_type(target.type) + ", which the model does not hold");
}

ReferenceResolution ReferenceResolver::resolve(model::Reference& ref,
                                               std::string_view referrer_full_url) const {
  const std::string r = ref.reference;
  if (r.empty() || r.starts_with('#')) return {};
  if (is_conditional(r)) return resolve_conditional(ref);
  const bool is_urn = r.starts_with("urn:");
  const bool is_absolute = r.find("://") != std::string::npos;
  if (is_urn) {
    if (const ReferenceTarget* t = by_full_url(r)) return point_at(ref, *t);
    return fall_back(ref, {}, std::nullopt, {}, "names no entry of this input");
  }
  const std::string_view url = without_history(r);
  if (is_absolute) {
    const ReferenceTarget* t = by_full_url(url);
    return t ? point_at(ref, *t) : ReferenceResolution{};
  }
  // Relative: "Type/id", against the referring entry's RESTful base, else by type and input id.
  const std::size_t slash = url.find('/');
  if (slash == std::string_view::npos || url.find('/', slash + 1) != std::string_view::npos) {
    return {};
  }
  const std::string_view type = url.substr(0, slash);
  const std::string_view id = url.substr(slash + 1);
  std::string_view base = without_history(referrer_full_url);
  if (is_http_url(base)) {
    for (int segment = 0; segment < 2; ++segment) {  // drop "<Type>/<id>" of the referrer
      const std::size_t last = base.rfind('/');
      base = base.substr(0, last == std::string_view::npos ? 0 : last);
    }
    if (const ReferenceTarget* t = by_full_url(std::string(base) + '/' + std::string(url))) {
      return point_at(ref, *t);
    }
  }
  if (const ReferenceTarget* t = by_type_and_id(type, id)) return point_at(ref, *t);
  return {};
}

ReferenceResolution ReferenceResolver::resolve_conditional(model::Reference& ref) const {
  const std::string r = ref.reference;
  const std::size_t q = r.find('?');
  const std::string type = r.substr(0, q);
  const std::string_view query = std::string_view(r).substr(q + 1);
  const std::size_t eq = query.find('=');
  const bool one_identifier = query.find('&') == std::string_view::npos &&
                              eq != std::string_view::npos && query.substr(0, eq) == "identifier" &&
                              eq + 1 < query.size();
  if (!one_identifier) {
    return fall_back(ref, type, std::nullopt, {},
                     "conditional reference by other criteria than one identifier (only a "
                     "transaction can resolve it)");
  }
  const std::string condition = url_decode(query.substr(eq + 1));
  const std::size_t bar = condition.find('|');
  IdentifierPair wanted = bar == std::string::npos
                              ? IdentifierPair{{}, condition}
                              : IdentifierPair{condition.substr(0, bar), condition.substr(bar + 1)};
  std::vector<const ReferenceTarget*> matches;
  for (const ReferenceTarget& t : targets_) {
    if (t.type != type) continue;
    for (const auto& [system, value] : t.identifiers) {
      if (value == wanted.second && (bar == std::string::npos || system == wanted.first)) {
        matches.push_back(&t);
        break;
      }
    }
  }
  if (matches.size() == 1 && !matches.front()->model_id.empty()) {
    return point_at(ref, *matches.front());
  }
  std::string reason =
      matches.empty() ? "conditional reference to " + a_type(type) + " not in this input"
      : matches.size() > 1
          ? "conditional reference matching " + std::to_string(matches.size()) +
                " entries of this input"
          : "conditional reference to " + a_type(type) + ", which the model does not hold";
  if (wanted.second.empty()) return fall_back(ref, type, std::nullopt, {}, std::move(reason));
  return fall_back(ref, type, wanted, {}, std::move(reason));
}

}  // namespace hie::adapters::fhir
