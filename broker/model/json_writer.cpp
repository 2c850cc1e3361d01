// Model -> FHIR JSON: a visitor over each type's description, streaming into a RapidJSON Writer.

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "broker/model/detail/emptiness.hpp"
#include "broker/model/json.hpp"

namespace hie::model {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void write_resource(JsonWriter& w, const Resource& resource);

/// Writes the elements of one model value as members of the JSON object already opened.
class ObjectWriter {
 public:
  explicit ObjectWriter(JsonWriter& w) : w_(w) {}

  template <class T>
  void field(std::string_view name, T& member, Primitive = Primitive::complex) {
    if (detail::is_empty_value(member)) return;
    key(name);
    write_value(member);
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
            if (detail::is_empty_value(alt)) return;
            key(choice_name(name, fhir_type_name<Alt>()));
            write_value(alt);
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
    if (!member) return;
    key(name);
    write_resource(w_, *member);
  }

 private:
  void key(std::string_view name) {
    w_.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
  }

  void text(const std::string& s) {
    w_.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  }

  template <class T>
  void write_value(T& value) {
    if constexpr (std::is_same_v<T, std::string>) {
      text(value);
    } else if constexpr (PrimitiveWrapper<T>) {
      text(value.value);
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
      write_value(*value);
    } else if constexpr (VectorLike<T>) {
      w_.StartArray();
      for (auto& item : value) {
        if (!detail::is_empty_value(item)) write_value(item);
      }
      w_.EndArray();
    } else {
      w_.StartObject();
      describe(*this, value);
      w_.EndObject();
    }
  }

  JsonWriter& w_;
};

template <class T>
void write_object(JsonWriter& w, const T& value) {
  w.StartObject();
  w.Key("resourceType");
  w.String(T::fhir_type.data(), static_cast<rapidjson::SizeType>(T::fhir_type.size()));
  ObjectWriter writer(w);
  describe(writer, const_cast<T&>(value));  // visitors only read
  w.EndObject();
}

void write_resource(JsonWriter& w, const Resource& resource) {
  std::visit([&](const auto& r) { write_object(w, r); }, resource);
}

template <class T>
std::string write_document(const T& value) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  if constexpr (std::is_same_v<T, Resource>)
    write_resource(w, value);
  else
    write_object(w, value);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

std::string to_json(const Resource& resource) { return write_document(resource); }

std::string to_json(const Bundle& bundle) { return write_document(bundle); }

std::string to_json(const AnyResource& resource) {
  return std::visit([](const auto& r) { return to_json(r); }, resource);
}

}  // namespace hie::model
