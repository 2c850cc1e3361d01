// Procedures: Procedure Activity Procedure/Observation/Act → Procedure (status from statusCode,
// code, performed from effectiveTime, body site). Encounters: Encounter Activity → Encounter
// (status, class from an ActCode coding else v3-NullFlavor UNK, type = code, period, location),
// its Encounter Diagnoses → Condition (encounter-diagnosis) referenced from Encounter.diagnosis.

#include "adapters/cda/section_mappers.hpp"
#include "adapters/text_encoding.hpp"
#include "broker/model/condition.hpp"
#include "broker/model/patient.hpp"

namespace hie::adapters::cda {
namespace {

std::string procedure_status(std::string_view status) {
  if (status == "completed") return "completed";
  if (status == "active") return "in-progress";
  if (status == "aborted") return "stopped";
  if (status == "cancelled") return "not-done";
  if (status == "new") return "preparation";
  if (status == "held" || status == "suspended") return "on-hold";
  if (status == "nullified") return "entered-in-error";
  return "unknown";
}

std::string encounter_status(std::string_view status, const std::optional<model::Period>& period) {
  if (status == "completed") return "finished";
  if (status == "active") return "in-progress";
  if (status == "cancelled" || status == "aborted") return "cancelled";
  if (status == "nullified") return "entered-in-error";
  if (period && !period->end.empty()) return "finished";
  return "unknown";
}

}  // namespace

void map_procedure_entry(CdaContext& ctx, Node act) {
  const std::string_view mood = act.attribute("moodCode").value();
  if (mood != "EVN" && !mood.empty()) {
    ctx.not_mapped(act.parent(), "planned procedure (moodCode " + std::string(mood.substr(0, 8)) +
                                     ") is not mapped: kept only in the attached document");
    return;
  }
  ctx.visit(act);
  model::Procedure p;
  p.id = ctx.stable_id("Procedure", act);
  p.meta = ctx.meta();
  p.identifier = identifiers(ctx, act);
  p.status = procedure_status(status_code(ctx, act));
  if (std::string_view(act.attribute("negationInd").value()) == "true") p.status = "not-done";
  p.code = to_concept(ctx, ctx.child(act, "code"));
  if (!p.code) {
    if (auto text = entry_text(ctx, ctx.child(act, "text")); !text.empty())
      p.code = model::CodeableConcept{{}, text};
  } else {
    ctx.use(ctx.child(act, "text"));
  }
  p.subject = ctx.patient();
  auto when = to_effective(ctx, ctx.child(act, "effectiveTime"));
  if (auto* dt = std::get_if<model::DateTime>(&when))
    p.performed = *dt;
  else if (auto* period = std::get_if<model::Period>(&when))
    p.performed = *period;
  for (Node c = act.first_child(); c; c = c.next_sibling())
    if (ctx.is(c, "targetSiteCode"))
      if (auto site = to_concept(ctx, c)) p.body_site.push_back(*site);
  emit(ctx, std::move(p));
}

void map_encounter_entry(CdaContext& ctx, Node enc) {
  const std::string_view mood = enc.attribute("moodCode").value();
  if (mood != "EVN" && !mood.empty()) {
    ctx.not_mapped(enc.parent(), "planned encounter (moodCode " + std::string(mood.substr(0, 8)) +
                                     ") is not mapped: kept only in the attached document");
    return;
  }
  ctx.visit(enc);
  model::Encounter e;
  e.id = ctx.stable_id("Encounter", enc);
  e.meta = ctx.meta();
  e.identifier = identifiers(ctx, enc);
  e.subject = ctx.patient();
  e.class_ = {"http://terminology.hl7.org/CodeSystem/v3-NullFlavor", "", "UNK", "unknown",
              std::nullopt};
  if (auto code = to_concept(ctx, ctx.child(enc, "code"))) {
    for (const auto& c : code->coding)
      if (c.system == "http://terminology.hl7.org/CodeSystem/v3-ActCode") e.class_ = c;
    e.type.push_back(*code);
  }
  ctx.use(ctx.child(enc, "text"));
  e.period = to_period(ctx, ctx.child(enc, "effectiveTime"));
  e.status = encounter_status(status_code(ctx, enc), e.period);
  for (Node p = ctx.child(enc, "participant"); p; p = p.next_sibling()) {
    if (!ctx.is(p, "participant") || std::string_view(p.attribute("typeCode").value()) != "LOC")
      continue;
    Node role = ctx.child(p, "participantRole");
    if (!role) continue;
    ctx.visit(p);
    ctx.visit(role);
    model::EncounterLocation l;
    l.location.type = "Location";
    for (auto& id : identifiers(ctx, role))
      if (!l.location.identifier) l.location.identifier = id;
    if (Node entity = ctx.child(role, "playingEntity")) {
      ctx.visit(entity);
      if (Node name = ctx.take(entity, "name"))
        l.location.display = to_valid_utf8(collapsed_text(name));
    }
    if (l.location.display.empty() && !l.location.identifier) {
      if (auto type = to_concept(ctx, ctx.child(role, "code")); type && !type->coding.empty())
        l.location.display = type->coding[0].display;
    }
    if (!l.location.display.empty() || l.location.identifier) e.location.push_back(std::move(l));
  }
  model::Reference self;
  self.reference = "Encounter/" + e.id;
  for_each_related(ctx, enc, "entryRelationship", "", [&](Node act) {
    // Encounter Diagnosis (22.4.80): an act holding Problem Observations.
    if (!has_template(ctx, act, "2.16.840.1.113883.10.20.22.4.80")) return;
    ctx.visit(act);
    ctx.use(ctx.child(act, "code"));
    status_code(ctx, act);
    for_each_related(ctx, act, "entryRelationship", "SUBJ", [&](Node obs) {
      const std::string id = map_problem_observation(ctx, obs, "encounter-diagnosis", "", &self);
      model::EncounterDiagnosis d;
      d.condition.reference = "Condition/" + id;
      e.diagnosis.push_back(std::move(d));
    });
  });
  emit(ctx, std::move(e));
}

}  // namespace hie::adapters::cda
