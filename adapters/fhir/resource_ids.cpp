#include "adapters/fhir/resource_ids.hpp"

#include "adapters/stable_id.hpp"

namespace hie::adapters::fhir {
namespace {

bool is_id_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.';
}

/// "<type>/<id>" at the end of `path` (after a '/' or at its start), "/_history/<v>" dropped.
std::string trailing_id(std::string_view path, std::string_view type) {
  if (auto h = path.find("/_history/"); h != std::string_view::npos) path = path.substr(0, h);
  std::size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return {};
  std::string_view id = path.substr(slash + 1);
  std::string_view rest = path.substr(0, slash);
  if (!rest.ends_with(type)) return {};
  rest.remove_suffix(type.size());
  if (!rest.empty() && !rest.ends_with('/')) return {};
  return is_valid_fhir_id(id) ? std::string(id) : std::string();
}

}  // namespace

bool is_valid_fhir_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!is_id_char(c)) return false;
  }
  return true;
}

std::string id_from_full_url(std::string_view full_url, std::string_view type) {
  if (full_url.starts_with("urn:uuid:")) {
    std::string_view uuid = full_url.substr(9);
    return is_valid_fhir_id(uuid) ? std::string(uuid) : std::string();
  }
  if (full_url.find("://") == std::string_view::npos || type.empty()) return {};
  return trailing_id(full_url, type);
}

std::string id_from_request_url(std::string_view url, std::string_view type) {
  if (type.empty() || url.find('?') != std::string_view::npos) return {};
  return trailing_id(url, type);
}

std::string stable_id(std::string_view exchange_id, std::string_view input_digest,
                      std::string_view position, std::string_view type) {
  std::string key(exchange_id);
  for (std::string_view part : {input_digest, position, type}) {
    key += '\x1f';
    key += part;
  }
  return stable_hash_id(key);
}

std::string digest(std::string_view bytes) { return stable_hash_id(bytes).substr(0, 16); }

}  // namespace hie::adapters::fhir
