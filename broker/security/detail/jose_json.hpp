#pragma once
// Reading a JWS header or JWT claims set: one JSON object, bounded nesting, no repeated member
// (RFC 7515 §4: a repeated header parameter must be refused or resolved; we refuse).

#include <rapidjson/document.h>

#include <optional>
#include <string_view>

#include "broker/security/token_error.hpp"

namespace hie::security::detail {

constexpr int kMaxJsonDepth = 16;

/// Parses `text` into `out`. On failure, the refusal: bad_json, too_deep or duplicate_member.
std::optional<Refusal> parse_jose_object(std::string_view text, rapidjson::Document& out);

/// The member `name` of the JSON object `object`, or nullptr.
inline const rapidjson::Value* find_member(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

}  // namespace hie::security::detail
