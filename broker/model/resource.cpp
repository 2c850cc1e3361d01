#include "broker/model/resource.hpp"

#include <cctype>

namespace hie::model {
namespace {

template <class... Ts>
bool holds_type(std::string_view type, std::variant<Ts...>*) {
  return ((type == Ts::fhir_type) || ...);
}

}  // namespace

std::string_view resource_type(const Resource& resource) {
  return std::visit([](const auto& r) { return std::decay_t<decltype(r)>::fhir_type; }, resource);
}

bool is_supported_resource_type(std::string_view type) {
  return type == Bundle::fhir_type || holds_type(type, static_cast<Resource*>(nullptr));
}

std::string choice_name(std::string_view base, std::string_view fhir_type) {
  std::string name(base);
  name += fhir_type;
  name[base.size()] =
      static_cast<char>(std::toupper(static_cast<unsigned char>(name[base.size()])));
  return name;
}

}  // namespace hie::model
