#pragma once
// SMART on FHIR scopes, v1 (`patient/Observation.read`) and v2 (`patient/Observation.rs`)
// syntax: what a bearer token lets its holder do, per context and resource type.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hie::security {

/// Whose data a scope speaks for: the patient in context, what the user may see, or a backend.
enum class ContextKind { patient, user, system };

std::string_view to_string(ContextKind kind);

/// One interaction on a resource type (SMART v2 letters c, r, u, d, s).
enum class Access : std::uint8_t { create = 1, read = 2, update = 4, delete_ = 8, search = 16 };

/// One granted scope: a context, a resource type (`*` for all) and a set of Access bits.
struct ScopeGrant {
  ContextKind context = ContextKind::patient;
  std::string resource_type;  ///< "Observation", or "*"
  std::uint8_t access = 0;    ///< Access bits
};

/// The scopes of one token, parsed once.
///
/// Grammar: `context/resource.permissions` where context is `patient`, `user` or `system`;
/// resource is `*` or a resource type name; permissions are v1 `read`, `write` or `*`, or v2
/// letters from `cruds` in that order. v1 `read` is v2 `rs`, `write` is `cud`, `*` is `cruds`.
/// `openid`, `fhirUser`, `profile`, `launch`, `launch/patient`, `launch/encounter`,
/// `offline_access` and `online_access` are known and grant nothing here. Any other word,
/// and v2 scopes narrowed by a query (`?category=...`), which the broker cannot enforce, are
/// ignored (granting nothing) and counted.
class Scopes {
 public:
  Scopes() = default;

  /// Parses a space-separated `scope` claim.
  static Scopes parse(std::string_view scope_claim);
  /// Parses scope words given one by one (a `scope` claim written as a JSON array).
  static Scopes parse(const std::vector<std::string>& words);

  /// True when some grant of `context` covers `resource_type` (or `*`) with `access`.
  bool allows(ContextKind context, std::string_view resource_type, Access access) const;

  /// True when some grant is of `context`.
  bool has_context(ContextKind context) const;

  const std::vector<ScopeGrant>& grants() const { return grants_; }
  /// Words neither understood nor known to be harmless (see above).
  std::size_t ignored_words() const { return ignored_words_; }

 private:
  void add_word(std::string_view word);

  std::vector<ScopeGrant> grants_;
  std::size_t ignored_words_ = 0;
};

}  // namespace hie::security
