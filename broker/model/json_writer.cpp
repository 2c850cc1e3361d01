// Model -> FHIR JSON: a visitor over each type's description, streaming into a RapidJSON Writer.

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "broker/model/detail/emptiness.hpp"
#include "broker/model/formats.hpp"
#include "broker/model/json.hpp"

namespace hie::model {
namespace {

// Strings are checked with is_utf8 (ASCII eight bytes at a time) before they are written, which
// is several times faster than RapidJSON's per-character kWriteValidateEncodingFlag: a string
// that is not UTF-8 (say, set by an adapter) fails the write instead of producing a document no
// FHIR reader would accept.
using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

/// Where a write failed: the JSON pointer of the first string that is not UTF-8.
struct WriteState {
  std::optional<std::string> bad_string;
};

/// The JSON pointer of the element being written, as a chain on the stack: rendered only when a
/// write fails, so the common path allocates nothing per element.
struct Path {
  const Path* parent = nullptr;
  std::string_view name;  ///< member name, or empty for an array item
  std::size_t index = 0;  ///< array position when `name` is empty

  std::string render() const {
    std::string tail = name.empty() ? std::to_string(index) : std::string(name);
    if (!parent) return {};
    return parent->render() + '/' + tail;
  }
};

void write_resource(JsonWriter& w, const Resource& resource, const Path& path, WriteState& state);

/// Writes the elements of one model value as members of the JSON object already opened.
class ObjectWriter {
 public:
  ObjectWriter(JsonWriter& w, const Path& path, WriteState& state) : w_(w), path_(path), state_(state) {}

  template <class T>
  void field(std::string_view name, T& member, Primitive = Primitive::complex) {
    if (state_.bad_string || detail::is_empty_value(member)) return;
    key(name);
    write_value(member, Path{&path_, name});
  }
  template <class T>
  void required(std::string_view name, T& member, Primitive p = Primitive::complex) {
    field(name, member, p);
  }
  template <class V>
  void choice(std::string_view name, V& member) {
    std::visit(
        [&](auto& alt) {
          using Alt = std::decay_t<decltype(alt)>;
          if constexpr (!std::is_same_v<Alt, std::monostate>) {
            if (state_.bad_string || detail::is_empty_value(alt)) return;
            std::string json_name = choice_name(name, fhir_type_name<Alt>());
            key(json_name);
            write_value(alt, Path{&path_, json_name});
          }
        },
        member);
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
    if (state_.bad_string || !member) return;
    key(name);
    write_resource(w_, *member, Path{&path_, name}, state_);
  }

 private:
  void key(std::string_view name) {
    w_.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
  }

  void text(const std::string& s, const Path& path) {
    if (!is_utf8(s) || !w_.String(s.data(), static_cast<rapidjson::SizeType>(s.size()))) {
      if (!state_.bad_string) state_.bad_string = path.render();
    }
  }

  template <class T>
  void write_value(T& value, const Path& path) {
    if (state_.bad_string) return;
    if constexpr (std::is_same_v<T, std::string>) {
      text(value, path);
    } else if constexpr (PrimitiveWrapper<T>) {
      text(value.value, path);
    } else if constexpr (std::is_same_v<T, bool>) {
      w_.Bool(value);
    } else if constexpr (std::is_same_v<T, std::int64_t>) {
      w_.Int64(value);
    } else if constexpr (std::is_same_v<T, Decimal>) {
      // Decimal holds only valid JSON number text, so writing it raw keeps it byte-exact.
      // (Writer::RawNumber would quote it.)
      const std::string& t = value.text();
      w_.RawValue(t.data(), t.size(), rapidjson::kNumberType);
    } else if constexpr (OptionalLike<T>) {
      write_value(*value, path);
    } else if constexpr (VectorLike<T>) {
      w_.StartArray();
      // Items are numbered as written (empty ones are skipped), so the pointer names the output.
      std::size_t index = 0;
      for (auto& item : value) {
        if (!detail::is_empty_value(item)) write_value(item, Path{&path, {}, index++});
      }
      w_.EndArray();
    } else {
      w_.StartObject();
      ObjectWriter inner(w_, path, state_);
      describe(inner, value);
      w_.EndObject();
    }
  }

  JsonWriter& w_;
  const Path& path_;
  WriteState& state_;
};

template <class T>
void write_object(JsonWriter& w, const T& value, const Path& path, WriteState& state) {
  w.StartObject();
  w.Key("resourceType");
  w.String(T::fhir_type.data(), static_cast<rapidjson::SizeType>(T::fhir_type.size()));
  ObjectWriter writer(w, path, state);
  describe(writer, const_cast<T&>(value));  // visitors only read
  w.EndObject();
}

void write_resource(JsonWriter& w, const Resource& resource, const Path& path, WriteState& state) {
  std::visit([&](const auto& r) { write_object(w, r, path, state); }, resource);
}

template <class T>
Result<std::string> write_document(const T& value) {
  rapidjson::StringBuffer buffer(nullptr, 16 * 1024);  // most documents fit: no regrowth
  JsonWriter w(buffer);
  WriteState state;
  const Path root;
  if constexpr (std::is_same_v<T, Resource>)
    write_resource(w, value, root, state);
  else
    write_object(w, value, root, state);
  if (state.bad_string) {
    return make_error(Errc::validation_error, "a string is not valid UTF-8; nothing written",
                      *state.bad_string);
  }
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

Result<std::string> to_json(const Resource& resource) { return write_document(resource); }

Result<std::string> to_json(const Bundle& bundle) { return write_document(bundle); }

Result<std::string> to_json(const AnyResource& resource) {
  return std::visit([](const auto& r) { return to_json(r); }, resource);
}

}  // namespace hie::model
