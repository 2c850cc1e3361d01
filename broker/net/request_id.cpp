#include "broker/net/request_id.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace hie::net {

bool acceptable_request_id(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::ranges::all_of(id, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
}

std::string request_id_for(std::string_view incoming, std::string_view connection_id, unsigned sequence) {
  if (acceptable_request_id(incoming)) return std::string(incoming);
  return fmt::format("{}-{}", connection_id, sequence);
}

}  // namespace hie::net
