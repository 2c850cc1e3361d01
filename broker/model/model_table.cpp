// docs/model.md's table: a visitor over each type's description that emits one row per element.

#include "broker/model/model_table.hpp"

#include <cctype>

#include "broker/model/bindings.hpp"
#include "broker/model/resource.hpp"

namespace hie::model {
namespace {

/// FHIR element name -> C++ member name: birthDate -> birth_date, class -> class_.
std::string member_name(std::string_view fhir) {
  std::string out;
  for (char c : fhir) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      out += '_';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  if (out == "class") out += '_';
  return out;
}

template <class T>
struct Element {
  using type = T;
};
template <class T>
struct Element<std::optional<T>> {
  using type = T;
};
template <class T>
struct Element<Box<T>> {
  using type = T;
};
template <class T>
struct Element<std::vector<T>> {
  using type = T;
};

template <class T>
constexpr bool nested_element() {
  if constexpr (default_primitive<T>() == Primitive::complex) {
    return T::fhir_type == "BackboneElement" || T::fhir_type == "Element";
  } else {
    return false;
  }
}

class TableWriter {
 public:
  TableWriter(std::string& out, std::string fhir_path, std::string cpp_path)
      : out_(out), fhir_(std::move(fhir_path)), cpp_(std::move(cpp_path)) {}

  template <class M>
  void field(std::string_view name, M& member, Primitive p = Primitive::complex) {
    row(name, member, p, false);
  }
  template <class M>
  void required(std::string_view name, M& member, Primitive p = Primitive::complex) {
    row(name, member, p, true);
  }
  template <class... Ts>
  void choice(std::string_view name, std::variant<Ts...>& member) {
    choice_row(name, member, false);
  }
  template <class... Ts>
  void required_choice(std::string_view name, std::variant<Ts...>& member) {
    choice_row(name, member, true);
  }
  template <class B>
  void base(B&) {}  // the Resource and DomainResource rows come once, at the top
  void resource(std::string_view name, std::optional<Resource>&) {
    emit(fhir_ + '.' + std::string(name), cpp_ + member_name(name), "Resource", "0..1");
  }

 private:
  void emit(const std::string& path, const std::string& member, const std::string& type,
            const std::string& card) {
    std::string codes;
    for (std::string_view code : required_codes(path)) {
      codes += (codes.empty() ? "`" : ", `") + std::string(code) + '`';
    }
    out_ += "| `" + path + "` | `" + member + "` | " + type + " | " + card + " | " + codes +
            (codes.empty() ? "|\n" : " |\n");
  }

  template <class M>
  void row(std::string_view name, M& member, Primitive p, bool required) {
    using E = typename Element<M>::type;
    std::string card = std::string(required ? "1" : "0") + ".." + (VectorLike<M> ? "*" : "1");
    std::string type;
    if constexpr (default_primitive<E>() == Primitive::complex) {
      type = nested_element<E>() ? "BackboneElement" : std::string(E::fhir_type);
    } else {
      type = std::string(to_string(p != Primitive::complex ? p : default_primitive<E>()));
    }
    std::string path = fhir_ + '.' + std::string(name);
    std::string cpp = cpp_ + member_name(name);
    emit(path, cpp, type, card);
    if constexpr (nested_element<E>()) {
      E inner{};
      TableWriter nested(out_, path, cpp + (VectorLike<M> ? "[i]." : "."));
      describe(nested, inner);
    }
    (void)member;
  }

  template <class... Ts>
  void choice_row(std::string_view name, std::variant<Ts...>&, bool required) {
    std::string type;
    (add_type<Ts>(type), ...);
    emit(fhir_ + '.' + std::string(name) + "[x]", cpp_ + member_name(name), type,
         required ? "1..1" : "0..1");
  }

  template <class T>
  static void add_type(std::string& type) {
    if constexpr (!std::is_same_v<T, std::monostate>) {
      type += (type.empty() ? "" : " \\| ") + std::string(fhir_type_name<T>());
    }
  }

  std::string& out_;
  std::string fhir_;
  std::string cpp_;
};

template <class T>
void add_rows(std::string& out, std::string_view name) {
  T value{};
  TableWriter writer(out, std::string(name), "");
  describe(writer, value);
}

template <class... Ts>
void add_resources(std::string& out, std::variant<Ts...>*) {
  (add_rows<Ts>(out, Ts::fhir_type), ...);
}

}  // namespace

std::string model_table_markdown() {
  std::string out =
      "| FHIR path | C++ member | type | card. | required codes |\n"
      "| --- | --- | --- | --- | --- |\n";
  {
    // Resource and DomainResource, written out because resources reach them through base().
    ResourceBase r;
    TableWriter writer(out, "Resource", "");
    describe(writer, r);
    std::optional<Narrative> text;
    TableWriter domain(out, "DomainResource", "");
    domain.field("text", text);
  }
  add_resources(out, static_cast<Resource*>(nullptr));
  add_rows<Bundle>(out, "Bundle");
  add_rows<Coding>(out, "Coding");
  add_rows<CodeableConcept>(out, "CodeableConcept");
  add_rows<Identifier>(out, "Identifier");
  add_rows<HumanName>(out, "HumanName");
  add_rows<Address>(out, "Address");
  add_rows<ContactPoint>(out, "ContactPoint");
  add_rows<Quantity>(out, "Quantity");
  add_rows<Range>(out, "Range");
  add_rows<Ratio>(out, "Ratio");
  add_rows<Period>(out, "Period");
  add_rows<Reference>(out, "Reference");
  add_rows<Annotation>(out, "Annotation");
  add_rows<Attachment>(out, "Attachment");
  add_rows<Meta>(out, "Meta");
  add_rows<Narrative>(out, "Narrative");
  add_rows<Dosage>(out, "Dosage");
  return out;
}

}  // namespace hie::model
