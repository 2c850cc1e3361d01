#include "adapters/hl7v2/order_fields.hpp"

#include <string>

#include "adapters/identifier_systems.hpp"

namespace hie::adapters::hl7v2::detail {

std::optional<model::Identifier> to_entity_identifier(MappingContext& ctx, const FieldRef& ref,
                                                      std::size_t component,
                                                      std::string_view type_code,
                                                      std::string_view fallback_namespace) {
  auto part = [&](std::size_t n) { return component == 0 ? ref.at(n) : ref.at(component, n); };
  std::string value = ctx.text(ref.segment, part(1));
  std::string ns = ctx.text(ref.segment, part(2));
  std::string universal = ctx.text(ref.segment, part(3));
  std::string universal_type = ctx.text(ref.segment, part(4));
  if (value.empty()) return std::nullopt;
  model::Identifier id;
  id.value = value;
  if (!universal.empty() && (universal_type == "ISO" || universal_type == "iso"))
    id.system = "urn:oid:" + universal;
  else if (!universal.empty() && (universal_type == "URI" || universal_type == "uri"))
    id.system = universal;
  if (id.system.empty())
    if (auto system = identifier_system_for(ctx.context(), ns)) id.system = *system;
  if (id.system.empty())
    id.system = "urn:hiebroker:" + urn_safe(ctx.context().exchange_id) +
                ":id:" + (ns.empty() ? std::string(fallback_namespace) : urn_safe(ns));
  if (!type_code.empty()) {
    model::CodeableConcept type;
    type.coding.push_back({"http://terminology.hl7.org/CodeSystem/v2-0203", "",
                           std::string(type_code), "", std::nullopt});
    id.type = type;
  }
  if (!ns.empty()) {
    model::Reference assigner;
    assigner.display = ns;
    id.assigner = assigner;
  }
  return id;
}

std::optional<model::Identifier> to_order_identifier(MappingContext& ctx, const FieldRef& ei,
                                                     std::string_view type_code) {
  return to_entity_identifier(ctx, ei, 0, type_code, type_code == "PLAC" ? "placer" : "filler");
}

std::optional<model::Reference> to_person_reference(MappingContext& ctx, const FieldRef& xcn) {
  std::string id_value = ctx.text(xcn.segment, xcn.at(1));
  std::string family = ctx.text(xcn.segment, xcn.at(2, 1));
  ctx.raw(xcn.segment, xcn.at(2));
  std::string given = ctx.text(xcn.segment, xcn.at(3));
  std::string middle = ctx.text(xcn.segment, xcn.at(4));
  std::string suffix = ctx.text(xcn.segment, xcn.at(5));
  std::string prefix = ctx.text(xcn.segment, xcn.at(6));
  std::string authority = ctx.text(xcn.segment, xcn.at(9, 1));
  std::string authority_id = ctx.text(xcn.segment, xcn.at(9, 2));
  std::string authority_type = ctx.text(xcn.segment, xcn.at(9, 3));
  ctx.raw(xcn.segment, xcn.at(9));
  std::string display;
  for (const std::string* part : {&prefix, &given, &middle, &family, &suffix}) {
    if (part->empty()) continue;
    if (!display.empty()) display += ' ';
    display += *part;
  }
  if (display.empty() && id_value.empty()) return std::nullopt;
  model::Reference ref;
  ref.display = display;
  if (!id_value.empty()) {
    model::Identifier id;
    id.value = id_value;
    if (!authority_id.empty() && authority_type == "ISO")
      id.system = "urn:oid:" + authority_id;
    else if (!authority_id.empty() && authority_type == "URI")
      id.system = authority_id;
    if (id.system.empty())
      if (auto system = identifier_system_for(ctx.context(), authority)) id.system = *system;
    if (id.system.empty())
      id.system = "urn:hiebroker:" + urn_safe(ctx.context().exchange_id) +
                  ":id:" + (authority.empty() ? std::string("practitioner") : urn_safe(authority));
    ref.identifier = id;
    ref.type = "Practitioner";
  }
  return ref;
}

}  // namespace hie::adapters::hl7v2::detail
