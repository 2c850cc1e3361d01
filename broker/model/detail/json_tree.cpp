#include "broker/model/detail/json_tree.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <unordered_set>

#include "broker/model/formats.hpp"

namespace hie::model::detail {
namespace {

class TreeBuilder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, TreeBuilder> {
 public:
  bool Null() { return add(JsonNode::Kind::null); }
  bool Bool(bool b) {
    JsonNode* n = add_node(JsonNode::Kind::boolean);
    if (n) n->boolean = b;
    return n != nullptr;
  }
  bool RawNumber(const char* str, rapidjson::SizeType length, bool) {
    JsonNode* n = add_node(JsonNode::Kind::number);
    if (n) n->text.assign(str, length);
    return n != nullptr;
  }
  bool String(const char* str, rapidjson::SizeType length, bool) {
    // RapidJSON 1.1.0 decodes a lone surrogate escape ("\udc00") into bytes that are not UTF-8.
    if (!is_utf8(std::string_view(str, length))) return fail("a string is not valid UTF-8");
    JsonNode* n = add_node(JsonNode::Kind::string);
    if (n) n->text.assign(str, length);
    return n != nullptr;
  }
  bool StartObject() { return open(JsonNode::Kind::object); }
  bool Key(const char* str, rapidjson::SizeType length, bool) {
    std::string_view key(str, length);
    if (!is_utf8(key)) {
      stack_.back()->keys.emplace_back("\xEF\xBF\xBD");  // U+FFFD names it in location()
      return fail("a member name is not valid UTF-8");
    }
    if (!names_.back().insert(std::string(key)).second) {
      stack_.back()->keys.emplace_back(key);  // so that location() names it
      return fail("duplicate member name");
    }
    stack_.back()->keys.emplace_back(key);
    return true;
  }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool StartArray() { return open(JsonNode::Kind::array); }
  bool EndArray(rapidjson::SizeType) { return close(); }

  JsonNode& root() { return root_; }
  bool too_deep() const { return too_deep_; }
  const std::string& failure() const { return failure_; }

  /// JSON pointer of where the reader is now: the member or element being read.
  std::string location() const {
    std::string path;
    for (std::size_t i = 0; i < stack_.size(); ++i) {
      const JsonNode* n = stack_[i];
      bool innermost = i + 1 == stack_.size();
      if (n->kind == JsonNode::Kind::object) {
        if (n->keys.empty()) break;
        path += '/' + pointer_token(n->keys.back());
      } else {
        // An open child already sits in items; the innermost array is between elements.
        std::size_t index = innermost || n->items.empty() ? n->items.size() : n->items.size() - 1;
        path += '/' + std::to_string(index);
      }
    }
    return path;
  }

 private:
  bool add(JsonNode::Kind kind) { return add_node(kind) != nullptr; }

  bool fail(std::string message) {
    failure_ = std::move(message);
    return false;
  }

  JsonNode* add_node(JsonNode::Kind kind) {
    if (stack_.empty()) {
      if (has_root_) return nullptr;
      has_root_ = true;
      root_.kind = kind;
      return &root_;
    }
    JsonNode& parent = *stack_.back();
    JsonNode& n = parent.items.emplace_back();
    n.kind = kind;
    return &n;
  }

  bool open(JsonNode::Kind kind) {
    if (stack_.size() >= max_json_depth) {
      too_deep_ = true;
      return false;
    }
    JsonNode* n = add_node(kind);
    if (!n) return false;
    stack_.push_back(n);
    names_.emplace_back();
    return true;
  }

  bool close() {
    stack_.pop_back();
    names_.pop_back();
    return true;
  }

  JsonNode root_;
  bool has_root_ = false;
  bool too_deep_ = false;
  std::vector<JsonNode*> stack_;  // parents' items never grow while a child is open
  std::vector<std::unordered_set<std::string>> names_;  // member names of each open container
  std::string failure_;                                 // why a handler stopped the parse
};

}  // namespace

std::string pointer_token(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (char c : token) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

std::string_view to_string(JsonNode::Kind kind) {
  switch (kind) {
    case JsonNode::Kind::null:
      return "null";
    case JsonNode::Kind::boolean:
      return "a boolean";
    case JsonNode::Kind::number:
      return "a number";
    case JsonNode::Kind::string:
      return "a string";
    case JsonNode::Kind::object:
      return "an object";
    case JsonNode::Kind::array:
      return "an array";
  }
  return "unknown";
}

Result<JsonNode> parse_json(std::string_view json) {
  TreeBuilder builder;
  rapidjson::Reader reader;
  rapidjson::MemoryStream stream(json.data(), json.size());
  constexpr unsigned flags = rapidjson::kParseNumbersAsStringsFlag |
                             rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag;
  rapidjson::ParseResult ok = reader.Parse<flags>(stream, builder);
  if (!ok) {
    std::string message =
        builder.too_deep() ? "JSON nested deeper than " + std::to_string(max_json_depth)
        : !builder.failure().empty()
            ? builder.failure()
            : std::string("malformed JSON: ") + rapidjson::GetParseError_En(ok.Code());
    message += " (at byte " + std::to_string(ok.Offset()) + ")";
    std::string location = builder.location();
    return make_error(Errc::parse_error, std::move(message), location.empty() ? "/" : location);
  }
  return std::move(builder.root());
}

}  // namespace hie::model::detail
