#pragma once
// Whether a model value carries any data: absent values are not written and required ones are
// reported missing. Internal to broker/model.

#include "broker/model/resource.hpp"

namespace hie::model::detail {

template <class T>
bool is_empty_value(const T& value);

/// Visitor over a description: stays true while every element is empty.
struct EmptinessCheck {
  bool empty = true;

  template <class T>
  void field(std::string_view, T& member, Primitive = Primitive::complex) {
    if (empty) empty = is_empty_value(member);
  }
  template <class T>
  void required(std::string_view name, T& member, Primitive p = Primitive::complex) {
    field(name, member, p);
  }
  template <class T>
  void choice(std::string_view name, T& member) {
    field(name, member);
  }
  template <class T>
  void required_choice(std::string_view name, T& member) {
    field(name, member);
  }
  template <class T>
  void base(T& part) {
    if (empty) describe(*this, part);
  }
  void resource(std::string_view, std::optional<Resource>& r) {
    if (r) empty = false;
  }
};

template <class T>
bool is_empty_value(const T& value) {
  if constexpr (std::is_same_v<T, std::string>) {
    return value.empty();
  } else if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, std::int64_t> ||
                       std::is_same_v<T, Decimal>) {
    return false;
  } else if constexpr (PrimitiveWrapper<T>) {
    return value.value.empty();
  } else if constexpr (OptionalLike<T>) {
    return !value.has_value() || is_empty_value(*value);
  } else if constexpr (VectorLike<T>) {
    for (const auto& item : value) {
      if (!is_empty_value(item)) return false;
    }
    return true;
  } else if constexpr (requires { std::get_if<std::monostate>(&value); }) {
    return std::visit(
        [](const auto& alt) {
          if constexpr (std::is_same_v<std::decay_t<decltype(alt)>, std::monostate>)
            return true;
          else
            return is_empty_value(alt);
        },
        value);
  } else {
    EmptinessCheck check;
    describe(check, const_cast<T&>(value));  // visitors only read
    return check.empty;
  }
}

}  // namespace hie::model::detail
