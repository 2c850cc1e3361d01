// CDA identifiers, names, addresses, telecoms and assigned roles (people and organizations).

#include "adapters/cda/cda_values.hpp"
#include "adapters/coding_systems.hpp"
#include "adapters/identifier_systems.hpp"
#include "adapters/text_encoding.hpp"
#include "broker/model/formats.hpp"
#include "broker/model/nhs_number.hpp"

namespace hie::adapters::cda {
namespace {

using model::Severity;

bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

/// Each space-separated code of a `use` attribute.
bool has_use(Node node, std::string_view code) {
  std::string_view uses = node.attribute("use").value();
  while (!uses.empty()) {
    const std::size_t space = uses.find(' ');
    if (uses.substr(0, space) == code) return true;
    if (space == std::string_view::npos) break;
    uses.remove_prefix(space + 1);
  }
  return false;
}

}  // namespace

std::optional<model::Identifier> to_identifier(CdaContext& ctx, Node ii) {
  if (!ii) return std::nullopt;
  ctx.use(ii);
  const std::string root = attribute(ii, "root");
  const std::string extension = attribute(ii, "extension");
  if (root.empty() && extension.empty()) return std::nullopt;
  model::Identifier id;
  const bool oid = model::is_oid("urn:oid:" + root);
  if (extension.empty()) {
    // The root alone is the identifier (a document or entry UUID/OID).
    id.system = "urn:ietf:rfc:3986";
    if (oid)
      id.value = "urn:oid:" + root;
    else if (is_uuid(root))
      id.value = "urn:uuid:" + lower(root);
    else
      id.system = "urn:hiebroker:" + urn_safe(ctx.context().exchange_id) + ":id", id.value = root;
    return id;
  }
  id.value = extension;
  if (auto configured = identifier_system_for(ctx.context(), root)) {
    id.system = *configured;
  } else if (auto known = known_identifier_system_for_oid(root)) {
    id.system = *known;
  } else if (oid) {
    id.system = "urn:oid:" + root;
  } else if (is_uuid(root)) {
    id.system = "urn:uuid:" + lower(root);
  } else {
    id.system = "urn:hiebroker:" + urn_safe(ctx.context().exchange_id) + ":id:" + urn_safe(root);
  }
  if (id.system == model::NhsNumber::system) {
    if (auto nhs = model::NhsNumber::parse(extension)) {
      id.value = nhs->value();
    } else {
      id.system = "urn:oid:" + root;
      ctx.issue(Severity::error, "value", ctx.location(ii) + "/@extension",
                "NHS number fails the Modulus 11 check: kept as a urn:oid identifier, not as an "
                "NHS number");
    }
  }
  if (auto authority = attribute(ii, "assigningAuthorityName"); !authority.empty()) {
    model::Reference assigner;
    assigner.display = authority;
    id.assigner = assigner;
  }
  return id;
}

std::optional<model::HumanName> to_name(CdaContext& ctx, Node pn) {
  if (!pn) return std::nullopt;
  ctx.visit(pn);
  model::HumanName name;
  bool structured = false;
  for (Node part = pn.first_child(); part; part = part.next_sibling()) {
    if (part.type() != pugi::node_element) continue;
    const std::string_view what = ctx.local_name(part);
    std::string text = to_valid_utf8(collapsed_text(part));
    if (what == "given")
      name.given.push_back(text);
    else if (what == "family")
      name.family = text;
    else if (what == "prefix")
      name.prefix.push_back(text);
    else if (what == "suffix")
      name.suffix.push_back(text);
    else if (what == "validTime")
      name.period = to_period(ctx, part);
    else
      continue;
    structured = true;
    ctx.use(part);
  }
  std::erase(name.given, "");
  std::erase(name.prefix, "");
  std::erase(name.suffix, "");
  if (!structured) name.text = to_valid_utf8(collapsed_text(pn));
  if (has_use(pn, "L") || has_use(pn, "C") || has_use(pn, "OR"))
    name.use = "official";
  else if (has_use(pn, "P"))
    name.use = "nickname";
  else if (has_use(pn, "A"))
    name.use = "anonymous";
  else if (has_use(pn, "ASGN"))
    name.use = "usual";
  if (name.family.empty() && name.given.empty() && name.text.empty() && name.prefix.empty() &&
      name.suffix.empty())
    return std::nullopt;
  return name;
}

std::optional<model::Address> to_address(CdaContext& ctx, Node ad) {
  if (!ad) return std::nullopt;
  ctx.visit(ad);
  model::Address a;
  bool structured = false;
  for (Node part = ad.first_child(); part; part = part.next_sibling()) {
    if (part.type() != pugi::node_element) continue;
    const std::string_view what = ctx.local_name(part);
    std::string text = to_valid_utf8(collapsed_text(part));
    if (what == "streetAddressLine") {
      if (!text.empty()) a.line.push_back(text);
    } else if (what == "city")
      a.city = text;
    else if (what == "state")
      a.state = text;
    else if (what == "postalCode")
      a.postal_code = text;
    else if (what == "country")
      a.country = text;
    else if (what == "county")
      a.district = text;
    else if (what == "useablePeriod")
      a.period = to_period(ctx, part);
    else
      continue;
    structured = true;
    ctx.use(part);
  }
  if (!structured) a.text = to_valid_utf8(collapsed_text(ad));
  if (has_use(ad, "H") || has_use(ad, "HP") || has_use(ad, "HV"))
    a.use = "home";
  else if (has_use(ad, "WP") || has_use(ad, "DIR") || has_use(ad, "PUB"))
    a.use = "work";
  else if (has_use(ad, "TMP"))
    a.use = "temp";
  else if (has_use(ad, "OLD") || has_use(ad, "BAD"))
    a.use = "old";
  if (has_use(ad, "PST"))
    a.type = "postal";
  else if (has_use(ad, "PHYS"))
    a.type = "physical";
  if (a.line.empty() && a.city.empty() && a.state.empty() && a.postal_code.empty() &&
      a.country.empty() && a.district.empty() && a.text.empty())
    return std::nullopt;
  return a;
}

std::optional<model::ContactPoint> to_telecom(CdaContext& ctx, Node tel) {
  if (!tel) return std::nullopt;
  ctx.visit(tel);
  std::string value = attribute(tel, "value");
  if (value.empty()) return std::nullopt;
  model::ContactPoint cp;
  const std::string scheme =
      lower(value.substr(0, value.find(':') == std::string::npos ? 0 : value.find(':') + 1));
  if (scheme == "tel:")
    cp.system = "phone";
  else if (scheme == "fax:")
    cp.system = "fax";
  else if (scheme == "mailto:")
    cp.system = "email";
  else if (scheme == "http:" || scheme == "https:")
    cp.system = "url";
  else
    cp.system = "other";
  cp.value = cp.system == "url" || cp.system == "other" ? value : value.substr(scheme.size());
  if (cp.value.empty()) return std::nullopt;
  if (has_use(tel, "MC"))
    cp.use = "mobile";
  else if (has_use(tel, "HP") || has_use(tel, "H") || has_use(tel, "HV"))
    cp.use = "home";
  else if (has_use(tel, "WP") || has_use(tel, "DIR") || has_use(tel, "PUB"))
    cp.use = "work";
  else if (has_use(tel, "TMP"))
    cp.use = "temp";
  else if (has_use(tel, "BAD") || has_use(tel, "OLD"))
    cp.use = "old";
  if (has_use(tel, "PG")) cp.system = "pager";
  if (Node period = ctx.child(tel, "useablePeriod")) cp.period = to_period(ctx, period);
  return cp;
}

std::optional<model::Reference> role_reference(CdaContext& ctx, Node role) {
  if (!role) return std::nullopt;
  ctx.visit(role);
  model::Reference r;
  for (Node id = ctx.child(role, "id"); id; id = id.next_sibling()) {
    if (!ctx.is(id, "id")) continue;
    if (auto identifier = to_identifier(ctx, id)) {
      if (!r.identifier)
        r.identifier = *identifier;
      else
        ctx.issue(model::Severity::warning, "not-supported", ctx.location(id),
                  "a further id of a person or organization is not mapped");
    }
  }
  for (const char* who :
       {"assignedPerson", "associatedPerson", "assignedAuthoringDevice", "representedOrganization",
        "representedCustodianOrganization", "serviceProviderOrganization"}) {
    Node entity = ctx.child(role, who);
    if (!entity) continue;
    ctx.visit(entity);
    std::string display;
    if (Node name = ctx.child(entity, "name")) {
      if (auto pn = to_name(ctx, name)) {
        for (const auto& p : pn->prefix) display += (display.empty() ? "" : " ") + p;
        for (const auto& g : pn->given) display += (display.empty() ? "" : " ") + g;
        if (!pn->family.empty()) display += (display.empty() ? "" : " ") + pn->family;
        for (const auto& s : pn->suffix) display += (display.empty() ? "" : " ") + s;
        if (display.empty()) display = pn->text;
      }
      ctx.use(name);
    } else if (Node model_name = ctx.child(entity, "manufacturerModelName")) {
      display = to_valid_utf8(collapsed_text(model_name));
      ctx.use(model_name);
      ctx.use(ctx.child(entity, "softwareName"));
    }
    if (!display.empty()) {
      r.display = display;
      r.type = std::string_view(who).find("rganization") != std::string_view::npos ? "Organization"
               : std::string_view(who) == "assignedAuthoringDevice"                ? "Device"
                                                                                   : "Practitioner";
      break;
    }
  }
  if (r.display.empty() && !r.identifier) return std::nullopt;
  return r;
}

}  // namespace hie::adapters::cda
