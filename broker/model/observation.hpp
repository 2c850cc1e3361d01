#pragma once
// Observation and DiagnosticReport (hl7.org/fhir/R4/observation.html, diagnosticreport.html).

#include "broker/model/datatypes.hpp"

namespace hie::model {

/// Observation.value[x] and Observation.component.value[x] (SampledData is not held).
using ObservationValue = std::variant<std::monostate, Quantity, CodeableConcept, std::string, bool,
                                      std::int64_t, Range, Ratio, Time, DateTime, Period>;

struct ObservationReferenceRange {
  static constexpr std::string_view fhir_type = "BackboneElement";
  std::optional<Quantity> low;
  std::optional<Quantity> high;
  std::optional<CodeableConcept> type;
  std::vector<CodeableConcept> applies_to;
  std::optional<Range> age;
  std::string text;
  bool operator==(const ObservationReferenceRange&) const = default;
};

struct ObservationComponent {
  static constexpr std::string_view fhir_type = "BackboneElement";
  CodeableConcept code;
  ObservationValue value;
  std::optional<CodeableConcept> data_absent_reason;
  std::vector<CodeableConcept> interpretation;
  std::vector<ObservationReferenceRange> reference_range;
  bool operator==(const ObservationComponent&) const = default;
};

struct Observation : DomainResource {
  static constexpr std::string_view fhir_type = "Observation";
  std::vector<Identifier> identifier;
  std::vector<Reference> based_on;
  std::vector<Reference> part_of;
  std::string status;  ///< code, required
  std::vector<CodeableConcept> category;
  CodeableConcept code;  ///< required
  std::optional<Reference> subject;
  std::vector<Reference> focus;
  std::optional<Reference> encounter;
  std::variant<std::monostate, DateTime, Period, Instant> effective;  ///< Timing not held
  std::string issued;                                                 ///< instant
  std::vector<Reference> performer;
  ObservationValue value;
  std::optional<CodeableConcept> data_absent_reason;
  std::vector<CodeableConcept> interpretation;
  std::vector<Annotation> note;
  std::optional<CodeableConcept> body_site;
  std::optional<CodeableConcept> method;
  std::optional<Reference> specimen;
  std::optional<Reference> device;
  std::vector<ObservationReferenceRange> reference_range;
  std::vector<Reference> has_member;
  std::vector<Reference> derived_from;
  std::vector<ObservationComponent> component;
  bool operator==(const Observation&) const = default;
};

template <class V>
void describe(V& v, ObservationReferenceRange& x) {
  v.field("low", x.low);
  v.field("high", x.high);
  v.field("type", x.type);
  v.field("appliesTo", x.applies_to);
  v.field("age", x.age);
  v.field("text", x.text);
}

template <class V>
void describe(V& v, ObservationComponent& x) {
  v.required("code", x.code);
  v.choice("value", x.value);
  v.field("dataAbsentReason", x.data_absent_reason);
  v.field("interpretation", x.interpretation);
  v.field("referenceRange", x.reference_range);
}

template <class V>
void describe(V& v, Observation& x) {
  v.base(static_cast<DomainResource&>(x));
  v.field("identifier", x.identifier);
  v.field("basedOn", x.based_on);
  v.field("partOf", x.part_of);
  v.required("status", x.status, Primitive::code);
  v.field("category", x.category);
  v.required("code", x.code);
  v.field("subject", x.subject);
  v.field("focus", x.focus);
  v.field("encounter", x.encounter);
  v.choice("effective", x.effective);
  v.field("issued", x.issued, Primitive::instant);
  v.field("performer", x.performer);
  v.choice("value", x.value);
  v.field("dataAbsentReason", x.data_absent_reason);
  v.field("interpretation", x.interpretation);
  v.field("note", x.note);
  v.field("bodySite", x.body_site);
  v.field("method", x.method);
  v.field("specimen", x.specimen);
  v.field("device", x.device);
  v.field("referenceRange", x.reference_range);
  v.field("hasMember", x.has_member);
  v.field("derivedFrom", x.derived_from);
  v.field("component", x.component);
}

struct DiagnosticReportMedia {
  static constexpr std::string_view fhir_type = "BackboneElement";
  std::string comment;
  Reference link;
  bool operator==(const DiagnosticReportMedia&) const = default;
};

struct DiagnosticReport : DomainResource {
  static constexpr std::string_view fhir_type = "DiagnosticReport";
  std::vector<Identifier> identifier;
  std::vector<Reference> based_on;
  std::string status;  ///< code, required
  std::vector<CodeableConcept> category;
  CodeableConcept code;  ///< required
  std::optional<Reference> subject;
  std::optional<Reference> encounter;
  std::variant<std::monostate, DateTime, Period> effective;
  std::string issued;  ///< instant
  std::vector<Reference> performer;
  std::vector<Reference> results_interpreter;
  std::vector<Reference> specimen;
  std::vector<Reference> result;
  std::vector<Reference> imaging_study;
  std::vector<DiagnosticReportMedia> media;
  std::string conclusion;
  std::vector<CodeableConcept> conclusion_code;
  std::vector<Attachment> presented_form;
  bool operator==(const DiagnosticReport&) const = default;
};

template <class V>
void describe(V& v, DiagnosticReportMedia& x) {
  v.field("comment", x.comment);
  v.required("link", x.link);
}

template <class V>
void describe(V& v, DiagnosticReport& x) {
  v.base(static_cast<DomainResource&>(x));
  v.field("identifier", x.identifier);
  v.field("basedOn", x.based_on);
  v.required("status", x.status, Primitive::code);
  v.field("category", x.category);
  v.required("code", x.code);
  v.field("subject", x.subject);
  v.field("encounter", x.encounter);
  v.choice("effective", x.effective);
  v.field("issued", x.issued, Primitive::instant);
  v.field("performer", x.performer);
  v.field("resultsInterpreter", x.results_interpreter);
  v.field("specimen", x.specimen);
  v.field("result", x.result);
  v.field("imagingStudy", x.imaging_study);
  v.field("media", x.media);
  v.field("conclusion", x.conclusion);
  v.field("conclusionCode", x.conclusion_code);
  v.field("presentedForm", x.presented_form);
}

}  // namespace hie::model
