// FHIR JSON -> model: a visitor over each type's description, reading a parsed JSON tree.

#include <charconv>
#include <limits>
#include <utility>

#include "broker/model/detail/emptiness.hpp"
#include "broker/model/detail/issue_sink.hpp"
#include "broker/model/detail/json_tree.hpp"
#include "broker/model/json.hpp"

namespace hie::model {
namespace {

using detail::JsonNode;
using Kind = JsonNode::Kind;

class ObjectReader;

/// What all readers of one document share: the issues and the first error.
struct ReadContext {
  detail::IssueSink issues;
  std::optional<Error> error;
  bool drop_entry = false;  ///< set when a Bundle entry's resource is not held

  void fail(std::string message, std::string location) {
    if (!error) error = make_error(Errc::parse_error, std::move(message), std::move(location));
  }
  void not_held(std::string location, std::string message, Severity severity = Severity::warning) {
    issues.add(severity, "not-supported", std::move(location), std::move(message));
  }
  void dropped(std::string location, std::string message) {
    issues.add(Severity::warning, "value", std::move(location), std::move(message));
  }
};

template <class... Ts>
std::optional<Resource> read_resource_node(const JsonNode& node, const std::string& path,
                                           ReadContext& ctx, std::string_view type,
                                           std::variant<Ts...>*);

/// Reads the members of one JSON object into one model value, remembering what it consumed.
class ObjectReader {
 public:
  ObjectReader(const JsonNode& object, std::string path, ReadContext& ctx)
      : object_(object), path_(std::move(path)), ctx_(ctx), consumed_(object.keys.size(), false) {}

  template <class T>
  void field(std::string_view name, T& member, Primitive p = Primitive::complex) {
    if (ctx_.error) return;
    if (const JsonNode* node = take(name)) {
      // "given":["A",null],"_given":[null,{...}]: the null only aligns with _given's item.
      holes_allowed_ = VectorLike<T> && find(object_, '_' + std::string(name)) != nullptr;
      read_value(*node, child(name), member, p);
      holes_allowed_ = false;
    }
  }
  template <class T>
  void required(std::string_view name, T& member, Primitive p = Primitive::complex) {
    field(name, member, p);  // absence is the validator's finding, not the reader's
  }
  template <class... Ts>
  void choice(std::string_view name, std::variant<Ts...>& member) {
    if (ctx_.error) return;
    read_alternatives(name, member, std::index_sequence_for<Ts...>{});
  }
  template <class V>
  void required_choice(std::string_view name, V& member) {
    choice(name, member);
  }
  template <class T>
  void base(T& part) {
    describe(*this, part);
  }
  void resource(std::string_view name, std::optional<Resource>& member) {
    if (ctx_.error) return;
    const JsonNode* node = take(name);
    if (!node) return;
    std::string path = child(name);
    if (node->kind != Kind::object) return ctx_.fail("expected a resource object", path);
    const JsonNode* type = find(*node, "resourceType");
    if (!type || type->kind != Kind::string) {
      return ctx_.fail("resource without a resourceType string", path);
    }
    member = read_resource_node(*node, path, ctx_, type->text, static_cast<Resource*>(nullptr));
    if (!member && !ctx_.error) {
      // The whole entry goes: an entry without its resource (or a request without its body)
      // would say something else than the input did.
      ctx_.drop_entry = true;
      ctx_.not_held(path_, "entry dropped: resource type '" + type->text +
                               "' is not held by the model" +
                               (type->text == "Bundle" ? " inside a Bundle" : ""));
    }
  }

  /// Marks a member as consumed without reading it (resourceType).
  void skip(std::string_view name) { take(name); }

  /// Reports every member nobody consumed: the elements the model does not hold.
  void finish() {
    if (ctx_.error) return;
    for (std::size_t i = 0; i < consumed_.size(); ++i) {
      if (consumed_[i]) continue;
      const std::string& key = object_.keys[i];
      std::string where = child(key);
      if (key == "modifierExtension") {
        ctx_.not_held(where, "modifier extensions are not held; they may change the meaning",
                      Severity::error);
      } else if (key == "extension") {
        ctx_.not_held(where, "extensions are not held by the model");
      } else if (key == "contained") {
        ctx_.not_held(where, "contained resources are not held by the model");
      } else if (key.starts_with('_')) {
        ctx_.not_held(where, "id/extensions of primitive element '" + key.substr(1) +
                                 "' are not held by the model");
      } else {
        ctx_.not_held(where, "element '" + key + "' is not held by the model");
      }
    }
  }

  static const JsonNode* find(const JsonNode& object, std::string_view name) {
    for (std::size_t i = 0; i < object.keys.size(); ++i) {
      if (object.keys[i] == name) return &object.items[i];
    }
    return nullptr;
  }

 private:
  std::string child(std::string_view name) const {
    return path_ + '/' + detail::pointer_token(name);
  }

  const JsonNode* take(std::string_view name) {
    for (std::size_t i = 0; i < object_.keys.size(); ++i) {
      if (!consumed_[i] && object_.keys[i] == name) {
        consumed_[i] = true;
        return &object_.items[i];
      }
    }
    return nullptr;
  }

  template <class... Ts, std::size_t... I>
  void read_alternatives(std::string_view name, std::variant<Ts...>& member,
                         std::index_sequence<I...>) {
    (read_alternative<I>(name, member), ...);
  }

  template <std::size_t I, class... Ts>
  void read_alternative(std::string_view name, std::variant<Ts...>& member) {
    using Alt = std::variant_alternative_t<I, std::variant<Ts...>>;
    if constexpr (!std::is_same_v<Alt, std::monostate>) {
      // A second value[x] stays unconsumed, so finish() reports it.
      if (ctx_.error || member.index() != 0) return;
      std::string key = choice_name(name, fhir_type_name<Alt>());
      if (const JsonNode* node = take(key)) {
        Alt value{};
        if (read_value(*node, child(key), value, Primitive::complex)) {
          member.template emplace<I>(std::move(value));
        }
      }
    }
  }

  bool expect(const JsonNode& node, Kind kind, const std::string& path) {
    if (node.kind == kind) return true;
    ctx_.fail("expected " + std::string(detail::to_string(kind)) + ", found " +
                  std::string(detail::to_string(node.kind)),
              path);
    return false;
  }

  bool read_text(const JsonNode& node, const std::string& path, std::string& out) {
    if (!expect(node, Kind::string, path)) return false;
    if (node.text.empty()) {
      ctx_.dropped(path, "empty string is not a FHIR value; element dropped");
      return false;
    }
    out = node.text;
    return true;
  }

  /// Reads one JSON value into `out`; false when nothing was stored.
  template <class T>
  bool read_value(const JsonNode& node, const std::string& path, T& out, Primitive p) {
    if constexpr (std::is_same_v<T, std::string>) {
      return read_text(node, path, out);
    } else if constexpr (PrimitiveWrapper<T>) {
      return read_text(node, path, out.value);
    } else if constexpr (std::is_same_v<T, bool>) {
      if (!expect(node, Kind::boolean, path)) return false;
      out = node.boolean;
      return true;
    } else if constexpr (std::is_same_v<T, std::int64_t>) {
      if (!expect(node, Kind::number, path)) return false;
      const char* end = node.text.data() + node.text.size();
      auto [ptr, ec] = std::from_chars(node.text.data(), end, out);
      if (ec != std::errc() || ptr != end || out < std::numeric_limits<std::int32_t>::min() ||
          out > std::numeric_limits<std::int32_t>::max()) {
        ctx_.fail("expected a 32-bit integer", path);
        return false;
      }
      return true;
    } else if constexpr (std::is_same_v<T, Decimal>) {
      if (!expect(node, Kind::number, path)) return false;
      auto parsed = Decimal::parse(node.text);
      if (!parsed) {
        ctx_.fail("expected a decimal", path);
        return false;
      }
      out = *parsed;
      return true;
    } else if constexpr (OptionalLike<T>) {
      out.emplace();
      if (!read_value(node, path, *out, p)) out.reset();
      return out.has_value();
    } else if constexpr (VectorLike<T>) {
      if (!expect(node, Kind::array, path)) return false;
      if (node.items.empty()) {
        ctx_.dropped(path, "empty array is not a FHIR value; element dropped");
        return false;
      }
      for (std::size_t i = 0; i < node.items.size() && !ctx_.error; ++i) {
        std::string item_path = path + '/' + std::to_string(i);
        if (node.items[i].kind == Kind::null && holes_allowed_) {
          ctx_.not_held(item_path,
                        "null placeholder for an item whose id/extensions (in the '_' sibling) "
                        "are not held; item dropped");
          continue;
        }
        typename T::value_type item{};
        bool read = read_value(node.items[i], item_path, item, p);
        if (std::exchange(ctx_.drop_entry, false)) continue;
        if (read) out.push_back(std::move(item));
      }
      return !out.empty();
    } else {
      if (!expect(node, Kind::object, path)) return false;
      if (node.keys.empty()) {
        ctx_.dropped(path, "empty object is not a FHIR value; element dropped");
        return false;
      }
      ObjectReader reader(node, path, ctx_);
      describe(reader, out);
      reader.finish();
      if constexpr (std::is_same_v<T, Reference>) drop_contained_reference(out, path);
      // An object whose every member was reported (or dropped) is not stored: it would not be
      // written, and a required element it fills would look present.
      return !ctx_.error && !detail::is_empty_value(out);
    }
  }

  /// `contained` is not held, so a `#id` reference would point at nothing in the output: the
  /// reference string goes (display, identifier and type stay) and is reported.
  void drop_contained_reference(Reference& ref, const std::string& path) {
    if (!ref.reference.starts_with('#')) return;
    ref.reference.clear();
    ctx_.not_held(path + "/reference",
                  "reference to a contained resource, which the model does not hold");
  }

  const JsonNode& object_;
  std::string path_;
  ReadContext& ctx_;
  std::vector<bool> consumed_;
  bool holes_allowed_ = false;  ///< null array items are placeholders for a '_' sibling
};

template <class T>
T read_object(const JsonNode& node, const std::string& path, ReadContext& ctx) {
  T value{};
  ObjectReader reader(node, path, ctx);
  reader.skip("resourceType");
  describe(reader, value);
  reader.finish();
  return value;
}

template <class... Ts>
std::optional<Resource> read_resource_node(const JsonNode& node, const std::string& path,
                                           ReadContext& ctx, std::string_view type,
                                           std::variant<Ts...>*) {
  std::optional<Resource> out;
  ((type == Ts::fhir_type ? (void)(out = read_object<Ts>(node, path, ctx)) : (void)0), ...);
  return out;
}

/// Parses and checks the top-level object; returns its resourceType.
Result<std::string> top_level_type(const JsonNode& root) {
  if (root.kind != Kind::object) {
    return make_error(Errc::parse_error, "a FHIR resource must be a JSON object", "/");
  }
  const JsonNode* type = ObjectReader::find(root, "resourceType");
  if (!type || type->kind != Kind::string) {
    return make_error(Errc::parse_error, "missing resourceType string", "/resourceType");
  }
  return type->text;
}

Error unsupported(const std::string& type) {
  return make_error(Errc::unsupported, "resource type '" + type + "' is not held by the model",
                    "/resourceType");
}

}  // namespace

Result<AnyResource> read_any(std::string_view json, Issues& issues) {
  auto root = detail::parse_json(json);
  if (!root) return root.error();
  auto type = top_level_type(*root);
  if (!type) return type.error();
  ReadContext ctx{detail::IssueSink(issues), std::nullopt};
  std::optional<AnyResource> out;
  if (*type == "Bundle") {
    out = read_object<Bundle>(*root, "", ctx);
  } else if (auto r = read_resource_node(*root, "", ctx, *type, static_cast<Resource*>(nullptr))) {
    out = std::move(*r);
  }
  if (ctx.error) return *ctx.error;
  ctx.issues.finish();
  if (!out) return unsupported(*type);
  return std::move(*out);
}

Result<Resource> read_resource(std::string_view json, Issues& issues) {
  auto any = read_any(json, issues);
  if (!any) return any.error();
  if (auto* r = std::get_if<Resource>(&*any)) return std::move(*r);
  return make_error(Errc::unsupported, "expected a resource, found a Bundle", "/resourceType");
}

Result<Bundle> read_bundle(std::string_view json, Issues& issues) {
  auto any = read_any(json, issues);
  if (!any) return any.error();
  if (auto* b = std::get_if<Bundle>(&*any)) return std::move(*b);
  return make_error(Errc::unsupported, "expected a Bundle", "/resourceType");
}

}  // namespace hie::model
