#pragma once
// Merge internals: which resource of an answer a reference names, and a walk over every
// Reference of a resource (the FHIR adapter's describe()-driven walker).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "adapters/fhir/reference_walker.hpp"
#include "broker/model/resource.hpp"

namespace hie::routing::merge {

/// The resources of one answer by the reference strings adapters write for them: "Type/id",
/// and "urn:uuid:<uuid>" when the id is a UUID or 32 hex digits (the form collection Bundles use).
class AnswerReferences {
 public:
  /// Registers the resource `type`/`id` as item `item`; the first of a repeated id wins.
  void add(std::string_view type, std::string_view id, std::size_t item);
  /// The item `reference` names, if it names one of this answer's resources.
  std::optional<std::size_t> find(std::string_view reference) const;

 private:
  std::unordered_map<std::string, std::size_t> items_;
};

/// Calls `on_reference(model::Reference&)` for every Reference in `resource`.
template <class F>
void for_each_reference(model::Resource& resource, F&& on_reference) {
  adapters::fhir::for_each_reference(
      resource, std::string(),
      [&](model::Reference& ref, const std::string&) { on_reference(ref); });
}

}  // namespace hie::routing::merge
