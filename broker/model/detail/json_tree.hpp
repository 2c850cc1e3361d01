#pragma once
// A small JSON tree built by RapidJSON's SAX reader: numbers stay text, keys keep their order,
// and each object remembers which members the model consumed. Internal to broker/model.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "broker/core/result.hpp"

namespace hie::model::detail {

struct JsonNode {
  enum class Kind : std::uint8_t { null, boolean, number, string, object, array };
  Kind kind = Kind::null;
  bool boolean = false;
  std::string text;               ///< string value, or the number exactly as written
  std::vector<std::string> keys;  ///< object member names, parallel to items
  std::vector<JsonNode> items;    ///< object member values or array elements
};

/// Deepest nesting accepted; deeper input is an error, so hostile input cannot exhaust the stack.
inline constexpr std::size_t max_json_depth = 64;

/// Parses one JSON document (UTF-8 validated). Errors carry the JSON pointer of the place where
/// the input went wrong and the byte offset in the message.
Result<JsonNode> parse_json(std::string_view json);

/// JSON pointer escaping of one reference token ("a/b" -> "a~1b").
std::string pointer_token(std::string_view token);

std::string_view to_string(JsonNode::Kind kind);

}  // namespace hie::model::detail
