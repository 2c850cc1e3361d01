#pragma once
// Visits every Reference inside a model value (Identifier.assigner included), with its JSON
// pointer, through the same describe() the model's reader and writer use. A Reference left with
// nothing in it (no reference, type, identifier or display) is taken out of its list, optional
// or choice, as the input would not have said anything there.

#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "broker/model/resource.hpp"

namespace hie::adapters::fhir {

inline bool is_empty_reference(const model::Reference& ref) {
  return ref.reference.empty() && ref.type.empty() && !ref.identifier && ref.display.empty();
}

/// `on_reference(model::Reference&, const std::string& pointer)` for each Reference.
template <class F>
class ReferenceWalker {
 public:
  ReferenceWalker(F& on_reference, std::string path)
      : on_reference_(on_reference), path_(std::move(path)) {}

  template <class T>
  void field(std::string_view name, T& member, model::Primitive = model::Primitive::complex) {
    if constexpr (may_hold_reference<T>()) visit(member, path_ + '/' + std::string(name));
  }
  template <class T>
  void required(std::string_view name, T& member, model::Primitive p = model::Primitive::complex) {
    field(name, member, p);
  }
  template <class... Ts>
  void choice(std::string_view name, std::variant<Ts...>& member) {
    std::visit(
        [&](auto& alt) {
          using Alt = std::decay_t<decltype(alt)>;
          if constexpr (may_hold_reference<Alt>()) {
            visit(alt, path_ + '/' + model::choice_name(name, model::fhir_type_name<Alt>()));
            if constexpr (std::is_same_v<Alt, model::Reference>) {
              if (is_empty_reference(alt)) member = std::monostate{};
            }
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
  void resource(std::string_view, std::optional<model::Resource>&) {}  // Bundles are not walked

  template <class T>
  void visit(T& value, const std::string& path) {
    if constexpr (std::is_same_v<T, model::Reference>) {
      on_reference_(value, path);
      ReferenceWalker inner(on_reference_, path);
      describe(inner, value);
    } else if constexpr (model::OptionalLike<T>) {
      if (!value) return;
      visit(*value, path);
      if constexpr (std::is_same_v<typename T::value_type, model::Reference>) {
        if (is_empty_reference(*value)) value.reset();
      }
    } else if constexpr (model::VectorLike<T>) {
      // Items are numbered as read, before any is erased.
      for (std::size_t i = 0; i < value.size(); ++i)
        visit(value[i], path + '/' + std::to_string(i));
      if constexpr (std::is_same_v<typename T::value_type, model::Reference>) {
        std::erase_if(value, [](const model::Reference& r) { return is_empty_reference(r); });
      }
    } else if constexpr (may_hold_reference<T>()) {
      ReferenceWalker inner(on_reference_, path);
      describe(inner, value);
    }
  }

 private:
  template <class T>
  static constexpr bool may_hold_reference() {
    if constexpr (model::OptionalLike<T> || model::VectorLike<T>) {
      return may_hold_reference<typename T::value_type>();
    } else {
      return !std::is_same_v<T, std::monostate> &&
             model::default_primitive<T>() == model::Primitive::complex;
    }
  }

  F& on_reference_;
  std::string path_;
};

/// Calls `on_reference` for every Reference in `resource`; pointers start at `path`.
template <class F>
void for_each_reference(model::Resource& resource, const std::string& path, F&& on_reference) {
  std::visit(
      [&](auto& r) {
        ReferenceWalker<std::remove_reference_t<F>> walker(on_reference, path);
        describe(walker, r);
      },
      resource);
}

}  // namespace hie::adapters::fhir
