#pragma once
// Building blocks shared by every model type: primitive wrappers used in choice elements,
// and the traits the visitors (JSON reader/writer, validator, docs table) use to walk a type.
//
// Every model type T describes its elements once, in order, with a function template
//   template <class V> void describe(V& v, T& value);
// calling, for each element:
//   v.field(name, member[, Primitive])          0..1 or 0..* (std::optional, Box, std::vector, or
//                                                a std::string where "" means absent)
//   v.required(name, member[, Primitive])       1..1 or 1..*
//   v.choice(name, variant) / v.required_choice  value[x]: std::variant<std::monostate, ...>
//   v.base(base_part)                           Resource/DomainResource elements
// Visitors live in .cpp files; this header and the type headers carry no JSON library.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "broker/model/box.hpp"
#include "broker/model/decimal.hpp"
#include "broker/model/formats.hpp"

namespace hie::model {

// Primitive alternatives of choice elements, so that valueDateTime and valueString are different
// C++ types. Outside choices, such elements are plain std::string members.
struct DateTime {
  static constexpr std::string_view fhir_type = "dateTime";
  static constexpr Primitive primitive = Primitive::date_time;
  std::string value;
  bool operator==(const DateTime&) const = default;
};
struct Time {
  static constexpr std::string_view fhir_type = "time";
  static constexpr Primitive primitive = Primitive::time;
  std::string value;
  bool operator==(const Time&) const = default;
};
struct Instant {
  static constexpr std::string_view fhir_type = "instant";
  static constexpr Primitive primitive = Primitive::instant;
  std::string value;
  bool operator==(const Instant&) const = default;
};

namespace detail {

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
template <class T>
struct is_optional<Box<T>> : std::true_type {};

template <class T>
struct is_vector : std::false_type {};
template <class T>
struct is_vector<std::vector<T>> : std::true_type {};

}  // namespace detail

template <class T>
concept OptionalLike = detail::is_optional<T>::value;
template <class T>
concept VectorLike = detail::is_vector<T>::value;
/// A choice alternative that is a primitive stored as text (DateTime, Time, Instant).
template <class T>
concept PrimitiveWrapper = requires(T t) {
  { T::primitive } -> std::convertible_to<Primitive>;
  { t.value } -> std::convertible_to<std::string>;
};

/// The primitive type a C++ scalar holds by default (std::string is a FHIR string unless the
/// description says otherwise).
template <class T>
constexpr Primitive default_primitive() {
  if constexpr (std::is_same_v<T, std::string>)
    return Primitive::string;
  else if constexpr (std::is_same_v<T, bool>)
    return Primitive::boolean;
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return Primitive::integer;
  else if constexpr (std::is_same_v<T, Decimal>)
    return Primitive::decimal;
  else if constexpr (PrimitiveWrapper<T>)
    return T::primitive;
  else
    return Primitive::complex;
}

/// FHIR type name of a choice alternative or complex type ("dateTime", "Quantity").
template <class T>
std::string_view fhir_type_name() {
  if constexpr (default_primitive<T>() == Primitive::complex)
    return T::fhir_type;
  else
    return to_string(default_primitive<T>());
}

/// JSON name of a choice alternative: "value" + "Quantity", "onset" + "DateTime".
std::string choice_name(std::string_view base, std::string_view fhir_type);

}  // namespace hie::model
