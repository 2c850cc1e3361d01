#include "adapters/fhir/bundle_index.hpp"

// The model's own JSON tree (not a second JSON reader): the public readers return only what the
// model holds, and this index is about the entries it does not.
#include "broker/model/detail/json_tree.hpp"

namespace hie::adapters::fhir {
namespace {

using model::detail::JsonNode;
using Kind = JsonNode::Kind;

const JsonNode* member(const JsonNode& object, std::string_view name, Kind kind) {
  if (object.kind != Kind::object) return nullptr;
  for (std::size_t i = 0; i < object.keys.size(); ++i) {
    if (object.keys[i] == name) return object.items[i].kind == kind ? &object.items[i] : nullptr;
  }
  return nullptr;
}

std::string text_of(const JsonNode& object, std::string_view name) {
  const JsonNode* n = member(object, name, Kind::string);
  return n ? n->text : std::string();
}

RawEntry index_entry(const JsonNode& entry, std::size_t index) {
  RawEntry raw;
  raw.index = index;
  raw.full_url = text_of(entry, "fullUrl");
  if (const JsonNode* resource = member(entry, "resource", Kind::object)) {
    raw.type = text_of(*resource, "resourceType");
    raw.id = text_of(*resource, "id");
    if (const JsonNode* ids = member(*resource, "identifier", Kind::array)) {
      for (const JsonNode& id : ids->items) {
        std::string value = text_of(id, "value");
        if (!value.empty()) raw.identifiers.emplace_back(text_of(id, "system"), std::move(value));
      }
    }
  }
  if (const JsonNode* request = member(entry, "request", Kind::object)) {
    raw.has_request = true;
    raw.request_method = text_of(*request, "method");
    raw.request_url = text_of(*request, "url");
  }
  return raw;
}

std::string_view id_of(const model::Resource& resource) {
  return std::visit([](const auto& r) -> std::string_view { return r.id; }, resource);
}

bool same_entry(const RawEntry& raw, const model::BundleEntry& kept) {
  if (raw.full_url != kept.full_url) return false;
  if (!kept.resource) return raw.type.empty();
  return raw.type == model::resource_type(*kept.resource) && raw.id == id_of(*kept.resource);
}

}  // namespace

Result<std::vector<RawEntry>> index_bundle_entries(std::string_view json) {
  auto root = model::detail::parse_json(json);
  if (!root) return root.error();
  std::vector<RawEntry> out;
  if (const JsonNode* entries = member(*root, "entry", Kind::array)) {
    out.reserve(entries->items.size());
    for (std::size_t i = 0; i < entries->items.size(); ++i) {
      out.push_back(index_entry(entries->items[i], i));
    }
  }
  return out;
}

std::string top_level_resource_type(std::string_view json) {
  auto root = model::detail::parse_json(json);
  return root ? text_of(*root, "resourceType") : std::string();
}

std::vector<std::size_t> align_entries(const std::vector<RawEntry>& raw,
                                       const std::vector<model::BundleEntry>& kept) {
  std::vector<std::size_t> positions;
  positions.reserve(kept.size());
  std::size_t j = 0;
  bool lost = false;  // once a kept entry matches nothing, count on in order: no rescans
  for (const model::BundleEntry& entry : kept) {
    std::size_t k = j;
    while (!lost && k < raw.size() && !same_entry(raw[k], entry)) ++k;
    if (lost || k == raw.size()) {
      // Only if the model changed what it matched on.
      lost = true;
      k = std::min(j, raw.empty() ? 0 : raw.size() - 1);
    }
    positions.push_back(k);
    j = k + 1;
  }
  return positions;
}

}  // namespace hie::adapters::fhir
