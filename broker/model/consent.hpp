#pragma once
// Consent and OperationOutcome (hl7.org/fhir/R4/consent.html, operationoutcome.html).

#include "broker/model/datatypes.hpp"

namespace hie::model {

struct ConsentPolicy {
  static constexpr std::string_view fhir_type = "BackboneElement";
  std::string authority;  ///< uri
  std::string uri;
  bool operator==(const ConsentPolicy&) const = default;
};

struct ConsentVerification {
  static constexpr std::string_view fhir_type = "BackboneElement";
  std::optional<bool> verified;  ///< required
  std::optional<Reference> verified_with;
  std::string verification_date;  ///< dateTime
  bool operator==(const ConsentVerification&) const = default;
};

struct ConsentActor {
  static constexpr std::string_view fhir_type = "BackboneElement";
  CodeableConcept role;  ///< required
  Reference reference;   ///< required
  bool operator==(const ConsentActor&) const = default;
};

struct ConsentData {
  static constexpr std::string_view fhir_type = "BackboneElement";
  std::string meaning;  ///< code, required
  Reference reference;  ///< required
  bool operator==(const ConsentData&) const = default;
};

/// The top-level rule of a consent; nested `provision` is not held (the reader reports it).
struct ConsentProvision {
  static constexpr std::string_view fhir_type = "BackboneElement";
  std::string type;  ///< code: deny | permit
  std::optional<Period> period;
  std::vector<ConsentActor> actor;
  std::vector<CodeableConcept> action;
  std::vector<Coding> security_label;
  std::vector<Coding> purpose;
  std::vector<Coding> class_;  ///< FHIR `class`
  std::vector<CodeableConcept> code;
  std::optional<Period> data_period;
  std::vector<ConsentData> data;
  bool operator==(const ConsentProvision&) const = default;
};

struct Consent : DomainResource {
  static constexpr std::string_view fhir_type = "Consent";
  std::vector<Identifier> identifier;
  std::string status;                     ///< code, required
  CodeableConcept scope;                  ///< required
  std::vector<CodeableConcept> category;  ///< 1..*
  std::optional<Reference> patient;
  std::string date_time;  ///< dateTime
  std::vector<Reference> performer;
  std::vector<Reference> organization;
  std::variant<std::monostate, Attachment, Reference> source;
  std::vector<ConsentPolicy> policy;
  std::optional<CodeableConcept> policy_rule;
  std::vector<ConsentVerification> verification;
  std::optional<ConsentProvision> provision;
  bool operator==(const Consent&) const = default;
};

template <class V>
void describe(V& v, ConsentPolicy& x) {
  v.field("authority", x.authority, Primitive::uri);
  v.field("uri", x.uri, Primitive::uri);
}

template <class V>
void describe(V& v, ConsentVerification& x) {
  v.required("verified", x.verified);
  v.field("verifiedWith", x.verified_with);
  v.field("verificationDate", x.verification_date, Primitive::date_time);
}

template <class V>
void describe(V& v, ConsentActor& x) {
  v.required("role", x.role);
  v.required("reference", x.reference);
}

template <class V>
void describe(V& v, ConsentData& x) {
  v.required("meaning", x.meaning, Primitive::code);
  v.required("reference", x.reference);
}

template <class V>
void describe(V& v, ConsentProvision& x) {
  v.field("type", x.type, Primitive::code);
  v.field("period", x.period);
  v.field("actor", x.actor);
  v.field("action", x.action);
  v.field("securityLabel", x.security_label);
  v.field("purpose", x.purpose);
  v.field("class", x.class_);
  v.field("code", x.code);
  v.field("dataPeriod", x.data_period);
  v.field("data", x.data);
}

template <class V>
void describe(V& v, Consent& x) {
  v.base(static_cast<DomainResource&>(x));
  v.field("identifier", x.identifier);
  v.required("status", x.status, Primitive::code);
  v.required("scope", x.scope);
  v.required("category", x.category);
  v.field("patient", x.patient);
  v.field("dateTime", x.date_time, Primitive::date_time);
  v.field("performer", x.performer);
  v.field("organization", x.organization);
  v.choice("source", x.source);
  v.field("policy", x.policy);
  v.field("policyRule", x.policy_rule);
  v.field("verification", x.verification);
  v.field("provision", x.provision);
}

struct OperationOutcomeIssue {
  static constexpr std::string_view fhir_type = "BackboneElement";
  std::string severity;  ///< code, required: fatal | error | warning | information
  std::string code;      ///< code, required: an IssueType ("not-supported", "value", ...)
  std::optional<CodeableConcept> details;
  std::string diagnostics;
  std::vector<std::string> location;
  std::vector<std::string> expression;
  bool operator==(const OperationOutcomeIssue&) const = default;
};

struct OperationOutcome : DomainResource {
  static constexpr std::string_view fhir_type = "OperationOutcome";
  std::vector<OperationOutcomeIssue> issue;  ///< 1..*
  bool operator==(const OperationOutcome&) const = default;
};

template <class V>
void describe(V& v, OperationOutcomeIssue& x) {
  v.required("severity", x.severity, Primitive::code);
  v.required("code", x.code, Primitive::code);
  v.field("details", x.details);
  v.field("diagnostics", x.diagnostics);
  v.field("location", x.location);
  v.field("expression", x.expression);
}

template <class V>
void describe(V& v, OperationOutcome& x) {
  v.base(static_cast<DomainResource&>(x));
  v.required("issue", x.issue);
}

}  // namespace hie::model
