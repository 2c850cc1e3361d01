#include "broker/routing/merge_keys.hpp"

#include <algorithm>

#include "broker/model/json.hpp"
#include "broker/routing/merge.hpp"
#include "broker/routing/merge_references.hpp"

namespace hie::routing::merge {
namespace {

template <class R>
concept HasIdentifiers = requires(R r) {
  r.identifier.push_back(model::Identifier{});
};

std::string key_of(const model::Identifier& id) {
  if (id.system.empty() || id.value.empty()) return {};
  return id.system + "|" + id.value;
}

bool same_identifier(const model::Identifier& a, const model::Identifier& b) {
  const std::string key = key_of(a);
  return key.empty() ? a == b : key == key_of(b);
}

}  // namespace

const std::string& resource_id(const model::Resource& resource) {
  return std::visit([](const auto& r) -> const std::string& { return r.id; }, resource);
}

void set_resource_id(model::Resource& resource, std::string id) {
  std::visit([&](auto& r) { r.id = std::move(id); }, resource);
}

model::Meta& meta_of(model::Resource& resource) {
  return std::visit(
      [](auto& r) -> model::Meta& {
        if (!r.meta) r.meta.emplace();
        return *r.meta;
      },
      resource);
}

std::vector<std::string> identifier_keys(const model::Resource& resource) {
  std::vector<std::string> keys;
  auto add = [&](const model::Identifier& id) {
    std::string key = key_of(id);
    if (!key.empty() && std::ranges::find(keys, key) == keys.end()) keys.push_back(std::move(key));
  };
  std::visit(
      [&](const auto& r) {
        using R = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<R, model::DocumentReference>) {
          if (r.master_identifier) add(*r.master_identifier);
        }
        if constexpr (HasIdentifiers<R>) {
          for (const auto& id : r.identifier) add(id);
        }
      },
      resource);
  return keys;
}

void union_identifiers(model::Resource& into, const model::Resource& from) {
  std::visit(
      [&](auto& target) {
        using R = std::decay_t<decltype(target)>;
        if constexpr (HasIdentifiers<R>) {
          for (const auto& id : std::get<R>(from).identifier) {
            const bool held = std::ranges::any_of(
                target.identifier,
                [&](const model::Identifier& have) { return same_identifier(have, id); });
            if (!held) target.identifier.push_back(id);
          }
        }
      },
      into);
}

std::string content_key(model::Resource resource,
                        const std::function<std::string(const std::string&)>& normalize,
                        std::string_view unique) {
  std::visit(
      [](auto& r) {
        using R = std::decay_t<decltype(r)>;
        r.id.clear();
        r.meta.reset();
        if constexpr (requires { r.text; }) r.text.reset();
        if constexpr (HasIdentifiers<R>) r.identifier.clear();
        if constexpr (std::is_same_v<R, model::DocumentReference>) r.master_identifier.reset();
      },
      resource);
  for_each_reference(resource, [&](model::Reference& ref) {
    if (!ref.reference.empty()) ref.reference = normalize(ref.reference);
  });
  auto json = model::to_json(resource);
  if (!json) return "\x01" + std::string(unique);
  return std::move(*json);
}

void tag_conflict(model::Resource& resource) {
  auto& tags = meta_of(resource).tag;
  const bool tagged = std::ranges::any_of(tags, [](const model::Coding& c) {
    return c.system == merge_tag_system && c.code == merge_conflict_code;
  });
  if (tagged) return;
  model::Coding tag;
  tag.system = merge_tag_system;
  tag.code = merge_conflict_code;
  tag.display = "conflicting data from several exchanges";
  tags.push_back(std::move(tag));
}

}  // namespace hie::routing::merge
