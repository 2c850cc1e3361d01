#pragma once
// Resolves the references of one input (a Bundle, or a single resource) to the ids the adapter
// gives its resources. Pure: no issues are recorded here, the caller reports what resolve() says.
//
// Rules (docs/adapters.md, "The FHIR adapter"):
//   urn:uuid:/urn:oid:, absolute URL   the entry whose fullUrl it is (an absolute URL with
//                                      /_history/v: without it)
//   relative Type/id                   the entry whose fullUrl is the referring entry's base +
//                                      Type/id, else the entry of that type with that input id
//   Type?identifier=[system|]value     the one entry of that type with that identifier
//   (URL-decoded)
// A reference to an entry the model holds becomes "Type/<its id in the output>". A reference to an
// entry the model drops, a conditional reference that names no single entry, and a urn: reference
// that names no entry cannot keep their reference string: they become a logical reference (type
// and identifier) when an identifier is known, else keep an absolute fullUrl, else lose the
// string (display stays). An absolute or relative reference to nothing in the input is kept: it
// names a resource on the sender's server. The output never holds a conditional reference.

#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "broker/model/datatypes.hpp"

namespace hie::adapters::fhir {

/// One resource of the input a reference may name.
struct ReferenceTarget {
  std::string full_url;   ///< as in the input; may be empty
  std::string type;       ///< resourceType
  std::string source_id;  ///< id as in the input
  std::string model_id;   ///< id in the output; empty when the model dropped the resource
  std::vector<std::pair<std::string, std::string>> identifiers;  ///< (system, value)
};

enum class ReferenceOutcome {
  unchanged,  ///< nothing to do: empty, contained, or names something outside the input
  resolved,   ///< now "Type/<model id>"
  rewritten,  ///< could not be resolved to an output resource; `message` says what was done
};

struct ReferenceResolution {
  ReferenceOutcome outcome = ReferenceOutcome::unchanged;
  std::string message;  ///< for the warning when rewritten; names types, never values
};

class ReferenceResolver {
 public:
  explicit ReferenceResolver(std::vector<ReferenceTarget> targets);

  /// Rewrites `ref` in place. `referrer_full_url` is the fullUrl of the entry holding it (the base
  /// of its relative references); empty outside a Bundle.
  ReferenceResolution resolve(model::Reference& ref, std::string_view referrer_full_url) const;

 private:
  const ReferenceTarget* by_full_url(std::string_view url) const;
  const ReferenceTarget* by_type_and_id(std::string_view type, std::string_view id) const;
  ReferenceResolution resolve_conditional(model::Reference& ref) const;
  ReferenceResolution point_at(model::Reference& ref, const ReferenceTarget& target) const;

  std::vector<ReferenceTarget> targets_;
  std::unordered_map<std::string, std::size_t> by_full_url_;
  std::unordered_map<std::string, std::size_t> by_type_and_id_;  ///< "Type/id"
};

/// Percent-decoding of a URL query value ("%7C" -> "|", "+" -> " "); malformed escapes stay.
std::string url_decode(std::string_view text);

}  // namespace hie::adapters::fhir
