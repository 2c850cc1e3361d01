#include "adapters/hl7v2/clinical_helpers.hpp"

#include <algorithm>
#include <cctype>

#include "adapters/identifier_systems.hpp"

namespace hie::adapters::hl7v2::clinical {

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::toupper(c); });
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

model::CodeableConcept text_concept(std::string text) {
  model::CodeableConcept cc;
  cc.text = std::move(text);
  return cc;
}

std::string authority_system(MappingContext& ctx, const std::string& ns, const std::string& uid,
                             const std::string& uid_type) {
  if (auto system = identifier_system_for(ctx.context(), ns)) return std::string(*system);
  if (!uid.empty() && upper(uid_type) == "ISO") return "urn:oid:" + uid;
  if (!uid.empty() && upper(uid_type) == "URI") return uid;
  return "urn:hiebroker:" + urn_safe(ctx.context().exchange_id) +
         ":id:" + (ns.empty() ? std::string("local") : urn_safe(ns));
}

std::optional<model::Identifier> ei_identifier(MappingContext& ctx, const Segment& s,
                                               std::size_t field, std::size_t rep) {
  FieldRef ref{s, field, rep};
  std::string value = ctx.text(s, ref.at(1));
  std::string ns = ctx.text(s, ref.at(2, 1));
  std::string uid = ctx.text(s, ref.at(3));
  std::string uid_type = ctx.text(s, ref.at(4));
  if (uid.empty()) uid = ctx.text(s, ref.at(2, 2)), uid_type = ctx.text(s, ref.at(2, 3));
  ctx.raw(s, ref.at(2));
  if (value.empty()) return std::nullopt;
  model::Identifier id;
  id.system = authority_system(ctx, ns, uid, uid_type);
  id.value = value;
  return id;
}

std::optional<model::Reference> xcn_reference(MappingContext& ctx, const FieldRef& xcn) {
  const auto& s = xcn.segment;
  std::string id = ctx.text(s, xcn.at(1));
  std::string family = ctx.text(s, xcn.at(2, 1));
  ctx.raw(s, xcn.at(2));
  std::string display;
  auto add = [&](const std::string& part) {
    if (part.empty()) return;
    if (!display.empty()) display += ' ';
    display += part;
  };
  add(ctx.text(s, xcn.at(6)));
  add(ctx.text(s, xcn.at(3)));
  add(ctx.text(s, xcn.at(4)));
  add(family);
  add(ctx.text(s, xcn.at(5)));
  add(ctx.text(s, xcn.at(7)));
  if (id.empty() && display.empty()) return std::nullopt;
  model::Reference ref;
  ref.display = display;
  if (!id.empty()) {
    std::string ns = ctx.text(s, xcn.at(9, 1));
    std::string uid = ctx.text(s, xcn.at(9, 2));
    std::string uid_type = ctx.text(s, xcn.at(9, 3));
    ctx.raw(s, xcn.at(9));
    model::Identifier identifier;
    identifier.system = authority_system(ctx, ns, uid, uid_type);
    identifier.value = id;
    ref.identifier = identifier;
  }
  return ref;
}


}  // namespace hie::adapters::hl7v2::clinical
