#pragma once
// MedicationStatement and Immunization (hl7.org/fhir/R4/medicationstatement.html,
// immunization.html), with the Dosage datatype they use.

#include "broker/model/datatypes.hpp"

namespace hie::model {

struct DosageDoseAndRate {
  static constexpr std::string_view fhir_type = "Element";
  std::optional<CodeableConcept> type;
  std::variant<std::monostate, Range, Quantity> dose;
  std::variant<std::monostate, Ratio, Range, Quantity> rate;
  bool operator==(const DosageDoseAndRate&) const = default;
};

/// Dosage without `timing`, `maxDosePer*` (not held; the reader reports them).
struct Dosage {
  static constexpr std::string_view fhir_type = "Dosage";
  std::optional<std::int64_t> sequence;
  std::string text;
  std::vector<CodeableConcept> additional_instruction;
  std::string patient_instruction;
  std::variant<std::monostate, bool, CodeableConcept> as_needed;
  std::optional<CodeableConcept> site;
  std::optional<CodeableConcept> route;
  std::optional<CodeableConcept> method;
  std::vector<DosageDoseAndRate> dose_and_rate;
  bool operator==(const Dosage&) const = default;
};

template <class V>
void describe(V& v, DosageDoseAndRate& x) {
  v.field("type", x.type);
  v.choice("dose", x.dose);
  v.choice("rate", x.rate);
}

template <class V>
void describe(V& v, Dosage& x) {
  v.field("sequence", x.sequence);
  v.field("text", x.text);
  v.field("additionalInstruction", x.additional_instruction);
  v.field("patientInstruction", x.patient_instruction);
  v.choice("asNeeded", x.as_needed);
  v.field("site", x.site);
  v.field("route", x.route);
  v.field("method", x.method);
  v.field("doseAndRate", x.dose_and_rate);
}

struct MedicationStatement : DomainResource {
  static constexpr std::string_view fhir_type = "MedicationStatement";
  std::vector<Identifier> identifier;
  std::vector<Reference> based_on;
  std::vector<Reference> part_of;
  std::string status;  ///< code, required
  std::vector<CodeableConcept> status_reason;
  std::optional<CodeableConcept> category;
  std::variant<std::monostate, CodeableConcept, Reference> medication;  ///< required
  Reference subject;                                                    ///< required
  std::optional<Reference> context;
  std::variant<std::monostate, DateTime, Period> effective;
  std::string date_asserted;  ///< dateTime
  std::optional<Reference> information_source;
  std::vector<Reference> derived_from;
  std::vector<CodeableConcept> reason_code;
  std::vector<Reference> reason_reference;
  std::vector<Annotation> note;
  std::vector<Dosage> dosage;
  bool operator==(const MedicationStatement&) const = default;
};

template <class V>
void describe(V& v, MedicationStatement& x) {
  v.base(static_cast<DomainResource&>(x));
  v.field("identifier", x.identifier);
  v.field("basedOn", x.based_on);
  v.field("partOf", x.part_of);
  v.required("status", x.status, Primitive::code);
  v.field("statusReason", x.status_reason);
  v.field("category", x.category);
  v.required_choice("medication", x.medication);
  v.required("subject", x.subject);
  v.field("context", x.context);
  v.choice("effective", x.effective);
  v.field("dateAsserted", x.date_asserted, Primitive::date_time);
  v.field("informationSource", x.information_source);
  v.field("derivedFrom", x.derived_from);
  v.field("reasonCode", x.reason_code);
  v.field("reasonReference", x.reason_reference);
  v.field("note", x.note);
  v.field("dosage", x.dosage);
}

struct ImmunizationPerformer {
  static constexpr std::string_view fhir_type = "BackboneElement";
  std::optional<CodeableConcept> function;
  Reference actor;
  bool operator==(const ImmunizationPerformer&) const = default;
};

struct ImmunizationEducation {
  static constexpr std::string_view fhir_type = "BackboneElement";
  std::string document_type;
  std::string reference;          ///< uri
  std::string publication_date;   ///< dateTime
  std::string presentation_date;  ///< dateTime
  bool operator==(const ImmunizationEducation&) const = default;
};

struct ImmunizationReaction {
  static constexpr std::string_view fhir_type = "BackboneElement";
  std::string date;  ///< dateTime
  std::optional<Reference> detail;
  std::optional<bool> reported;
  bool operator==(const ImmunizationReaction&) const = default;
};

/// Immunization without `protocolApplied` (not held; the reader reports it).
struct Immunization : DomainResource {
  static constexpr std::string_view fhir_type = "Immunization";
  std::vector<Identifier> identifier;
  std::string status;  ///< code, required
  std::optional<CodeableConcept> status_reason;
  CodeableConcept vaccine_code;  ///< required
  Reference patient;             ///< required
  std::optional<Reference> encounter;
  std::variant<std::monostate, DateTime, std::string> occurrence;  ///< required
  std::string recorded;                                            ///< dateTime
  std::optional<bool> primary_source;
  std::optional<CodeableConcept> report_origin;
  std::optional<Reference> location;
  std::optional<Reference> manufacturer;
  std::string lot_number;
  std::string expiration_date;  ///< date
  std::optional<CodeableConcept> site;
  std::optional<CodeableConcept> route;
  std::optional<Quantity> dose_quantity;
  std::vector<ImmunizationPerformer> performer;
  std::vector<Annotation> note;
  std::vector<CodeableConcept> reason_code;
  std::vector<Reference> reason_reference;
  std::optional<bool> is_subpotent;
  std::vector<CodeableConcept> subpotent_reason;
  std::vector<ImmunizationEducation> education;
  std::vector<CodeableConcept> program_eligibility;
  std::optional<CodeableConcept> funding_source;
  std::vector<ImmunizationReaction> reaction;
  bool operator==(const Immunization&) const = default;
};

template <class V>
void describe(V& v, ImmunizationPerformer& x) {
  v.field("function", x.function);
  v.required("actor", x.actor);
}

template <class V>
void describe(V& v, ImmunizationEducation& x) {
  v.field("documentType", x.document_type);
  v.field("reference", x.reference, Primitive::uri);
  v.field("publicationDate", x.publication_date, Primitive::date_time);
  v.field("presentationDate", x.presentation_date, Primitive::date_time);
}

template <class V>
void describe(V& v, ImmunizationReaction& x) {
  v.field("date", x.date, Primitive::date_time);
  v.field("detail", x.detail);
  v.field("reported", x.reported);
}

template <class V>
void describe(V& v, Immunization& x) {
  v.base(static_cast<DomainResource&>(x));
  v.field("identifier", x.identifier);
  v.required("status", x.status, Primitive::code);
  v.field("statusReason", x.status_reason);
  v.required("vaccineCode", x.vaccine_code);
  v.required("patient", x.patient);
  v.field("encounter", x.encounter);
  v.required_choice("occurrence", x.occurrence);
  v.field("recorded", x.recorded, Primitive::date_time);
  v.field("primarySource", x.primary_source);
  v.field("reportOrigin", x.report_origin);
  v.field("location", x.location);
  v.field("manufacturer", x.manufacturer);
  v.field("lotNumber", x.lot_number);
  v.field("expirationDate", x.expiration_date, Primitive::date);
  v.field("site", x.site);
  v.field("route", x.route);
  v.field("doseQuantity", x.dose_quantity);
  v.field("performer", x.performer);
  v.field("note", x.note);
  v.field("reasonCode", x.reason_code);
  v.field("reasonReference", x.reason_reference);
  v.field("isSubpotent", x.is_subpotent);
  v.field("subpotentReason", x.subpotent_reason);
  v.field("education", x.education);
  v.field("programEligibility", x.program_eligibility);
  v.field("fundingSource", x.funding_source);
  v.field("reaction", x.reaction);
}

}  // namespace hie::model
