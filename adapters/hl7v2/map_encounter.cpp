// PV1 (+ PV2) → Encounter.
//
// Status follows the v2-to-FHIR IG ConceptMap table-hl70003-to-encounter-status where it says
// something: A01/A02 in-progress, A03 finished, A04/A05 planned. Beyond it: A06/A07 (change
// inpatient/outpatient) and A12 (cancel transfer) in-progress; A13 (cancel discharge) puts the
// visit back in progress, so in-progress; A11 (cancel admit) and A38 (cancel pre-admit)
// cancelled (the visit did not happen; entered-in-error would claim the record was wrong, which
// A11 does not say); A14 (pending admit) planned. Other events (A08 update, A31 …): finished
// when PV1-45 (discharge time) is given, else in-progress; anything else unknown, with an issue.

#include <array>

#include "adapters/hl7v2/clinical_helpers.hpp"
#include "adapters/hl7v2/segment_mappers.hpp"
#include "broker/model/resource.hpp"

namespace hie::adapters::hl7v2 {
namespace {

using model::Severity;
using namespace clinical;

constexpr std::string_view kActCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
constexpr std::string_view kParticipationType = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";

bool has_content(const Segment& s) {
  for (std::size_t f = 2; f <= s.field_count(); ++f)
    if (!s.field(f).empty()) return true;
  return false;
}

/// PV1-2 patient class (table 0004) → v3 ActCode encounter class.
std::optional<model::Coding> encounter_class(std::string_view v2) {
  const std::string c = upper(v2);
  auto act = [](std::string code, std::string display) { return coding(std::string(kActCode), code, display); };
  if (c == "I" || c == "INPATIENT" || c == "B") return act("IMP", "inpatient encounter");  // B obstetrics
  if (c == "O" || c == "OUTPATIENT" || c == "R" || c == "C") return act("AMB", "ambulatory");  // R recurring, C commercial
  if (c == "E" || c == "EMERGENCY") return act("EMER", "emergency");
  if (c == "P" || c == "PREADMIT") return act("PRENC", "pre-admission");
  return std::nullopt;  // N not applicable, U unknown, local codes
}

std::string status_for(std::string_view event, bool discharged) {
  if (event == "A01" || event == "A02" || event == "A06" || event == "A07" || event == "A12" || event == "A13")
    return "in-progress";
  if (event == "A03") return "finished";
  if (event == "A04" || event == "A05" || event == "A14") return "planned";
  if (event == "A11" || event == "A38") return "cancelled";
  if (!event.empty()) return discharged ? "finished" : "in-progress";
  return "unknown";
}

/// IS/CWE code field (first repetition): code + display, system from component 3 or `table`.
std::optional<model::CodeableConcept> table_code(MappingContext& ctx, const Segment& s, std::size_t field,
                                                 std::string_view table) {
  FieldRef ref{s, field};
  std::string code = ctx.text(s, ref.at(1));
  std::string display = ctx.text(s, ref.at(2));
  std::string system = ctx.text(s, ref.at(3));
  if (code.empty()) return display.empty() ? std::nullopt : std::optional(text_concept(display));
  return concept_of(coding(system.empty() ? "http://terminology.hl7.org/CodeSystem/v2-" + std::string(table)
                                          : coding_system_uri(system),
                           code, display));
}

}  // namespace

void map_encounter(MappingContext& ctx, const std::string& patient_ref) {
  const Segment* pv1 = ctx.message().find("PV1");
  if (pv1 == nullptr || !has_content(*pv1)) return;
  const Segment& s = *pv1;
  const Segment* pv2 = ctx.message().find("PV2");

  model::Encounter e;
  e.id = ctx.stable_id("Encounter", s);
  e.meta = ctx.meta();
  ctx.raw(s, {"PV1", 1});  // set id: position only

  auto start = to_fhir_datetime(ctx, {s, 44});
  auto end = to_fhir_datetime(ctx, {s, 45});
  const std::string event(ctx.message().trigger_event());
  e.status = status_for(event, end.has_value());
  if (e.status == "unknown")
    ctx.issue(Severity::warning, "code-unknown", "MSH-9.2",
              "no trigger event to derive the encounter status from: status 'unknown'");

  // Class (required).
  std::string patient_class = ctx.text(s, {"PV1", 2, 1, 1});
  ctx.raw(s, {"PV1", 2});
  if (auto c = encounter_class(patient_class)) {
    e.class_ = *c;
  } else {
    e.class_ = coding("http://terminology.hl7.org/CodeSystem/v3-NullFlavor", "UNK", "unknown");
    if (!patient_class.empty())
      ctx.issue(Severity::warning, "code-invalid", ctx.location(s, {"PV1", 2}),
                "patient class '" + patient_class + "' has no v3 ActCode encounter class: class UNK");
  }

  if (auto id = to_identifier(ctx, {s, 19})) e.identifier.push_back(*id);
  if (start || end) {
    model::Period p;
    if (start) p.start = *start;
    if (end) p.end = *end;
    e.period = p;
  }
  if (!patient_ref.empty()) {
    model::Reference subject;
    subject.reference = patient_ref;
    e.subject = subject;
  }

  // Assigned location PV1-3 (PL): point of care ^ room ^ bed ^ facility (HD.1).
  {
    std::string poc = ctx.text(s, {"PV1", 3, 1, 1, 1});
    std::string room = ctx.text(s, {"PV1", 3, 1, 2, 1});
    std::string bed = ctx.text(s, {"PV1", 3, 1, 3, 1});
    std::string facility = ctx.text(s, {"PV1", 3, 1, 4, 1});
    std::string display;
    auto add = [&](std::string_view label, const std::string& v) {
      if (v.empty()) return;
      if (!display.empty()) display += ", ";
      display += std::string(label) + v;
    };
    add("", poc);
    add("Room ", room);
    add("Bed ", bed);
    add("", facility);
    if (!display.empty()) {
      for (std::size_t c = 1; c <= 4; ++c) ctx.raw(s, {"PV1", 3, 1, c});
      model::EncounterLocation loc;
      loc.location.display = display;
      if (e.status == "finished") loc.status = "completed";
      else if (e.status == "in-progress") loc.status = "active";
      else if (e.status == "planned") loc.status = "planned";
      e.location.push_back(loc);
    }
  }

  // Participants: attending, referring, consulting, admitting (XCN, repeating).
  constexpr std::array<std::pair<std::size_t, std::string_view>, 4> kRoles{
      {{7, "ATND"}, {8, "REF"}, {9, "CON"}, {17, "ADM"}}};
  constexpr std::array<std::string_view, 4> kRoleNames{"attender", "referrer", "consultant", "admitter"};
  for (std::size_t i = 0; i < kRoles.size(); ++i) {
    const auto [field, code] = kRoles[i];
    for (std::size_t r = 1; r <= ctx.repetitions(s, field); ++r) {
      auto who = xcn_reference(ctx, {s, field, r});
      if (!who) continue;
      model::EncounterParticipant p;
      p.type.push_back(concept_of(coding(std::string(kParticipationType), std::string(code), std::string(kRoleNames[i]))));
      p.individual = *who;
      e.participant.push_back(std::move(p));
    }
  }

  if (auto service = table_code(ctx, s, 10, "0069")) e.service_type = *service;

  model::EncounterHospitalization h;
  bool any_h = false;
  if (auto src = table_code(ctx, s, 14, "0023")) h.admit_source = *src, any_h = true;
  if (auto dd = table_code(ctx, s, 36, "0112")) h.discharge_disposition = *dd, any_h = true;
  if (any_h) e.hospitalization = h;

  if (pv2 != nullptr)
    if (auto reason = to_codeable_concept(ctx, {*pv2, 3})) e.reason_code.push_back(*reason);

  ctx.out().resources.emplace_back(std::move(e));
}

}  // namespace hie::adapters::hl7v2
