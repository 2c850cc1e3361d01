#include "adapters/hl7v2/v2_types.hpp"

#include <algorithm>
#include <array>

#include "adapters/hl7_timestamp.hpp"
#include "adapters/hl7v2/clinical_helpers.hpp"
#include "adapters/identifier_systems.hpp"
#include "broker/model/nhs_number.hpp"

namespace hie::adapters::hl7v2 {
namespace {

using clinical::upper;

using model::Severity;

std::string_view name_use(std::string_view code) {
  if (code == "L") return "official";
  if (code == "D") return "usual";
  if (code == "M") return "maiden";
  if (code == "N") return "nickname";
  if (code == "S") return "anonymous";
  if (code == "TEMP" || code == "T") return "temp";
  return {};
}

}  // namespace

std::optional<std::string> to_fhir_datetime(MappingContext& ctx, const FieldRef& ref, std::size_t component) {
  const Address at = ref.at(component);
  std::string_view raw = ctx.raw(ref.segment, at);
  if (raw.empty() || is_explicit_null(raw)) return std::nullopt;
  auto r = hl7_to_fhir_datetime(raw, ctx.context().default_utc_offset);
  if (r.invalid) {
    ctx.issue(Severity::warning, "value", ctx.location(ref.segment, at), "not a valid HL7 timestamp: dropped");
    return std::nullopt;
  }
  if (r.cut_to_date)
    ctx.issue(Severity::warning, "value", ctx.location(ref.segment, at),
              "time without a UTC offset and no default offset configured: kept as a date");
  if (r.hour_only)
    ctx.issue(Severity::information, "value", ctx.location(ref.segment, at), "hour precision written with :00 minutes");
  return r.value;
}

std::optional<std::string> to_fhir_date(MappingContext& ctx, const FieldRef& ref, std::size_t component) {
  const Address at = ref.at(component);
  std::string_view raw = ctx.raw(ref.segment, at);
  if (raw.empty() || is_explicit_null(raw)) return std::nullopt;
  auto r = hl7_to_fhir_date(raw);
  if (r.invalid) {
    ctx.issue(Severity::warning, "value", ctx.location(ref.segment, at), "not a valid HL7 date: dropped");
    return std::nullopt;
  }
  if (r.time_dropped)
    ctx.issue(Severity::information, "value", ctx.location(ref.segment, at), "time of day dropped: the element is a date");
  return r.value;
}

std::optional<model::Identifier> to_identifier(MappingContext& ctx, const FieldRef& cx) {
  std::string value = ctx.text(cx.segment, cx.at(1));
  if (value.empty()) return std::nullopt;
  std::string authority = ctx.text(cx.segment, cx.at(4, 1));
  std::string authority_id = ctx.text(cx.segment, cx.at(4, 2));
  std::string authority_type = ctx.text(cx.segment, cx.at(4, 3));
  std::string type = ctx.text(cx.segment, cx.at(5));
  ctx.raw(cx.segment, cx.at(4));

  model::Identifier id;
  id.value = value;
  const std::string where = ctx.location(cx.segment, cx.at(1));
  if (upper(authority) == "NHS" || type == "NH" || upper(authority) == "NHSNBR") {
    auto nhs = model::NhsNumber::parse(value);
    if (nhs) {
      id.system = std::string(model::NhsNumber::system);
      id.value = std::string(nhs->value());
    } else {
      ctx.issue(Severity::error, "value", where,
                "NHS number fails the Modulus 11 check: kept as a local identifier, not as an NHS number");
    }
  }
  if (id.system.empty()) {
    if (auto system = identifier_system_for(ctx.context(), authority.empty() ? type : authority))
      id.system = *system;
  }
  if (id.system.empty() && !authority_id.empty()) {
    if (upper(authority_type) == "ISO") id.system = "urn:oid:" + authority_id;
    else if (upper(authority_type) == "URI") id.system = authority_id;
  }
  if (id.system.empty() && type == "SS") id.system = "http://hl7.org/fhir/sid/us-ssn";
  if (id.system.empty())
    id.system = "urn:hiebroker:" + urn_safe(ctx.context().exchange_id) + ":id:" +
                urn_safe(authority.empty() ? (type.empty() ? std::string("local") : type) : authority);
  if (!type.empty()) {
    model::CodeableConcept cc;
    cc.coding.push_back({"http://terminology.hl7.org/CodeSystem/v2-0203", "", type, "", std::nullopt});
    id.type = cc;
  }
  if (!authority.empty()) {
    model::Reference assigner;
    assigner.display = authority;
    id.assigner = assigner;
  }
  if (type == "MR") id.use = "usual";
  return id;
}

std::optional<model::HumanName> to_human_name(MappingContext& ctx, const FieldRef& xpn) {
  model::HumanName name;
  name.family = ctx.text(xpn.segment, xpn.at(1, 1));
  ctx.raw(xpn.segment, xpn.at(1));
  for (std::size_t c : {2u, 3u}) {
    std::string given = ctx.text(xpn.segment, xpn.at(c));
    if (!given.empty()) name.given.push_back(given);
  }
  if (auto s = ctx.text(xpn.segment, xpn.at(4)); !s.empty()) name.suffix.push_back(s);
  if (auto p = ctx.text(xpn.segment, xpn.at(5)); !p.empty()) name.prefix.push_back(p);
  if (auto dg = ctx.text(xpn.segment, xpn.at(6)); !dg.empty()) name.suffix.push_back(dg);
  if (auto use = ctx.text(xpn.segment, xpn.at(7)); !use.empty()) {
    name.use = std::string(name_use(use));
    if (name.use.empty())
      ctx.issue(Severity::warning, "code-invalid", ctx.location(xpn.segment, xpn.at(7)),
                "name type '" + use + "' has no FHIR name use: dropped");
  }
  if (name.family.empty() && name.given.empty() && name.prefix.empty() && name.suffix.empty()) return std::nullopt;
  return name;
}

std::optional<model::Address> to_address(MappingContext& ctx, const FieldRef& xad) {
  model::Address a;
  if (auto street = ctx.text(xad.segment, xad.at(1, 1)); !street.empty()) a.line.push_back(street);
  ctx.raw(xad.segment, xad.at(1));
  if (auto other = ctx.text(xad.segment, xad.at(2)); !other.empty()) a.line.push_back(other);
  a.city = ctx.text(xad.segment, xad.at(3));
  a.state = ctx.text(xad.segment, xad.at(4));
  a.postal_code = ctx.text(xad.segment, xad.at(5));
  a.country = ctx.text(xad.segment, xad.at(6));
  std::string type = ctx.text(xad.segment, xad.at(7));
  if (type == "H" || type == "P") a.use = "home";
  else if (type == "B" || type == "O") a.use = "work";
  else if (type == "C") a.use = "temp";
  else if (type == "BA") a.use = "old";
  else if (type == "M") a.type = "postal";
  else if (!type.empty())
    ctx.issue(Severity::warning, "code-invalid", ctx.location(xad.segment, xad.at(7)),
              "address type '" + type + "' has no FHIR equivalent: dropped");
  a.district = ctx.text(xad.segment, xad.at(9));
  if (a.district.empty()) a.district = ctx.text(xad.segment, xad.at(8));
  if (a.line.empty() && a.city.empty() && a.state.empty() && a.postal_code.empty() && a.country.empty() &&
      a.district.empty())
    return std::nullopt;
  return a;
}

std::optional<model::ContactPoint> to_contact_point(MappingContext& ctx, const FieldRef& xtn, bool business) {
  model::ContactPoint cp;
  std::string formatted = ctx.text(xtn.segment, xtn.at(1));
  std::string use = ctx.text(xtn.segment, xtn.at(2));
  std::string equipment = ctx.text(xtn.segment, xtn.at(3));
  std::string email = ctx.text(xtn.segment, xtn.at(4));
  std::string country = ctx.text(xtn.segment, xtn.at(5));
  std::string area = ctx.text(xtn.segment, xtn.at(6));
  std::string local = ctx.text(xtn.segment, xtn.at(7));
  std::string extension = ctx.text(xtn.segment, xtn.at(8));
  std::string unformatted = ctx.text(xtn.segment, xtn.at(12));
  if (!email.empty() || equipment == "Internet" || equipment == "X.400" || use == "NET") {
    cp.system = "email";
    cp.value = email.empty() ? formatted : email;
  } else {
    cp.system = equipment == "FX" ? "fax" : equipment == "BP" ? "pager" : equipment == "MD" ? "other" : "phone";
    if (!formatted.empty()) {
      cp.value = formatted;
    } else if (!local.empty()) {
      if (!country.empty()) cp.value += "+" + country + " ";
      if (!area.empty()) cp.value += "(" + area + ") ";
      cp.value += local;
      if (!extension.empty()) cp.value += " ext " + extension;
    } else {
      cp.value = unformatted;
    }
  }
  if (cp.value.empty()) return std::nullopt;
  if (equipment == "CP") cp.use = "mobile";
  else if (use == "PRN" || use == "ORN" || use == "VHN") cp.use = business ? "work" : "home";
  else if (use == "WPN") cp.use = "work";
  else if (use == "EMR" || use == "ASN") cp.use = "temp";
  else if (business && use.empty()) cp.use = "work";
  return cp;
}

model::Quantity to_unit(MappingContext& ctx, const FieldRef& ce, std::size_t component) {
  auto part = [&](std::size_t n) { return component == 0 ? ce.at(n) : ce.at(component, n); };
  std::string code = ctx.text(ce.segment, part(1));
  std::string text = ctx.text(ce.segment, part(2));
  std::string system = ctx.text(ce.segment, part(3));
  model::Quantity q;
  q.unit = text.empty() ? code : text;
  if (!code.empty() && !system.empty()) {
    q.system = coding_system_uri(system);
    q.code = code;
    if (!is_known_coding_system(system))
      ctx.issue(Severity::information, "code-unknown", ctx.location(ce.segment, part(3)),
                "unit system '" + system + "' has no known FHIR URI: kept in a urn:hiebroker URI");
  }
  return q;
}

std::optional<model::Quantity> to_quantity(MappingContext& ctx, const FieldRef& cq) {
  std::string amount = ctx.text(cq.segment, cq.at(1));
  model::Quantity q = to_unit(ctx, cq, 2);
  if (amount.empty()) return std::nullopt;
  auto value = model::Decimal::parse(amount);
  if (!value) {
    ctx.issue(Severity::warning, "value", ctx.location(cq.segment, cq.at(1)), "quantity is not a number: dropped");
    return std::nullopt;
  }
  q.value = *value;
  return q;
}

std::optional<model::CodeableConcept> to_codeable_concept(MappingContext& ctx, const FieldRef& ce) {
  model::CodeableConcept cc;
  for (std::size_t base : {1u, 4u}) {
    std::string code = ctx.text(ce.segment, ce.at(base));
    std::string display = ctx.text(ce.segment, ce.at(base + 1));
    std::string system = ctx.text(ce.segment, ce.at(base + 2));
    std::string version = ctx.text(ce.segment, ce.at(base == 1 ? 7 : 8));
    if (code.empty()) {
      if (base == 1 && !display.empty()) cc.text = display;
      continue;
    }
    model::Coding coding;
    coding.code = code;
    coding.display = display;
    coding.version = version;
    if (!system.empty()) {
      coding.system = coding_system_uri(system);
      if (!is_known_coding_system(system))
        ctx.issue(Severity::information, "code-unknown", ctx.location(ce.segment, ce.at(base + 2)),
                  "coding system '" + system + "' has no known FHIR URI: kept in a urn:hiebroker URI");
    }
    cc.coding.push_back(std::move(coding));
  }
  if (auto original = ctx.text(ce.segment, ce.at(9)); !original.empty()) cc.text = original;
  if (cc.coding.empty() && cc.text.empty()) return std::nullopt;
  return cc;
}

}  // namespace hie::adapters::hl7v2
