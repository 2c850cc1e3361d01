// AL1 → AllergyIntolerance, DG1 → Condition, PR1 → Procedure.
//
// AllergyIntolerance.clinicalStatus is set to `active`: an AL1 segment in a message lists an
// allergy the sending system currently holds for the patient (v2 has no "resolved" allergy in
// AL1; removals are sent with the update/delete action of IAM, which is not mapped here).

#include "adapters/hl7v2/clinical_helpers.hpp"
#include "adapters/hl7v2/segment_mappers.hpp"
#include "broker/model/resource.hpp"

namespace hie::adapters::hl7v2 {
namespace {

using model::Severity;
using namespace clinical;

model::Reference ref_to(const std::string& reference) {
  model::Reference r;
  r.reference = reference;
  return r;
}

}  // namespace

void map_allergies(MappingContext& ctx, const std::string& patient_ref) {
  for (const auto& s : ctx.message().segments()) {
    if (s.id() != "AL1") continue;
    model::AllergyIntolerance a;
    a.id = ctx.stable_id("AllergyIntolerance", s);
    a.meta = ctx.meta();
    ctx.raw(s, {"AL1", 1});  // set id: position only
    a.patient = ref_to(patient_ref);
    a.clinical_status = concept_of(
        coding("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active", "Active"));

    // AL1-2 allergen type (table 0127).
    std::string type = upper(ctx.text(s, {"AL1", 2, 1, 1}));
    ctx.raw(s, {"AL1", 2});
    if (type == "DA" || type == "DRUG") a.category.push_back("medication"), a.type = "allergy";
    else if (type == "DI") a.category.push_back("medication"), a.type = "intolerance";
    else if (type == "FA" || type == "FOOD") a.category.push_back("food"), a.type = "allergy";
    else if (type == "FI") a.category.push_back("food"), a.type = "intolerance";
    else if (type == "EA" || type == "AA" || type == "PA" || type == "PO" || type == "LA")
      a.category.push_back("environment"), a.type = "allergy";
    else if (type == "EI") a.category.push_back("environment"), a.type = "intolerance";
    else if (type == "MA" || type == "ALLERGY") a.type = "allergy";  // miscellaneous: no category
    else if (type == "MI") a.type = "intolerance";
    else if (!type.empty())
      ctx.issue(Severity::warning, "code-invalid", ctx.location(s, {"AL1", 2}),
                "allergen type '" + type + "' has no AllergyIntolerance category/type: dropped");

    a.code = to_codeable_concept(ctx, {s, 3});

    // AL1-4 severity (table 0128) → criticality, and the reaction's severity.
    std::string severity = upper(ctx.text(s, {"AL1", 4, 1, 1}));
    ctx.raw(s, {"AL1", 4});
    std::string reaction_severity;
    if (severity == "SV" || severity == "SEVERE") a.criticality = "high", reaction_severity = "severe";
    else if (severity == "MO" || severity == "MODERATE") a.criticality = "low", reaction_severity = "moderate";
    else if (severity == "MI" || severity == "MILD") a.criticality = "low", reaction_severity = "mild";
    else if (severity == "U" || severity == "UNKNOWN") a.criticality = "unable-to-assess";
    else if (!severity.empty())
      ctx.issue(Severity::warning, "code-invalid", ctx.location(s, {"AL1", 4}),
                "allergy severity '" + severity + "' has no criticality: dropped");

    // AL1-5 reactions (ST, repeating) → one reaction with a manifestation per repetition.
    model::AllergyIntoleranceReaction reaction;
    for (std::size_t r = 1; r <= ctx.repetitions(s, 5); ++r) {
      std::string text = ctx.text(s, {"AL1", 5, r});
      if (!text.empty()) reaction.manifestation.push_back(text_concept(text));
    }
    if (!reaction.manifestation.empty()) {
      reaction.severity = reaction_severity;
      a.reaction.push_back(std::move(reaction));
    }

    if (auto onset = to_fhir_datetime(ctx, {s, 6})) a.onset = model::DateTime{*onset};
    ctx.out().resources.emplace_back(std::move(a));
  }
}

void map_conditions(MappingContext& ctx, const std::string& patient_ref) {
  for (const auto& s : ctx.message().segments()) {
    if (s.id() != "DG1") continue;
    model::Condition c;
    c.id = ctx.stable_id("Condition", s);
    c.meta = ctx.meta();
    ctx.raw(s, {"DG1", 1});  // set id: position only
    c.subject = ref_to(patient_ref);
    c.category.push_back(concept_of(coding("http://terminology.hl7.org/CodeSystem/condition-category",
                                           "encounter-diagnosis", "Encounter Diagnosis")));

    // DG1-2 (coding method, withdrawn) names the system when DG1-3.3 does not.
    std::string method = ctx.text(s, {"DG1", 2});
    c.code = to_codeable_concept(ctx, {s, 3});
    if (c.code && !method.empty())
      for (auto& coding : c.code->coding)
        if (coding.system.empty()) coding.system = coding_system_uri(method);
    std::string description = ctx.text(s, {"DG1", 4});
    if (!description.empty()) {
      if (!c.code) c.code = text_concept(description);
      else if (c.code->text.empty()) c.code->text = description;
    }

    if (auto onset = to_fhir_datetime(ctx, {s, 5})) c.onset = model::DateTime{*onset};
    if (auto recorded = to_fhir_datetime(ctx, {s, 19})) c.recorded_date = *recorded;

    // DG1-6 diagnosis type (table 0052): A admitting, W working, F final.
    std::string dtype = upper(ctx.text(s, {"DG1", 6, 1, 1}));
    ctx.raw(s, {"DG1", 6});
    const char* status = dtype == "F" ? "confirmed" : (dtype == "A" || dtype == "W") ? "provisional" : nullptr;
    if (status != nullptr) {
      c.verification_status = concept_of(
          coding("http://terminology.hl7.org/CodeSystem/condition-ver-status", status,
                 dtype == "F" ? "Confirmed" : "Provisional"));
      const char* note = dtype == "F" ? "final diagnosis" : dtype == "A" ? "admitting diagnosis" : "working diagnosis";
      c.note.push_back({{}, {}, std::string("HL7 v2 diagnosis type ") + dtype + ": " + note});
    } else if (!dtype.empty()) {
      ctx.issue(Severity::warning, "code-invalid", ctx.location(s, {"DG1", 6}),
                "diagnosis type '" + dtype + "' has no verification status: dropped");
    }

    if (auto who = xcn_reference(ctx, {s, 16})) c.asserter = *who;
    ctx.out().resources.emplace_back(std::move(c));
  }
}

void map_procedures(MappingContext& ctx, const std::string& patient_ref) {
  for (const auto& s : ctx.message().segments()) {
    if (s.id() != "PR1") continue;
    model::Procedure p;
    p.id = ctx.stable_id("Procedure", s);
    p.meta = ctx.meta();
    ctx.raw(s, {"PR1", 1});  // set id: position only
    p.status = "completed";
    p.subject = ref_to(patient_ref);

    std::string method = ctx.text(s, {"PR1", 2});
    p.code = to_codeable_concept(ctx, {s, 3});
    if (p.code && !method.empty())
      for (auto& coding : p.code->coding)
        if (coding.system.empty()) coding.system = coding_system_uri(method);
    std::string description = ctx.text(s, {"PR1", 4});
    if (!description.empty()) {
      if (!p.code) p.code = text_concept(description);
      else if (p.code->text.empty()) p.code->text = description;
    }
    if (auto when = to_fhir_datetime(ctx, {s, 5})) p.performed = model::DateTime{*when};

    // Anesthesiologist PR1-8, surgeon PR1-11, procedure practitioner PR1-12 (XCN, repeating).
    for (auto [field, function] : {std::pair<std::size_t, const char*>{11, "surgeon"}, {12, ""},
                                   {8, "anesthesiologist"}}) {
      for (std::size_t r = 1; r <= ctx.repetitions(s, field); ++r) {
        auto who = xcn_reference(ctx, {s, field, r});
        if (!who) continue;
        model::ProcedurePerformer perf;
        perf.actor = *who;
        if (*function != '\0') perf.function = text_concept(function);
        p.performer.push_back(std::move(perf));
      }
    }
    ctx.out().resources.emplace_back(std::move(p));
  }
}

}  // namespace hie::adapters::hl7v2
