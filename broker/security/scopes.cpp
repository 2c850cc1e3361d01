#include "broker/security/scopes.hpp"

#include <algorithm>
#include <array>
#include <optional>

namespace hie::security {
namespace {

constexpr std::uint8_t bit(Access a) { return static_cast<std::uint8_t>(a); }
constexpr std::uint8_t kAll = bit(Access::create) | bit(Access::read) | bit(Access::update) |
                              bit(Access::delete_) | bit(Access::search);

/// Scopes about identity and launch, which say nothing about resources.
constexpr std::array<std::string_view, 8> kKnownNonResourceScopes = {
    "openid",         "fhirUser",         "profile",        "launch",
    "launch/patient", "launch/encounter", "offline_access", "online_access"};

std::optional<ContextKind> parse_context(std::string_view text) {
  if (text == "patient") return ContextKind::patient;
  if (text == "user") return ContextKind::user;
  if (text == "system") return ContextKind::system;
  return std::nullopt;
}

/// A FHIR resource type name: an upper-case letter, then letters (and digits, for safety).
bool is_resource_type(std::string_view text) {
  if (text == "*") return true;
  if (text.empty() || text.size() > 64 || text[0] < 'A' || text[0] > 'Z') return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  });
}

/// v1 words, or v2 letters in the order c, r, u, d, s, each at most once.
std::optional<std::uint8_t> parse_permissions(std::string_view text) {
  if (text == "read") return bit(Access::read) | bit(Access::search);
  if (text == "write") return bit(Access::create) | bit(Access::update) | bit(Access::delete_);
  if (text == "*") return kAll;
  constexpr std::string_view kOrder = "cruds";
  constexpr std::array<Access, 5> kBits = {Access::create, Access::read, Access::update,
                                           Access::delete_, Access::search};
  if (text.empty()) return std::nullopt;
  std::uint8_t access = 0;
  std::size_t next = 0;
  for (char c : text) {
    auto at = kOrder.find(c, next);
    if (at == std::string_view::npos) return std::nullopt;
    access |= bit(kBits[at]);
    next = at + 1;
  }
  return access;
}

}  // namespace

std::string_view to_string(ContextKind kind) {
  switch (kind) {
    case ContextKind::patient:
      return "patient";
    case ContextKind::user:
      return "user";
    case ContextKind::system:
      return "system";
  }
  return "patient";
}

Scopes Scopes::parse(std::string_view scope_claim) {
  Scopes scopes;
  std::size_t pos = 0;
  while (pos < scope_claim.size()) {
    auto end = scope_claim.find(' ', pos);
    if (end == std::string_view::npos) end = scope_claim.size();
    if (end > pos) scopes.add_word(scope_claim.substr(pos, end - pos));
    pos = end + 1;
  }
  return scopes;
}

Scopes Scopes::parse(const std::vector<std::string>& words) {
  Scopes scopes;
  for (const auto& word : words) scopes.add_word(word);
  return scopes;
}

void Scopes::add_word(std::string_view word) {
  if (std::find(kKnownNonResourceScopes.begin(), kKnownNonResourceScopes.end(), word) !=
      kKnownNonResourceScopes.end())
    return;
  // A v2 scope narrowed by a query grants less than its bare form; unable to enforce the
  // narrowing, the broker grants nothing for it.
  if (word.find('?') != std::string_view::npos) {
    ++ignored_words_;
    return;
  }
  auto slash = word.find('/');
  auto dot = word.rfind('.');
  std::optional<ContextKind> context;
  std::optional<std::uint8_t> access;
  if (slash != std::string_view::npos && dot != std::string_view::npos && dot > slash) {
    context = parse_context(word.substr(0, slash));
    auto resource = word.substr(slash + 1, dot - slash - 1);
    access = parse_permissions(word.substr(dot + 1));
    if (context && access && is_resource_type(resource)) {
      grants_.push_back({*context, std::string(resource), *access});
      return;
    }
  }
  ++ignored_words_;
}

bool Scopes::allows(ContextKind context, std::string_view resource_type, Access access) const {
  return std::any_of(grants_.begin(), grants_.end(), [&](const ScopeGrant& g) {
    return g.context == context && (g.access & bit(access)) != 0 &&
           (g.resource_type == "*" || g.resource_type == resource_type);
  });
}

bool Scopes::has_context(ContextKind context) const {
  return std::any_of(grants_.begin(), grants_.end(),
                     [&](const ScopeGrant& g) { return g.context == context; });
}

}  // namespace hie::security
