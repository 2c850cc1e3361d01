#pragma once
// DocumentReference and ServiceRequest (hl7.org/fhir/R4/documentreference.html,
// servicerequest.html).

#include "broker/model/datatypes.hpp"

namespace hie::model {

struct DocumentReferenceRelatesTo {
  static constexpr std::string_view fhir_type = "BackboneElement";
  std::string code;  ///< code, required
  Reference target;  ///< required
  bool operator==(const DocumentReferenceRelatesTo&) const = default;
};

struct DocumentReferenceContent {
  static constexpr std::string_view fhir_type = "BackboneElement";
  Attachment attachment;  ///< required
  std::optional<Coding> format;
  bool operator==(const DocumentReferenceContent&) const = default;
};

struct DocumentReferenceContext {
  static constexpr std::string_view fhir_type = "BackboneElement";
  std::vector<Reference> encounter;
  std::vector<CodeableConcept> event;
  std::optional<Period> period;
  std::optional<CodeableConcept> facility_type;
  std::optional<CodeableConcept> practice_setting;
  std::optional<Reference> source_patient_info;
  std::vector<Reference> related;
  bool operator==(const DocumentReferenceContext&) const = default;
};

struct DocumentReference : DomainResource {
  static constexpr std::string_view fhir_type = "DocumentReference";
  std::optional<Identifier> master_identifier;
  std::vector<Identifier> identifier;
  std::string status;      ///< code, required
  std::string doc_status;  ///< code
  std::optional<CodeableConcept> type;
  std::vector<CodeableConcept> category;
  std::optional<Reference> subject;
  std::string date;  ///< instant
  std::vector<Reference> author;
  std::optional<Reference> authenticator;
  std::optional<Reference> custodian;
  std::vector<DocumentReferenceRelatesTo> relates_to;
  std::string description;
  std::vector<CodeableConcept> security_label;
  std::vector<DocumentReferenceContent> content;  ///< 1..*
  std::optional<DocumentReferenceContext> context;
  bool operator==(const DocumentReference&) const = default;
};

template <class V>
void describe(V& v, DocumentReferenceRelatesTo& x) {
  v.required("code", x.code, Primitive::code);
  v.required("target", x.target);
}

template <class V>
void describe(V& v, DocumentReferenceContent& x) {
  v.required("attachment", x.attachment);
  v.field("format", x.format);
}

template <class V>
void describe(V& v, DocumentReferenceContext& x) {
  v.field("encounter", x.encounter);
  v.field("event", x.event);
  v.field("period", x.period);
  v.field("facilityType", x.facility_type);
  v.field("practiceSetting", x.practice_setting);
  v.field("sourcePatientInfo", x.source_patient_info);
  v.field("related", x.related);
}

template <class V>
void describe(V& v, DocumentReference& x) {
  v.base(static_cast<DomainResource&>(x));
  v.field("masterIdentifier", x.master_identifier);
  v.field("identifier", x.identifier);
  v.required("status", x.status, Primitive::code);
  v.field("docStatus", x.doc_status, Primitive::code);
  v.field("type", x.type);
  v.field("category", x.category);
  v.field("subject", x.subject);
  v.field("date", x.date, Primitive::instant);
  v.field("author", x.author);
  v.field("authenticator", x.authenticator);
  v.field("custodian", x.custodian);
  v.field("relatesTo", x.relates_to);
  v.field("description", x.description);
  v.field("securityLabel", x.security_label);
  v.required("content", x.content);
  v.field("context", x.context);
}

/// ServiceRequest without `occurrenceTiming` (not held; the reader reports it).
struct ServiceRequest : DomainResource {
  static constexpr std::string_view fhir_type = "ServiceRequest";
  std::vector<Identifier> identifier;
  std::vector<std::string> instantiates_canonical;
  std::vector<std::string> instantiates_uri;
  std::vector<Reference> based_on;
  std::vector<Reference> replaces;
  std::optional<Identifier> requisition;
  std::string status;  ///< code, required
  std::string intent;  ///< code, required
  std::vector<CodeableConcept> category;
  std::string priority;  ///< code
  std::optional<bool> do_not_perform;
  std::optional<CodeableConcept> code;
  std::vector<CodeableConcept> order_detail;
  std::variant<std::monostate, Quantity, Ratio, Range> quantity;
  Reference subject;  ///< required
  std::optional<Reference> encounter;
  std::variant<std::monostate, DateTime, Period> occurrence;
  std::variant<std::monostate, bool, CodeableConcept> as_needed;
  std::string authored_on;  ///< dateTime
  std::optional<Reference> requester;
  std::optional<CodeableConcept> performer_type;
  std::vector<Reference> performer;
  std::vector<CodeableConcept> location_code;
  std::vector<Reference> location_reference;
  std::vector<CodeableConcept> reason_code;
  std::vector<Reference> reason_reference;
  std::vector<Reference> insurance;
  std::vector<Reference> supporting_info;
  std::vector<Reference> specimen;
  std::vector<CodeableConcept> body_site;
  std::vector<Annotation> note;
  std::string patient_instruction;
  std::vector<Reference> relevant_history;
  bool operator==(const ServiceRequest&) const = default;
};

template <class V>
void describe(V& v, ServiceRequest& x) {
  v.base(static_cast<DomainResource&>(x));
  v.field("identifier", x.identifier);
  v.field("instantiatesCanonical", x.instantiates_canonical, Primitive::canonical);
  v.field("instantiatesUri", x.instantiates_uri, Primitive::uri);
  v.field("basedOn", x.based_on);
  v.field("replaces", x.replaces);
  v.field("requisition", x.requisition);
  v.required("status", x.status, Primitive::code);
  v.required("intent", x.intent, Primitive::code);
  v.field("category", x.category);
  v.field("priority", x.priority, Primitive::code);
  v.field("doNotPerform", x.do_not_perform);
  v.field("code", x.code);
  v.field("orderDetail", x.order_detail);
  v.choice("quantity", x.quantity);
  v.required("subject", x.subject);
  v.field("encounter", x.encounter);
  v.choice("occurrence", x.occurrence);
  v.choice("asNeeded", x.as_needed);
  v.field("authoredOn", x.authored_on, Primitive::date_time);
  v.field("requester", x.requester);
  v.field("performerType", x.performer_type);
  v.field("performer", x.performer);
  v.field("locationCode", x.location_code);
  v.field("locationReference", x.location_reference);
  v.field("reasonCode", x.reason_code);
  v.field("reasonReference", x.reason_reference);
  v.field("insurance", x.insurance);
  v.field("supportingInfo", x.supporting_info);
  v.field("specimen", x.specimen);
  v.field("bodySite", x.body_site);
  v.field("note", x.note);
  v.field("patientInstruction", x.patient_instruction);
  v.field("relevantHistory", x.relevant_history);
}

}  // namespace hie::model
