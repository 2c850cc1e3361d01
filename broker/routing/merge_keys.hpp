#pragma once
// Merge internals: what makes two resources "the same" (a shared identifier, or the same content
// once id, meta, narrative and identifiers are set aside), and the small edits a merge makes.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/model/resource.hpp"

namespace hie::routing::merge {

const std::string& resource_id(const model::Resource& resource);
void set_resource_id(model::Resource& resource, std::string id);
/// The resource's meta, created when absent.
model::Meta& meta_of(model::Resource& resource);

/// "system|value" of each identifier with both (and of DocumentReference.masterIdentifier), in
/// order, without repeats.
std::vector<std::string> identifier_keys(const model::Resource& resource);

/// Adds to `into` the identifiers of `from` it lacks (the same system|value, or the same
/// identifier when it has no system or value).
void union_identifiers(model::Resource& into, const model::Resource& from);

/// The resource's content as compact JSON without id, meta, text and identifiers, every
/// Reference.reference replaced by `normalize(reference)`. Two resources with the same key say
/// the same thing. A resource that cannot be written (text that is not UTF-8) gets a key of its
/// own: `unique`.
std::string content_key(model::Resource resource,
                        const std::function<std::string(const std::string&)>& normalize,
                        std::string_view unique);

/// Adds the merge's conflict tag to the resource's meta.tag, once.
void tag_conflict(model::Resource& resource);

}  // namespace hie::routing::merge
