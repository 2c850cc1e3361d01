// CDA codes, times, quantities and observation values (identifiers, names, addresses and
// telecoms are in cda_entities.cpp).

#include "adapters/cda/cda_values.hpp"

#include <charconv>
#include <cstring>

#include "adapters/coding_systems.hpp"
#include "adapters/hl7_timestamp.hpp"
#include "adapters/text_encoding.hpp"

namespace hie::adapters::cda {
namespace {

using model::Severity;

std::string trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return to_valid_utf8(s);
}

std::optional<model::Coding> coding_of(Node cd) {
  std::string code = attribute(cd, "code");
  if (code.empty()) return std::nullopt;
  model::Coding c;
  c.code = std::move(code);
  if (auto system = attribute(cd, "codeSystem"); !system.empty()) c.system = oid_system_uri(system);
  c.display = attribute(cd, "displayName");
  c.version = attribute(cd, "codeSystemVersion");
  return c;
}

}  // namespace

std::string_view null_flavor(Node node) { return node.attribute("nullFlavor").value(); }

std::string_view xsi_type(Node node) {
  for (auto a : node.attributes()) {
    std::string_view name = a.name();
    if (name == "type" || !name.ends_with(":type")) continue;
    std::string_view value = a.value();
    if (auto colon = value.find(':'); colon != std::string_view::npos)
      value.remove_prefix(colon + 1);
    return value;
  }
  return {};
}

std::string attribute(Node node, const char* name) { return trim(node.attribute(name).value()); }

model::CodeableConcept concept_of(std::string system, std::string code, std::string display) {
  model::CodeableConcept cc;
  cc.coding.push_back({std::move(system), "", std::move(code), std::move(display), std::nullopt});
  return cc;
}

std::string entry_text(CdaContext& ctx, Node text) {
  if (!text) return {};
  ctx.use(text);
  if (Node ref = ctx.child(text, "reference")) {
    std::string resolved = ctx.narrative_text(ref.attribute("value").value());
    if (!resolved.empty()) return resolved;
  }
  return to_valid_utf8(collapsed_text(text));
}

std::optional<model::CodeableConcept> to_concept(CdaContext& ctx, Node cd) {
  if (!cd) return std::nullopt;
  ctx.visit(cd);
  model::CodeableConcept cc;
  if (auto c = coding_of(cd)) cc.coding.push_back(std::move(*c));
  for (Node t = cd.first_child(); t; t = t.next_sibling()) {
    if (ctx.is(t, "translation")) {
      if (auto c = coding_of(t)) cc.coding.push_back(std::move(*c));
      ctx.visit(t);
    } else if (ctx.is(t, "originalText")) {
      cc.text = entry_text(ctx, t);
    }
  }
  if (cc.coding.empty() && cc.text.empty()) return std::nullopt;
  return cc;
}

std::optional<std::string> to_datetime(CdaContext& ctx, Node ts) {
  if (!ts) return std::nullopt;
  ctx.visit(ts);
  std::string value = attribute(ts, "value");
  if (value.empty()) return std::nullopt;
  const std::string where = ctx.location(ts) + "/@value";
  auto r = hl7_to_fhir_datetime(value, ctx.context().default_utc_offset);
  if (r.invalid) {
    ctx.issue(Severity::warning, "value", where, "not a valid HL7 timestamp: dropped");
    return std::nullopt;
  }
  if (r.cut_to_date)
    ctx.issue(Severity::warning, "value", where,
              "time without a UTC offset and no default offset configured: kept as a date");
  if (r.hour_only)
    ctx.issue(Severity::information, "value", where, "hour precision written with :00 minutes");
  return r.value;
}

std::optional<std::string> to_date(CdaContext& ctx, Node ts) {
  if (!ts) return std::nullopt;
  ctx.visit(ts);
  std::string value = attribute(ts, "value");
  if (value.empty()) return std::nullopt;
  const std::string where = ctx.location(ts) + "/@value";
  auto r = hl7_to_fhir_date(value);
  if (r.invalid) {
    ctx.issue(Severity::warning, "value", where, "not a valid HL7 date: dropped");
    return std::nullopt;
  }
  if (r.time_dropped)
    ctx.issue(Severity::information, "value", where, "time of day dropped: the element is a date");
  return r.value;
}

std::optional<model::Period> to_period(CdaContext& ctx, Node ivl) {
  if (!ivl) return std::nullopt;
  ctx.visit(ivl);
  model::Period p;
  if (ivl.attribute("value")) {
    p.start = to_datetime(ctx, ivl).value_or("");
    p.end = p.start;
  }
  if (auto low = to_datetime(ctx, ctx.child(ivl, "low"))) p.start = *low;
  if (auto high = to_datetime(ctx, ctx.child(ivl, "high"))) p.end = *high;
  if (auto center = to_datetime(ctx, ctx.child(ivl, "center"))) p.start = p.end = *center;
  if (p.start.empty() && p.end.empty()) return std::nullopt;
  return p;
}

std::variant<std::monostate, model::DateTime, model::Period> to_effective(CdaContext& ctx,
                                                                          Node ivl) {
  if (!ivl) return {};
  if (ivl.attribute("value")) {
    if (auto v = to_datetime(ctx, ivl)) return model::DateTime{*v};
    return {};
  }
  if (Node center = ctx.child(ivl, "center")) {
    ctx.visit(ivl);
    if (auto v = to_datetime(ctx, center)) return model::DateTime{*v};
    return {};
  }
  if (auto p = to_period(ctx, ivl)) return *p;
  return {};
}

std::optional<model::Quantity> to_quantity(CdaContext& ctx, Node pq) {
  if (!pq) return std::nullopt;
  ctx.visit(pq);
  std::string value = attribute(pq, "value");
  if (value.empty()) return std::nullopt;
  auto decimal = model::Decimal::parse(value);
  if (!decimal) {
    ctx.issue(Severity::warning, "value", ctx.location(pq) + "/@value",
              "quantity is not a number: dropped");
    return std::nullopt;
  }
  model::Quantity q;
  q.value = *decimal;
  std::string unit = attribute(pq, "unit");
  if (!unit.empty()) {
    q.unit = unit;
    q.system = "http://unitsofmeasure.org";
    q.code = unit;
  }
  return q;
}

std::optional<model::Range> to_range(CdaContext& ctx, Node ivl) {
  if (!ivl) return std::nullopt;
  ctx.visit(ivl);
  model::Range r;
  r.low = to_quantity(ctx, ctx.child(ivl, "low"));
  r.high = to_quantity(ctx, ctx.child(ivl, "high"));
  if (!r.low && !r.high) return std::nullopt;
  return r;
}

model::CodeableConcept data_absent_reason(std::string_view nf) {
  std::string_view code = nf == "ASKU"   ? "asked-unknown"
                          : nf == "NAV"  ? "temp-unknown"
                          : nf == "NASK" ? "not-asked"
                          : nf == "MSK"  ? "masked"
                          : nf == "NA"   ? "not-applicable"
                          : nf == "NINF" ? "negative-infinity"
                          : nf == "PINF" ? "positive-infinity"
                          : nf == "NP"   ? "not-performed"
                                         : "unknown";
  return concept_of("http://terminology.hl7.org/CodeSystem/data-absent-reason", std::string(code),
                    "");
}

model::ObservationValue to_observation_value(CdaContext& ctx, Node value,
                                             std::optional<model::CodeableConcept>& absent) {
  if (!value) return {};
  std::string_view type = xsi_type(value);
  if (type.empty()) {
    // No xsi:type: guess from the attributes, as readers of hand-made documents must.
    type = value.attribute("code") ? "CD" : value.attribute("unit") ? "PQ" : "ST";
  }
  if (!null_flavor(value).empty() && !value.first_child() && !value.attribute("code") &&
      !value.attribute("value")) {
    ctx.use(value);
    absent = data_absent_reason(null_flavor(value));
    return {};
  }
  ctx.visit(value);
  if (type == "PQ" || type == "REAL") {
    if (auto q = to_quantity(ctx, value)) return *q;
  } else if (type == "IVL_PQ") {
    if (auto r = to_range(ctx, value)) return *r;
  } else if (type == "CD" || type == "CE" || type == "CV" || type == "CO" || type == "CS") {
    if (auto cc = to_concept(ctx, value)) return *cc;
  } else if (type == "ST" || type == "ED" || type == "SC") {
    std::string text = entry_text(ctx, value);
    if (!text.empty()) return text;
  } else if (type == "INT") {
    std::string v = attribute(value, "value");
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec == std::errc() && end == v.data() + v.size() && n >= INT32_MIN && n <= INT32_MAX)
      return n;
    if (!v.empty())
      ctx.issue(Severity::warning, "value", ctx.location(value) + "/@value",
                "INT value is not an integer: dropped");
  } else if (type == "BL") {
    std::string v = attribute(value, "value");
    if (v == "true" || v == "false") return v == "true";
  } else if (type == "TS") {
    if (auto v = to_datetime(ctx, value)) return model::DateTime{*v};
  } else if (type == "IVL_TS") {
    if (auto p = to_period(ctx, value)) return *p;
  } else if (type == "RTO" || type == "RTO_PQ_PQ" || type == "RTO_INT_INT" ||
             type == "RTO_QTY_QTY") {
    model::Ratio r;
    r.numerator = to_quantity(ctx, ctx.child(value, "numerator"));
    r.denominator = to_quantity(ctx, ctx.child(value, "denominator"));
    if (r.numerator || r.denominator) return r;
  } else {
    ctx.not_mapped(value,
                   "value of xsi:type '" + to_valid_utf8(type.substr(0, 32)) + "' is not mapped");
    return {};
  }
  if (!null_flavor(value).empty()) absent = data_absent_reason(null_flavor(value));
  return {};
}

}  // namespace hie::adapters::cda
