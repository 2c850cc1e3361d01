// Allergies: Allergy Concern Act → Allergy-Intolerance Observation → AllergyIntolerance.
// code = the substance (participant CSM playingEntity code); type and category from the
// observation's value (SNOMED "drug allergy", "food intolerance" …); onset from effectiveTime
// low; reactions (MFST) with manifestation, onset and severity; criticality; clinicalStatus from
// the Allergy Status observation, else the concern's statusCode. negationInd: refuted, or "no
// known allergy" (SNOMED 716186003) when no substance is named.

#include <array>

#include "adapters/cda/section_mappers.hpp"
#include "broker/model/condition.hpp"

namespace hie::adapters::cda {
namespace {

using model::Severity;

constexpr std::string_view kClinical =
    "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";
constexpr std::string_view kVerification =
    "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification";

struct AllergyType {
  std::string_view snomed, type, category;
};

constexpr std::array kTypes = {
    AllergyType{"419199007", "allergy", ""},
    AllergyType{"416098002", "allergy", "medication"},
    AllergyType{"414285001", "allergy", "food"},
    AllergyType{"426232007", "allergy", "environment"},
    AllergyType{"232347008", "allergy", "environment"},
    AllergyType{"609328004", "allergy", ""},
    AllergyType{"59037007", "intolerance", "medication"},
    AllergyType{"235719002", "intolerance", "food"},
    AllergyType{"782197009", "intolerance", ""},
    AllergyType{"420134006", "", ""},
    AllergyType{"418038007", "", ""},
    AllergyType{"419511003", "", "medication"},
    AllergyType{"418471000", "", "food"},
    AllergyType{"418545001", "", "environment"},
};

std::string_view clinical_from_snomed(std::string_view code) {
  if (code == "55561003") return "active";
  if (code == "73425007") return "inactive";
  if (code == "413322009") return "resolved";
  return {};
}

std::string severity_of(CdaContext& ctx, Node severity_obs) {
  ctx.visit(severity_obs);
  ctx.use(ctx.child(severity_obs, "code"));
  ctx.use(ctx.child(severity_obs, "text"));
  status_code(ctx, severity_obs);
  Node v = ctx.child(severity_obs, "value");
  const std::string code = attribute(v, "code");
  std::string out = code == "255604002"  ? "mild"
                    : code == "6736007"  ? "moderate"
                    : code == "24484000" ? "severe"
                                         : "";
  if (!out.empty()) ctx.use(v);
  return out;
}

void map_reaction(CdaContext& ctx, Node reaction, model::AllergyIntolerance& a) {
  ctx.visit(reaction);
  ctx.use(ctx.child(reaction, "code"));
  status_code(ctx, reaction);
  identifiers(ctx, reaction);  // a reaction has no identifier in FHIR; its id names only this node
  model::AllergyIntoleranceReaction r;
  if (auto manifestation = to_concept(ctx, ctx.child(reaction, "value")))
    r.manifestation.push_back(*manifestation);
  ctx.use(ctx.child(reaction, "text"));
  if (Node effective = ctx.child(reaction, "effectiveTime")) {
    ctx.visit(effective);
    auto onset =
        to_datetime(ctx, effective.attribute("value") ? effective : ctx.child(effective, "low"));
    if (onset) r.onset = *onset;
  }
  for_each_related(ctx, reaction, "entryRelationship", "SUBJ", [&](Node obs) {
    if (has_template(ctx, obs, "2.16.840.1.113883.10.20.22.4.8"))
      r.severity = severity_of(ctx, obs);
  });
  if (r.manifestation.empty()) {
    ctx.issue(Severity::warning, "required", ctx.location(reaction),
              "reaction without a coded manifestation is not mapped (FHIR needs one)");
    return;
  }
  a.reaction.push_back(std::move(r));
}

void map_observation(CdaContext& ctx, Node obs, std::string_view concern_status,
                     const std::vector<model::Identifier>& concern_ids,
                     const std::string& recorded) {
  ctx.visit(obs);
  model::AllergyIntolerance a;
  a.id = ctx.stable_id("AllergyIntolerance", obs);
  a.meta = ctx.meta();
  a.identifier = concern_ids;
  for (auto& id : identifiers(ctx, obs)) a.identifier.push_back(std::move(id));
  a.patient = ctx.patient();
  a.recorded_date = recorded;
  ctx.use(ctx.child(obs, "code"));  // ASSERTION
  status_code(ctx, obs);
  ctx.use(ctx.child(obs, "text"));

  Node value = ctx.child(obs, "value");
  const std::string type_code = attribute(value, "code");
  for (const auto& t : kTypes) {
    if (t.snomed != type_code) continue;
    a.type = t.type;
    if (!t.category.empty()) a.category.push_back(std::string(t.category));
    ctx.use(value);
  }
  for (Node p = ctx.child(obs, "participant"); p; p = p.next_sibling()) {
    if (!ctx.is(p, "participant") || std::string_view(p.attribute("typeCode").value()) != "CSM")
      continue;
    ctx.visit(p);
    Node role = ctx.child(p, "participantRole");
    Node entity = ctx.child(role, "playingEntity");
    ctx.visit(role);
    ctx.visit(entity);
    if (!a.code) a.code = to_concept(ctx, ctx.child(entity, "code"));
    if (Node name = ctx.child(entity, "name")) {
      if (a.code && a.code->text.empty())
        a.code->text = collapsed_text(name);
      else if (!a.code)
        a.code = model::CodeableConcept{{}, collapsed_text(name)};
      ctx.use(name);
    }
  }
  if (Node effective = ctx.child(obs, "effectiveTime")) {
    ctx.visit(effective);
    auto onset =
        to_datetime(ctx, effective.attribute("value") ? effective : ctx.child(effective, "low"));
    if (onset) a.onset = model::DateTime{*onset};
  }

  std::string_view clinical = concern_status == "active"      ? "active"
                              : concern_status == "completed" ? "resolved"
                              : concern_status.empty()        ? ""
                                                              : "inactive";
  std::string lone_severity;
  for (Node rel = obs.first_child(); rel; rel = rel.next_sibling()) {
    if (!ctx.is(rel, "entryRelationship")) continue;
    Node inner = first_element(rel);
    if (!inner) continue;
    if (has_template(ctx, inner, "2.16.840.1.113883.10.20.22.4.9")) {
      ctx.visit(rel);
      map_reaction(ctx, inner, a);
    } else if (has_template(ctx, inner, "2.16.840.1.113883.10.20.22.4.28")) {
      ctx.visit(rel);
      ctx.visit(inner);
      ctx.use(ctx.child(inner, "code"));
      ctx.use(ctx.child(inner, "text"));
      status_code(ctx, inner);
      Node v = ctx.child(inner, "value");
      if (auto s = clinical_from_snomed(attribute(v, "code")); !s.empty()) clinical = s, ctx.use(v);
    } else if (has_template(ctx, inner, "2.16.840.1.113883.10.20.22.4.145")) {
      ctx.visit(rel);
      ctx.visit(inner);
      ctx.use(ctx.child(inner, "code"));
      status_code(ctx, inner);
      Node v = ctx.child(inner, "value");
      const std::string c = attribute(v, "code");
      a.criticality = c == "CRITL"   ? "low"
                      : c == "CRITH" ? "high"
                      : c == "CRITU" ? "unable-to-assess"
                                     : "";
      if (!a.criticality.empty()) ctx.use(v);
    } else if (has_template(ctx, inner, "2.16.840.1.113883.10.20.22.4.8")) {
      ctx.visit(rel);
      lone_severity = severity_of(ctx, inner);
    }
  }
  // A severity on the allergy itself (C-CDA 1.1 style) belongs to its reactions in FHIR.
  if (!lone_severity.empty()) {
    for (auto& r : a.reaction)
      if (r.severity.empty()) r.severity = lone_severity;
    if (a.reaction.empty())
      ctx.issue(Severity::warning, "not-supported", ctx.location(obs),
                "allergy severity not mapped: FHIR holds severity only on a reaction");
  }

  const bool negated = std::string_view(obs.attribute("negationInd").value()) == "true";
  if (negated && !a.code) {
    a.code = concept_of("http://snomed.info/sct", "716186003", "No known allergy");
    a.verification_status = concept_of(std::string(kVerification), "confirmed", "Confirmed");
  } else {
    a.verification_status = negated
                                ? concept_of(std::string(kVerification), "refuted", "Refuted")
                                : concept_of(std::string(kVerification), "confirmed", "Confirmed");
  }
  if (clinical.empty()) {
    clinical = "active";
    ctx.issue(Severity::information, "informational", ctx.location(obs),
              "no allergy status or concern status: clinicalStatus taken as active (FHIR ait-1)");
  }
  a.clinical_status = concept_of(std::string(kClinical), std::string(clinical), "");
  emit(ctx, std::move(a));
}

}  // namespace

void map_allergy_entry(CdaContext& ctx, Node act) {
  if (ctx.local_name(act) == "observation") {
    map_observation(ctx, act, "", {}, "");
    return;
  }
  ctx.visit(act);
  const std::string status = status_code(ctx, act);
  const auto ids = identifiers(ctx, act);
  ctx.use(ctx.child(act, "code"));
  std::string recorded;
  if (Node effective = ctx.child(act, "effectiveTime")) {
    ctx.visit(effective);
    if (auto r = to_datetime(
            ctx, effective.attribute("value") ? effective : ctx.child(effective, "low")))
      recorded = *r;
    ctx.use(ctx.child(effective, "high"));
  }
  for_each_related(ctx, act, "entryRelationship", "SUBJ", [&](Node obs) {
    if (ctx.local_name(obs) == "observation") map_observation(ctx, obs, status, ids, recorded);
  });
}

}  // namespace hie::adapters::cda
