#pragma once
// Condition, AllergyIntolerance and Procedure (hl7.org/fhir/R4/condition.html,
// allergyintolerance.html, procedure.html).

#include "broker/model/datatypes.hpp"

namespace hie::model {

/// Condition.onset[x] / abatement[x], AllergyIntolerance.onset[x].
using OnsetValue = std::variant<std::monostate, DateTime, Age, Period, Range, std::string>;

struct ConditionStage {
  static constexpr std::string_view fhir_type = "BackboneElement";
  std::optional<CodeableConcept> summary;
  std::vector<Reference> assessment;
  std::optional<CodeableConcept> type;
  bool operator==(const ConditionStage&) const = default;
};

struct ConditionEvidence {
  static constexpr std::string_view fhir_type = "BackboneElement";
  std::vector<CodeableConcept> code;
  std::vector<Reference> detail;
  bool operator==(const ConditionEvidence&) const = default;
};

struct Condition : DomainResource {
  static constexpr std::string_view fhir_type = "Condition";
  std::vector<Identifier> identifier;
  std::optional<CodeableConcept> clinical_status;
  std::optional<CodeableConcept> verification_status;
  std::vector<CodeableConcept> category;
  std::optional<CodeableConcept> severity;
  std::optional<CodeableConcept> code;
  std::vector<CodeableConcept> body_site;
  Reference subject;  ///< required
  std::optional<Reference> encounter;
  OnsetValue onset;
  OnsetValue abatement;
  std::string recorded_date;  ///< dateTime
  std::optional<Reference> recorder;
  std::optional<Reference> asserter;
  std::vector<ConditionStage> stage;
  std::vector<ConditionEvidence> evidence;
  std::vector<Annotation> note;
  bool operator==(const Condition&) const = default;
};

template <class V>
void describe(V& v, ConditionStage& x) {
  v.field("summary", x.summary);
  v.field("assessment", x.assessment);
  v.field("type", x.type);
}

template <class V>
void describe(V& v, ConditionEvidence& x) {
  v.field("code", x.code);
  v.field("detail", x.detail);
}

template <class V>
void describe(V& v, Condition& x) {
  v.base(static_cast<DomainResource&>(x));
  v.field("identifier", x.identifier);
  v.field("clinicalStatus", x.clinical_status);
  v.field("verificationStatus", x.verification_status);
  v.field("category", x.category);
  v.field("severity", x.severity);
  v.field("code", x.code);
  v.field("bodySite", x.body_site);
  v.required("subject", x.subject);
  v.field("encounter", x.encounter);
  v.choice("onset", x.onset);
  v.choice("abatement", x.abatement);
  v.field("recordedDate", x.recorded_date, Primitive::date_time);
  v.field("recorder", x.recorder);
  v.field("asserter", x.asserter);
  v.field("stage", x.stage);
  v.field("evidence", x.evidence);
  v.field("note", x.note);
}

struct AllergyIntoleranceReaction {
  static constexpr std::string_view fhir_type = "BackboneElement";
  std::optional<CodeableConcept> substance;
  std::vector<CodeableConcept> manifestation;  ///< 1..*
  std::string description;
  std::string onset;     ///< dateTime
  std::string severity;  ///< code
  std::optional<CodeableConcept> exposure_route;
  std::vector<Annotation> note;
  bool operator==(const AllergyIntoleranceReaction&) const = default;
};

struct AllergyIntolerance : DomainResource {
  static constexpr std::string_view fhir_type = "AllergyIntolerance";
  std::vector<Identifier> identifier;
  std::optional<CodeableConcept> clinical_status;
  std::optional<CodeableConcept> verification_status;
  std::string type;                   ///< code
  std::vector<std::string> category;  ///< code
  std::string criticality;            ///< code
  std::optional<CodeableConcept> code;
  Reference patient;  ///< required
  std::optional<Reference> encounter;
  OnsetValue onset;
  std::string recorded_date;  ///< dateTime
  std::optional<Reference> recorder;
  std::optional<Reference> asserter;
  std::string last_occurrence;  ///< dateTime
  std::vector<Annotation> note;
  std::vector<AllergyIntoleranceReaction> reaction;
  bool operator==(const AllergyIntolerance&) const = default;
};

template <class V>
void describe(V& v, AllergyIntoleranceReaction& x) {
  v.field("substance", x.substance);
  v.required("manifestation", x.manifestation);
  v.field("description", x.description);
  v.field("onset", x.onset, Primitive::date_time);
  v.field("severity", x.severity, Primitive::code);
  v.field("exposureRoute", x.exposure_route);
  v.field("note", x.note);
}

template <class V>
void describe(V& v, AllergyIntolerance& x) {
  v.base(static_cast<DomainResource&>(x));
  v.field("identifier", x.identifier);
  v.field("clinicalStatus", x.clinical_status);
  v.field("verificationStatus", x.verification_status);
  v.field("type", x.type, Primitive::code);
  v.field("category", x.category, Primitive::code);
  v.field("criticality", x.criticality, Primitive::code);
  v.field("code", x.code);
  v.required("patient", x.patient);
  v.field("encounter", x.encounter);
  v.choice("onset", x.onset);
  v.field("recordedDate", x.recorded_date, Primitive::date_time);
  v.field("recorder", x.recorder);
  v.field("asserter", x.asserter);
  v.field("lastOccurrence", x.last_occurrence, Primitive::date_time);
  v.field("note", x.note);
  v.field("reaction", x.reaction);
}

struct ProcedurePerformer {
  static constexpr std::string_view fhir_type = "BackboneElement";
  std::optional<CodeableConcept> function;
  Reference actor;
  std::optional<Reference> on_behalf_of;
  bool operator==(const ProcedurePerformer&) const = default;
};

struct Procedure : DomainResource {
  static constexpr std::string_view fhir_type = "Procedure";
  std::vector<Identifier> identifier;
  std::vector<Reference> based_on;
  std::vector<Reference> part_of;
  std::string status;  ///< code, required
  std::optional<CodeableConcept> status_reason;
  std::optional<CodeableConcept> category;
  std::optional<CodeableConcept> code;
  Reference subject;  ///< required
  std::optional<Reference> encounter;
  std::variant<std::monostate, DateTime, Period, std::string, Age, Range> performed;
  std::optional<Reference> recorder;
  std::optional<Reference> asserter;
  std::vector<ProcedurePerformer> performer;
  std::optional<Reference> location;
  std::vector<CodeableConcept> reason_code;
  std::vector<Reference> reason_reference;
  std::vector<CodeableConcept> body_site;
  std::optional<CodeableConcept> outcome;
  std::vector<Reference> report;
  std::vector<CodeableConcept> complication;
  std::vector<Reference> complication_detail;
  std::vector<CodeableConcept> follow_up;
  std::vector<Annotation> note;
  std::vector<Reference> used_reference;
  std::vector<CodeableConcept> used_code;
  bool operator==(const Procedure&) const = default;
};

template <class V>
void describe(V& v, ProcedurePerformer& x) {
  v.field("function", x.function);
  v.required("actor", x.actor);
  v.field("onBehalfOf", x.on_behalf_of);
}

template <class V>
void describe(V& v, Procedure& x) {
  v.base(static_cast<DomainResource&>(x));
  v.field("identifier", x.identifier);
  v.field("basedOn", x.based_on);
  v.field("partOf", x.part_of);
  v.required("status", x.status, Primitive::code);
  v.field("statusReason", x.status_reason);
  v.field("category", x.category);
  v.field("code", x.code);
  v.required("subject", x.subject);
  v.field("encounter", x.encounter);
  v.choice("performed", x.performed);
  v.field("recorder", x.recorder);
  v.field("asserter", x.asserter);
  v.field("performer", x.performer);
  v.field("location", x.location);
  v.field("reasonCode", x.reason_code);
  v.field("reasonReference", x.reason_reference);
  v.field("bodySite", x.body_site);
  v.field("outcome", x.outcome);
  v.field("report", x.report);
  v.field("complication", x.complication);
  v.field("complicationDetail", x.complication_detail);
  v.field("followUp", x.follow_up);
  v.field("note", x.note);
  v.field("usedReference", x.used_reference);
  v.field("usedCode", x.used_code);
}

}  // namespace hie::model
