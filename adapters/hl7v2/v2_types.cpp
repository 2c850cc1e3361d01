#include "adapters/hl7v2/v2_types.hpp"

#include <algorithm>
#include <array>

#include "adapters/hl7v2/clinical_helpers.hpp"
#include "adapters/identifier_systems.hpp"
#include "broker/model/nhs_number.hpp"

namespace hie::adapters::hl7v2 {
namespace {

using clinical::upper;

using model::Severity;

struct SystemName {
  std::string_view v2;
  std::string_view uri;
};

constexpr std::array kSystems = {
    SystemName{"LN", "http://loinc.org"},
    SystemName{"LOINC", "http://loinc.org"},
    SystemName{"SCT", "http://snomed.info/sct"},
    SystemName{"SNM", "http://snomed.info/sct"},
    SystemName{"SNOMED", "http://snomed.info/sct"},
    SystemName{"SCTUK", "http://snomed.info/sct"},
    SystemName{"I9", "http://hl7.org/fhir/sid/icd-9-cm"},
    SystemName{"I9C", "http://hl7.org/fhir/sid/icd-9-cm"},
    SystemName{"I9CDX", "http://hl7.org/fhir/sid/icd-9-cm"},
    SystemName{"I10", "http://hl7.org/fhir/sid/icd-10"},
    SystemName{"ICD10", "http://hl7.org/fhir/sid/icd-10"},
    SystemName{"I10C", "http://hl7.org/fhir/sid/icd-10-cm"},
    SystemName{"ICD10CM", "http://hl7.org/fhir/sid/icd-10-cm"},
    SystemName{"I10P", "http://www.cms.gov/Medicare/Coding/ICD10"},
    SystemName{"UCUM", "http://unitsofmeasure.org"},
    SystemName{"CVX", "http://hl7.org/fhir/sid/cvx"},
    SystemName{"MVX", "http://terminology.hl7.org/CodeSystem/MVX"},
    SystemName{"NDC", "http://hl7.org/fhir/sid/ndc"},
    SystemName{"RXNORM", "http://www.nlm.nih.gov/research/umls/rxnorm"},
    SystemName{"RXN", "http://www.nlm.nih.gov/research/umls/rxnorm"},
    SystemName{"C4", "http://www.ama-assn.org/go/cpt"},
    SystemName{"CPT", "http://www.ama-assn.org/go/cpt"},
    SystemName{"HCPCS", "urn:oid:2.16.840.1.113883.6.285"},
    SystemName{"NUCC", "http://nucc.org/provider-taxonomy"},
    SystemName{"CDCREC", "urn:oid:2.16.840.1.113883.6.238"},
    SystemName{"CDCPHINVS", "urn:oid:2.16.840.1.114222.4.5.274"},
    SystemName{"NCIT", "http://ncimeta.nci.nih.gov"},
    SystemName{"ISO3166_1", "urn:iso:std:iso:3166"},
    SystemName{"ISO+", "urn:oid:1.0.8601"},
    SystemName{"ISO639", "urn:ietf:bcp:47"},
    SystemName{"DCM", "http://dicom.nema.org/resources/ontology/DCM"},
    SystemName{"READ", "http://read.info/readv2"},
    SystemName{"DMD", "https://dmd.nhs.uk"},
};

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// Digits of a TS/DTM and its offset, validated; nullopt (and an issue) when malformed.
struct Timestamp {
  std::string_view digits;    // YYYY[MM[DD[HH[MM[SS]]]]]
  std::string_view fraction;  // after '.', digits only
  std::string_view offset;    // +HHMM / -HHMM, or empty
};

std::optional<Timestamp> split_timestamp(std::string_view v) {
  Timestamp t;
  std::size_t sign = v.find_first_of("+-");
  if (sign != std::string_view::npos) {
    t.offset = v.substr(sign);
    v = v.substr(0, sign);
    if (t.offset.size() != 5 || !all_digits(t.offset.substr(1))) return std::nullopt;
  }
  std::size_t dot = v.find('.');
  if (dot != std::string_view::npos) {
    t.fraction = v.substr(dot + 1);
    v = v.substr(0, dot);
    if (!all_digits(t.fraction) || v.size() != 14) return std::nullopt;
  }
  if (!all_digits(v)) return std::nullopt;
  if (v.size() != 4 && v.size() != 6 && v.size() != 8 && v.size() != 10 && v.size() != 12 && v.size() != 14)
    return std::nullopt;
  t.digits = v;
  auto num = [&](std::size_t at) { return (v[at] - '0') * 10 + (v[at + 1] - '0'); };
  if (v.size() >= 6 && (num(4) < 1 || num(4) > 12)) return std::nullopt;
  if (v.size() >= 8 && (num(6) < 1 || num(6) > 31)) return std::nullopt;
  if (v.size() >= 10 && num(8) > 23) return std::nullopt;
  if (v.size() >= 12 && num(10) > 59) return std::nullopt;
  if (v.size() >= 14 && num(12) > 59) return std::nullopt;
  return t;
}

std::string date_part(std::string_view d) {
  std::string out(d.substr(0, 4));
  if (d.size() >= 6) out += "-" + std::string(d.substr(4, 2));
  if (d.size() >= 8) out += "-" + std::string(d.substr(6, 2));
  return out;
}

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

std::string urn_safe(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == ':' || c == '@') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string coding_system_uri(std::string_view v2_name) {
  std::string name = upper(v2_name);
  for (const auto& s : kSystems)
    if (s.v2 == name) return std::string(s.uri);
  if (name.rfind("HL7", 0) == 0 && name.size() == 7 && all_digits(name.substr(3)))
    return "http://terminology.hl7.org/CodeSystem/v2-" + name.substr(3);
  if (name.rfind("2.16.", 0) == 0 || name.rfind("1.2.", 0) == 0) return "urn:oid:" + std::string(v2_name);
  const bool is_uri = (v2_name.starts_with("http://") || v2_name.starts_with("https://") || v2_name.starts_with("urn:")) &&
                      v2_name.find_first_of(" \t") == std::string_view::npos;
  if (is_uri) return std::string(v2_name);
  return "urn:hiebroker:v2-coding-system:" + urn_safe(v2_name);
}

bool is_known_coding_system(std::string_view v2_name) {
  return coding_system_uri(v2_name).rfind("urn:hiebroker:", 0) != 0;
}

std::optional<std::string> to_fhir_datetime(MappingContext& ctx, const FieldRef& ref, std::size_t component) {
  const Address at = ref.at(component);
  std::string_view raw = ctx.raw(ref.segment, at);
  if (raw.empty() || is_explicit_null(raw)) return std::nullopt;
  auto ts = split_timestamp(raw);
  if (!ts) {
    ctx.issue(Severity::warning, "value", ctx.location(ref.segment, at), "not a valid HL7 timestamp: dropped");
    return std::nullopt;
  }
  std::string out = date_part(ts->digits);
  if (ts->digits.size() <= 8) return out;
  std::string offset;
  if (!ts->offset.empty()) {
    offset = std::string(ts->offset.substr(0, 3)) + ":" + std::string(ts->offset.substr(3, 2));
  } else if (!ctx.context().default_utc_offset.empty()) {
    offset = ctx.context().default_utc_offset;
  } else {
    ctx.issue(Severity::warning, "value", ctx.location(ref.segment, at),
              "time without a UTC offset and no default offset configured: kept as a date");
    return out;
  }
  const auto d = ts->digits;
  out += "T" + std::string(d.substr(8, 2)) + ":" + (d.size() >= 12 ? std::string(d.substr(10, 2)) : "00");
  out += ":" + (d.size() >= 14 ? std::string(d.substr(12, 2)) : "00");
  if (d.size() < 12)
    ctx.issue(Severity::information, "value", ctx.location(ref.segment, at), "hour precision written with :00 minutes");
  if (!ts->fraction.empty()) out += "." + std::string(ts->fraction);
  return out + offset;
}

std::optional<std::string> to_fhir_date(MappingContext& ctx, const FieldRef& ref, std::size_t component) {
  const Address at = ref.at(component);
  std::string_view raw = ctx.raw(ref.segment, at);
  if (raw.empty() || is_explicit_null(raw)) return std::nullopt;
  auto ts = split_timestamp(raw);
  if (!ts) {
    ctx.issue(Severity::warning, "value", ctx.location(ref.segment, at), "not a valid HL7 date: dropped");
    return std::nullopt;
  }
  if (ts->digits.size() > 8)
    ctx.issue(Severity::information, "value", ctx.location(ref.segment, at), "time of day dropped: the element is a date");
  return date_part(ts->digits.substr(0, std::min<std::size_t>(8, ts->digits.size())));
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
