#include "broker/routing/merge_references.hpp"

#include <algorithm>

namespace hie::routing::merge {
namespace {

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool is_hex32(std::string_view id) { return id.size() == 32 && std::ranges::all_of(id, is_hex); }

/// 8-4-4-4-12 hex digits.
bool is_uuid(std::string_view id) {
  if (id.size() != 36) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? id[i] != '-' : !is_hex(id[i])) return false;
  }
  return true;
}

}  // namespace

void AnswerReferences::add(std::string_view type, std::string_view id, std::size_t item) {
  if (id.empty()) return;
  items_.try_emplace(std::string(type) + "/" + std::string(id), item);
  if (is_uuid(id)) items_.try_emplace("urn:uuid:" + std::string(id), item);
  if (is_hex32(id)) {
    std::string uuid = "urn:uuid:";
    uuid.append(id.substr(0, 8))
        .append("-")
        .append(id.substr(8, 4))
        .append("-")
        .append(id.substr(12, 4));
    uuid.append("-").append(id.substr(16, 4)).append("-").append(id.substr(20));
    items_.try_emplace(std::move(uuid), item);
  }
}

std::optional<std::size_t> AnswerReferences::find(std::string_view reference) const {
  if (reference.empty()) return std::nullopt;
  auto at = items_.find(std::string(reference));
  if (at == items_.end()) return std::nullopt;
  return at->second;
}

}  // namespace hie::routing::merge
