// One OBX → Observation: value by OBX-2, units, reference range, interpretation, times and
// performers.
//
// Decisions:
// - OBX-2 ED (encapsulated data) and RP (reference pointer) have no Observation.value[x] in R4;
//   the value is left unread (so it is reported as not mapped, with its location) plus one
//   "not-supported" issue saying why. The Observation keeps its code, status and times.
// - Only the first repetition of an NM/SN/CE/DT OBX-5 is mapped (Observation has one value);
//   the others are reported as not mapped.

#include "adapters/hl7v2/obx_mapper.hpp"

#include <array>

#include "adapters/hl7v2/order_fields.hpp"
#include "adapters/hl7v2/v2_types.hpp"

namespace hie::adapters::hl7v2 {
namespace {

using model::Severity;

constexpr std::string_view kInterpretationSystem =
    "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";

struct Interp {
  std::string_view code;
  std::string_view display;
};
constexpr std::array kInterpretations = {
    Interp{"L", "Low"},
    Interp{"H", "High"},
    Interp{"LL", "Critical low"},
    Interp{"HH", "Critical high"},
    Interp{"N", "Normal"},
    Interp{"A", "Abnormal"},
    Interp{"AA", "Critical abnormal"},
    Interp{"<", "Off scale low"},
    Interp{">", "Off scale high"},
    Interp{"U", "Significant change up"},
    Interp{"D", "Significant change down"},
    Interp{"B", "Better"},
    Interp{"W", "Worse"},
    Interp{"S", "Susceptible"},
    Interp{"R", "Resistant"},
    Interp{"I", "Intermediate"},
    Interp{"MS", "moderately susceptible"},
    Interp{"VS", "very susceptible"},
    Interp{"POS", "Positive"},
    Interp{"NEG", "Negative"},
    Interp{"IND", "Indeterminate"},
    Interp{"DET", "Detected"},
    Interp{"ND", "Not detected"},
    Interp{"E", "Equivocal"},
    Interp{"HU", "Significantly high"},
    Interp{"LU", "Significantly low"},
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<model::Quantity> number(std::string_view text, const model::Quantity& unit) {
  auto d = model::Decimal::parse(trim(text));
  if (!d) return std::nullopt;
  model::Quantity q = unit;
  q.value = *d;
  return q;
}

/// OBX-7 "3.5-5.0", "4.3 to 6.2", "<5", ">=10"; anything else is kept as text.
model::ObservationReferenceRange reference_range(std::string_view text,
                                                 const model::Quantity& unit) {
  model::ObservationReferenceRange rr;
  std::string_view t = trim(text);
  std::size_t sep = t.find(" to ");
  std::size_t sep_len = 4;
  if (sep == std::string_view::npos) {
    sep = t.find('-', 1);
    sep_len = 1;
  }
  if (sep != std::string_view::npos) {
    auto low = number(t.substr(0, sep), unit);
    auto high = number(t.substr(sep + sep_len), unit);
    if (low && high) {
      rr.low = low;
      rr.high = high;
      return rr;
    }
  } else if (!t.empty() && (t.front() == '<' || t.front() == '>')) {
    std::size_t skip = t.size() > 1 && t[1] == '=' ? 2 : 1;
    if (auto bound = number(t.substr(skip), unit)) {
      (t.front() == '<' ? rr.high : rr.low) = bound;
      rr.text = std::string(t);  // keeps whether the bound is inclusive
      return rr;
    }
  }
  rr.text = std::string(t);
  return rr;
}

/// OBX-5 by OBX-2. Returns nothing (and issues) when the type is not supported.
void read_value(MappingContext& ctx, const Segment& obx, std::string_view type,
                model::Observation& obs, const model::Quantity& unit) {
  const FieldRef first{obx, 5, 1};
  const std::size_t reps = ctx.repetitions(obx, 5);
  if (reps == 0) return;
  const std::string where = ctx.location(obx, first.at());
  if (type == "NM") {
    std::string_view raw = ctx.raw(obx, first.at());
    if (auto q = number(raw, unit))
      obs.value = *q;
    else
      ctx.issue(Severity::error, "value", where, "OBX-5 is not a number (OBX-2 NM): value dropped");
  } else if (type == "SN") {
    std::string comparator = ctx.text(obx, first.at(1));
    std::string num1 = ctx.text(obx, first.at(2));
    std::string separator = ctx.text(obx, first.at(3));
    std::string num2 = ctx.text(obx, first.at(4));
    auto q1 = number(num1, unit);
    auto q2 = number(num2, unit);
    if (separator.empty() && q1 &&
        (comparator.empty() || comparator == "=" || comparator == "<" || comparator == ">" ||
         comparator == "<=" || comparator == ">=")) {
      if (comparator != "=") q1->comparator = comparator;
      obs.value = *q1;
    } else if (separator == "-" && comparator.empty() && q1 && q2) {
      obs.value = model::Range{q1, q2};
    } else if ((separator == ":" || separator == "/") && comparator.empty() && q1 && q2) {
      model::Quantity n = *q1, d = *q2;
      n.unit.clear(), n.system.clear(), n.code.clear();
      d.unit.clear(), d.system.clear(), d.code.clear();
      obs.value = model::Ratio{n, d};
    } else {
      ctx.issue(Severity::error, "value", where,
                "structured numeric (SN) value has no FHIR equivalent: dropped");
    }
  } else if (type == "ST" || type == "TX" || type == "FT") {
    std::string joined;
    for (std::size_t r = 1; r <= reps; ++r) {
      if (r > 1) joined += '\n';
      joined += ctx.text(obx, FieldRef{obx, 5, r}.at());
    }
    if (!joined.empty()) obs.value = joined;
  } else if (type == "CE" || type == "CWE" || type == "CNE") {
    if (auto cc = to_codeable_concept(ctx, first)) obs.value = *cc;
  } else if (type == "DT" || type == "DTM" || type == "TS") {
    if (auto dt = to_fhir_datetime(ctx, first)) obs.value = model::DateTime{*dt};
  } else if (type == "ED" || type == "RP") {
    ctx.issue(Severity::warning, "not-supported", where,
              "OBX-2 " + std::string(type) +
                  ": R4 Observation has no attachment or pointer value; value not mapped");
    return;
  } else {
    ctx.issue(Severity::warning, "not-supported", ctx.location(obx, {obx.id(), 2}),
              type.empty()
                  ? std::string("OBX-2 value type missing: OBX-5 not mapped")
                  : "OBX-2 value type '" + std::string(type) + "' not supported: OBX-5 not mapped");
    return;
  }
  if (reps > 1 && type != "ST" && type != "TX" && type != "FT")
    ctx.issue(Severity::warning, "not-supported", where,
              "Observation holds one value: repetitions after the first are not mapped");
}

void read_interpretation(MappingContext& ctx, const Segment& obx, model::Observation& obs) {
  for (std::size_t r = 1; r <= ctx.repetitions(obx, 8); ++r) {
    const FieldRef flag{obx, 8, r};
    std::string code = ctx.text(obx, flag.at(1));
    std::string text = ctx.text(obx, flag.at(2));
    ctx.text(obx, flag.at(3));  // the system (HL70078) is implied by the code
    if (code.empty()) continue;
    model::CodeableConcept cc;
    bool known = false;
    for (const auto& i : kInterpretations)
      if (i.code == code) {
        cc.coding.push_back(
            {std::string(kInterpretationSystem), "", code, std::string(i.display), std::nullopt});
        known = true;
      }
    if (!known) {
      cc.coding.push_back(
          {"http://terminology.hl7.org/CodeSystem/v2-0078", "", code, text, std::nullopt});
      ctx.issue(
          Severity::information, "code-unknown", ctx.location(obx, flag.at(1)),
          "abnormal flag '" + code + "' has no v3 ObservationInterpretation code: kept as v2-0078");
    }
    cc.text = text;
    obs.interpretation.push_back(std::move(cc));
  }
}

}  // namespace

std::string result_status(std::string_view v2) {
  if (v2 == "F") return "final";
  if (v2 == "P" || v2 == "R") return "preliminary";
  if (v2 == "C") return "corrected";
  if (v2 == "X" || v2 == "D") return "cancelled";
  if (v2 == "I" || v2 == "O" || v2 == "S") return "registered";
  if (v2 == "A") return "partial";
  if (v2 == "W") return "entered-in-error";
  return "unknown";
}

model::CodeableConcept laboratory_category() {
  model::CodeableConcept cc;
  cc.coding.push_back({"http://terminology.hl7.org/CodeSystem/observation-category", "",
                       "laboratory", "Laboratory", std::nullopt});
  return cc;
}

std::optional<model::Observation> map_obx(MappingContext& ctx, const Segment& obx,
                                          const std::string& patient_ref, bool laboratory_result) {
  ctx.raw(obx, {obx.id(), 1});  // set id: position only
  auto code = to_codeable_concept(ctx, FieldRef{obx, 3});
  if (!code) {
    ctx.issue(Severity::error, "required", ctx.location(obx, {obx.id(), 3}),
              "OBX-3 (observation identifier) missing: no Observation");
    return std::nullopt;
  }
  model::Observation obs;
  obs.id = ctx.stable_id("Observation", obx);
  obs.meta = ctx.meta();
  obs.code = *code;
  if (laboratory_result) obs.category.push_back(laboratory_category());
  if (!patient_ref.empty()) obs.subject = model::Reference{patient_ref, "", {}, ""};
  obs.status = result_status(ctx.text(obx, {obx.id(), 11}));
  const std::string type = ctx.text(obx, {obx.id(), 2});
  const model::Quantity unit = to_unit(ctx, FieldRef{obx, 6});
  read_value(ctx, obx, type, obs, unit);
  if (auto range = ctx.text(obx, {obx.id(), 7}); !range.empty())
    obs.reference_range.push_back(reference_range(range, unit));
  read_interpretation(ctx, obx, obs);
  if (auto when = to_fhir_datetime(ctx, FieldRef{obx, 14})) obs.effective = model::DateTime{*when};
  for (std::size_t r = 1; r <= ctx.repetitions(obx, 16); ++r)
    if (auto who = detail::to_person_reference(ctx, FieldRef{obx, 16, r}))
      obs.performer.push_back(*who);
  if (auto org = ctx.text(obx, FieldRef{obx, 23}.at(1)); !org.empty())
    obs.performer.push_back(model::Reference{"", "Organization", {}, org});
  if (auto director = detail::to_person_reference(ctx, FieldRef{obx, 25}))
    obs.performer.push_back(*director);
  return obs;
}

std::string nte_text(MappingContext& ctx, const Segment& nte) {
  ctx.raw(nte, {nte.id(), 1});
  std::string text;
  for (std::size_t r = 1; r <= ctx.repetitions(nte, 3); ++r) {
    if (r > 1) text += '\n';
    text += ctx.text(nte, FieldRef{nte, 3, r}.at());
  }
  return text;
}

}  // namespace hie::adapters::hl7v2
