// Problems (and admission, discharge and encounter diagnoses): Problem Concern Act → the
// Problem Observations it holds → Condition. code = the observation's value (with its
// translations, e.g. ICD-10-CM); category = problem-list-item or encounter-diagnosis plus the
// observation's own type code (problem, diagnosis, symptom …); onset/abatement from
// effectiveTime low/high; clinicalStatus from the Problem Status observation, else the concern's
// statusCode; verificationStatus refuted when negationInd is true, else confirmed.

#include "adapters/cda/section_mappers.hpp"
#include "broker/model/condition.hpp"

namespace hie::adapters::cda {
namespace {

using model::Severity;

constexpr std::string_view kClinical = "http://terminology.hl7.org/CodeSystem/condition-clinical";
constexpr std::string_view kVerification =
    "http://terminology.hl7.org/CodeSystem/condition-ver-status";
constexpr std::string_view kProblemStatus = "2.16.840.1.113883.10.20.22.4.6";

/// Problem status value (SNOMED) → condition-clinical code.
std::string_view clinical_from_snomed(std::string_view code) {
  if (code == "55561003") return "active";
  if (code == "73425007") return "inactive";
  if (code == "413322009") return "resolved";
  return {};
}

std::string_view clinical_from_concern(std::string_view status) {
  if (status == "active") return "active";
  if (status == "completed") return "resolved";
  if (status == "suspended" || status == "aborted") return "inactive";
  return {};
}

struct ConcernInfo {
  std::string status;
  std::vector<model::Identifier> ids;
  std::string recorded;
};

std::string map_observation(CdaContext& ctx, Node obs, std::string_view category,
                            const ConcernInfo& concern, const model::Reference* encounter) {
  ctx.visit(obs);
  model::Condition c;
  c.id = ctx.stable_id("Condition", obs);
  c.meta = ctx.meta();
  c.identifier = concern.ids;
  for (auto& id : identifiers(ctx, obs)) c.identifier.push_back(std::move(id));
  c.subject = ctx.patient();
  if (encounter) c.encounter = *encounter;
  c.recorded_date = concern.recorded;
  c.category.push_back(
      concept_of("http://terminology.hl7.org/CodeSystem/condition-category", std::string(category),
                 category == "problem-list-item" ? "Problem List Item" : "Encounter Diagnosis"));
  if (auto type = to_concept(ctx, ctx.child(obs, "code"))) c.category.push_back(*type);
  status_code(ctx, obs);

  Node value = ctx.child(obs, "value");
  c.code = to_concept(ctx, value);
  ctx.use(value);
  if (!c.code) {
    if (auto text = entry_text(ctx, ctx.child(obs, "text")); !text.empty())
      c.code = model::CodeableConcept{{}, text};
  } else {
    ctx.use(ctx.child(obs, "text"));
  }

  const bool negated = std::string_view(obs.attribute("negationInd").value()) == "true";
  c.verification_status = negated
                              ? concept_of(std::string(kVerification), "refuted", "Refuted")
                              : concept_of(std::string(kVerification), "confirmed", "Confirmed");

  std::string_view clinical = clinical_from_concern(concern.status);
  for_each_related(ctx, obs, "entryRelationship", "REFR", [&](Node status_obs) {
    if (!has_template(ctx, status_obs, kProblemStatus)) return;
    ctx.visit(status_obs);
    ctx.use(ctx.child(status_obs, "code"));
    ctx.use(ctx.child(status_obs, "text"));  // the narrative of the status: in the document
    status_code(ctx, status_obs);
    Node v = ctx.child(status_obs, "value");
    if (auto from_status = clinical_from_snomed(attribute(v, "code")); !from_status.empty()) {
      clinical = from_status;
      ctx.use(v);
    }
  });

  Node effective = ctx.child(obs, "effectiveTime");
  if (effective) {
    ctx.visit(effective);
    Node low = ctx.child(effective, "low");
    Node high = ctx.child(effective, "high");
    std::optional<std::string> onset =
        effective.attribute("value") ? to_datetime(ctx, effective) : to_datetime(ctx, low);
    if (onset) c.onset = model::DateTime{*onset};
    if (auto abated = to_datetime(ctx, high)) {
      if (clinical.empty()) clinical = "resolved";
      if (clinical == "active") {
        ctx.issue(Severity::warning, "business-rule", ctx.location(high),
                  "abatement date not mapped: the problem's status is active (FHIR con-4)");
      } else {
        c.abatement = model::DateTime{*abated};
      }
    }
  }
  if (!clinical.empty())
    c.clinical_status = concept_of(std::string(kClinical), std::string(clinical), "");
  std::string id = c.id;
  emit(ctx, std::move(c));
  return id;
}

ConcernInfo read_concern(CdaContext& ctx, Node act) {
  ctx.visit(act);
  ConcernInfo concern;
  concern.status = status_code(ctx, act);
  concern.ids = identifiers(ctx, act);
  ctx.use(ctx.child(act, "code"));  // CONC (concern) or the diagnosis section's act code
  if (Node effective = ctx.child(act, "effectiveTime")) {
    ctx.visit(effective);
    if (auto recorded = to_datetime(
            ctx, effective.attribute("value") ? effective : ctx.child(effective, "low")))
      concern.recorded = *recorded;
    // The concern's end (high) is when tracking stopped, not when the problem ended.
    ctx.use(ctx.child(effective, "high"));
  }
  return concern;
}

}  // namespace

std::string map_problem_observation(CdaContext& ctx, Node observation, std::string_view category,
                                    std::string_view concern_status,
                                    const model::Reference* encounter) {
  ConcernInfo concern;
  concern.status = concern_status;
  return map_observation(ctx, observation, category, concern, encounter);
}

void map_problem_entry(CdaContext& ctx, Node act, SectionKind kind) {
  const std::string_view category =
      kind == SectionKind::problems ? "problem-list-item" : "encounter-diagnosis";
  if (ctx.local_name(act) == "observation") {
    map_observation(ctx, act, category, {}, nullptr);
    return;
  }
  ConcernInfo concern = read_concern(ctx, act);
  for_each_related(ctx, act, "entryRelationship", "SUBJ", [&](Node obs) {
    if (ctx.local_name(obs) == "observation") map_observation(ctx, obs, category, concern, nullptr);
  });
}

}  // namespace hie::adapters::cda
