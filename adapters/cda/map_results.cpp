// Results: Result Organizer → DiagnosticReport (code, status, effective, category LAB) whose
// Result Observations → Observation (category laboratory). Vital Signs: each Vital Sign
// Observation → Observation (category vital-signs); the organizer's time fills in when an
// observation has none. Social History: each observation (smoking status, birth sex …) →
// Observation (category social-history). Values by xsi:type; interpretation, method, body site and reference
// ranges carried over.

#include "adapters/cda/section_mappers.hpp"
#include "broker/model/observation.hpp"

namespace hie::adapters::cda {
namespace {

using model::Severity;

std::string observation_status(std::string_view status) {
  if (status == "completed") return "final";
  if (status == "active") return "preliminary";
  if (status == "aborted" || status == "cancelled") return "cancelled";
  if (status == "nullified") return "entered-in-error";
  return "unknown";
}

std::string report_status(std::string_view status) {
  if (status == "completed") return "final";
  if (status == "active") return "partial";
  if (status == "aborted" || status == "cancelled") return "cancelled";
  if (status == "nullified") return "entered-in-error";
  return "unknown";
}

model::CodeableConcept category_concept(std::string_view code) {
  const std::string_view display = code == "laboratory"    ? "Laboratory"
                                   : code == "vital-signs" ? "Vital Signs"
                                                           : "Social History";
  return concept_of("http://terminology.hl7.org/CodeSystem/observation-category", std::string(code),
                    std::string(display));
}

void map_reference_range(CdaContext& ctx, Node range, model::Observation& o) {
  ctx.visit(range);
  Node obs_range = ctx.child(range, "observationRange");
  if (!obs_range) return;
  ctx.visit(obs_range);
  model::ObservationReferenceRange rr;
  if (Node value = ctx.child(obs_range, "value")) {
    if (auto r = to_range(ctx, value)) rr.low = r->low, rr.high = r->high;
  }
  rr.text = entry_text(ctx, ctx.child(obs_range, "text"));
  if (!rr.low && !rr.high && rr.text.empty()) return;
  o.reference_range.push_back(std::move(rr));
}

/// One Result or Vital Sign Observation. `fallback_time` is the organizer's effectiveTime.
std::string map_observation(CdaContext& ctx, Node obs, std::string_view category, Node fallback_time) {
  ctx.visit(obs);
  model::Observation o;
  o.id = ctx.stable_id("Observation", obs);
  o.meta = ctx.meta();
  o.identifier = identifiers(ctx, obs);
  o.status = observation_status(status_code(ctx, obs));
  o.category.push_back(category_concept(category));
  if (auto code = to_concept(ctx, ctx.child(obs, "code")))
    o.code = *code;
  else
    o.code = concept_of("http://terminology.hl7.org/CodeSystem/data-absent-reason", "unknown",
                        "Unknown");
  o.subject = ctx.patient();
  Node effective = ctx.child(obs, "effectiveTime");
  auto when = to_effective(ctx, effective ? effective : fallback_time);
  if (auto* dt = std::get_if<model::DateTime>(&when))
    o.effective = *dt;
  else if (auto* p = std::get_if<model::Period>(&when))
    o.effective = *p;
  for (Node c = obs.first_child(); c; c = c.next_sibling()) {
    if (ctx.is(c, "value") && std::holds_alternative<std::monostate>(o.value)) {
      o.value = to_observation_value(ctx, c, o.data_absent_reason);
    } else if (ctx.is(c, "interpretationCode")) {
      if (auto i = to_concept(ctx, c)) o.interpretation.push_back(*i);
    } else if (ctx.is(c, "referenceRange")) {
      map_reference_range(ctx, c, o);
    }
  }
  o.method = to_concept(ctx, ctx.child(obs, "methodCode"));
  o.body_site = to_concept(ctx, ctx.child(obs, "targetSiteCode"));
  if (auto text = entry_text(ctx, ctx.child(obs, "text"));
      !text.empty() && std::holds_alternative<std::monostate>(o.value) && !o.data_absent_reason)
    o.value = text;
  std::string id = o.id;
  emit(ctx, std::move(o));
  return id;
}

}  // namespace

void map_result_entry(CdaContext& ctx, Node act, std::string_view category) {
  if (ctx.local_name(act) == "observation") {
    map_observation(ctx, act, category, {});
    return;
  }
  ctx.visit(act);
  Node organizer_time = ctx.child(act, "effectiveTime");
  std::vector<std::string> results;
  for_each_related(ctx, act, "component", "", [&](Node obs) {
    if (ctx.local_name(obs) == "observation")
      results.push_back(map_observation(ctx, obs, category, organizer_time));
  });
  if (category != "laboratory") {
    // A vital signs panel (46680005 / 85353-1) only groups: its time went to its members.
    identifiers(ctx, act);
    ctx.use(ctx.child(act, "code"));
    status_code(ctx, act);
    ctx.use(organizer_time);
    return;
  }
  model::DiagnosticReport dr;
  dr.id = ctx.stable_id("DiagnosticReport", act);
  dr.meta = ctx.meta();
  dr.identifier = identifiers(ctx, act);
  dr.status = report_status(status_code(ctx, act));
  dr.category.push_back(
      concept_of("http://terminology.hl7.org/CodeSystem/v2-0074", "LAB", "Laboratory"));
  if (auto code = to_concept(ctx, ctx.child(act, "code")))
    dr.code = *code;
  else
    dr.code = concept_of("http://terminology.hl7.org/CodeSystem/data-absent-reason", "unknown",
                         "Unknown");
  dr.subject = ctx.patient();
  auto when = to_effective(ctx, organizer_time);
  if (auto* dt = std::get_if<model::DateTime>(&when))
    dr.effective = *dt;
  else if (auto* p = std::get_if<model::Period>(&when))
    dr.effective = *p;
  for (const auto& id : results) {
    model::Reference r;
    r.reference = "Observation/" + id;
    dr.result.push_back(r);
  }
  emit(ctx, std::move(dr));
}

}  // namespace hie::adapters::cda
