#pragma once
// Provenance and AuditEvent: the broker's record of where data came from and who saw it
// (hl7.org/fhir/R4/provenance.html, auditevent.html).

#include "broker/model/datatypes.hpp"

namespace hie::model {

struct ProvenanceAgent {
  static constexpr std::string_view fhir_type = "BackboneElement";
  std::optional<CodeableConcept> type;
  std::vector<CodeableConcept> role;
  Reference who;  ///< required
  std::optional<Reference> on_behalf_of;
  bool operator==(const ProvenanceAgent&) const = default;
};

/// Provenance.entity without its nested `agent` (not held; the reader reports it).
struct ProvenanceEntity {
  static constexpr std::string_view fhir_type = "BackboneElement";
  std::string role;  ///< code, required
  Reference what;    ///< required
  bool operator==(const ProvenanceEntity&) const = default;
};

/// Provenance without `signature` (not held; the reader reports it).
struct Provenance : DomainResource {
  static constexpr std::string_view fhir_type = "Provenance";
  std::vector<Reference> target;  ///< 1..*
  std::variant<std::monostate, Period, DateTime> occurred;
  std::string recorded;             ///< instant, required
  std::vector<std::string> policy;  ///< uri
  std::optional<Reference> location;
  std::vector<CodeableConcept> reason;
  std::optional<CodeableConcept> activity;
  std::vector<ProvenanceAgent> agent;  ///< 1..*
  std::vector<ProvenanceEntity> entity;
  bool operator==(const Provenance&) const = default;
};

template <class V>
void describe(V& v, ProvenanceAgent& x) {
  v.field("type", x.type);
  v.field("role", x.role);
  v.required("who", x.who);
  v.field("onBehalfOf", x.on_behalf_of);
}

template <class V>
void describe(V& v, ProvenanceEntity& x) {
  v.required("role", x.role, Primitive::code);
  v.required("what", x.what);
}

template <class V>
void describe(V& v, Provenance& x) {
  v.base(static_cast<DomainResource&>(x));
  v.required("target", x.target);
  v.choice("occurred", x.occurred);
  v.required("recorded", x.recorded, Primitive::instant);
  v.field("policy", x.policy, Primitive::uri);
  v.field("location", x.location);
  v.field("reason", x.reason);
  v.field("activity", x.activity);
  v.required("agent", x.agent);
  v.field("entity", x.entity);
}

struct AuditEventNetwork {
  static constexpr std::string_view fhir_type = "BackboneElement";
  std::string address;
  std::string type;  ///< code
  bool operator==(const AuditEventNetwork&) const = default;
};

struct AuditEventAgent {
  static constexpr std::string_view fhir_type = "BackboneElement";
  std::optional<CodeableConcept> type;
  std::vector<CodeableConcept> role;
  std::optional<Reference> who;
  std::string alt_id;
  std::string name;
  std::optional<bool> requestor;  ///< required
  std::optional<Reference> location;
  std::vector<std::string> policy;  ///< uri
  std::optional<Coding> media;
  std::optional<AuditEventNetwork> network;
  std::vector<CodeableConcept> purpose_of_use;
  bool operator==(const AuditEventAgent&) const = default;
};

struct AuditEventSource {
  static constexpr std::string_view fhir_type = "BackboneElement";
  std::string site;
  Reference observer;  ///< required
  std::vector<Coding> type;
  bool operator==(const AuditEventSource&) const = default;
};

/// AuditEvent.entity without `detail` (not held; the reader reports it).
struct AuditEventEntity {
  static constexpr std::string_view fhir_type = "BackboneElement";
  std::optional<Reference> what;
  std::optional<Coding> type;
  std::optional<Coding> role;
  std::optional<Coding> lifecycle;
  std::vector<Coding> security_label;
  std::string name;
  std::string description;
  std::string query;  ///< base64Binary
  bool operator==(const AuditEventEntity&) const = default;
};

struct AuditEvent : DomainResource {
  static constexpr std::string_view fhir_type = "AuditEvent";
  Coding type;  ///< required
  std::vector<Coding> subtype;
  std::string action;  ///< code
  std::optional<Period> period;
  std::string recorded;  ///< instant, required
  std::string outcome;   ///< code
  std::string outcome_desc;
  std::vector<CodeableConcept> purpose_of_event;
  std::vector<AuditEventAgent> agent;  ///< 1..*
  AuditEventSource source;             ///< required
  std::vector<AuditEventEntity> entity;
  bool operator==(const AuditEvent&) const = default;
};

template <class V>
void describe(V& v, AuditEventNetwork& x) {
  v.field("address", x.address);
  v.field("type", x.type, Primitive::code);
}

template <class V>
void describe(V& v, AuditEventAgent& x) {
  v.field("type", x.type);
  v.field("role", x.role);
  v.field("who", x.who);
  v.field("altId", x.alt_id);
  v.field("name", x.name);
  v.required("requestor", x.requestor);
  v.field("location", x.location);
  v.field("policy", x.policy, Primitive::uri);
  v.field("media", x.media);
  v.field("network", x.network);
  v.field("purposeOfUse", x.purpose_of_use);
}

template <class V>
void describe(V& v, AuditEventSource& x) {
  v.field("site", x.site);
  v.required("observer", x.observer);
  v.field("type", x.type);
}

template <class V>
void describe(V& v, AuditEventEntity& x) {
  v.field("what", x.what);
  v.field("type", x.type);
  v.field("role", x.role);
  v.field("lifecycle", x.lifecycle);
  v.field("securityLabel", x.security_label);
  v.field("name", x.name);
  v.field("description", x.description);
  v.field("query", x.query, Primitive::base64_binary);
}

template <class V>
void describe(V& v, AuditEvent& x) {
  v.base(static_cast<DomainResource&>(x));
  v.required("type", x.type);
  v.field("subtype", x.subtype);
  v.field("action", x.action, Primitive::code);
  v.field("period", x.period);
  v.required("recorded", x.recorded, Primitive::instant);
  v.field("outcome", x.outcome, Primitive::code);
  v.field("outcomeDesc", x.outcome_desc);
  v.field("purposeOfEvent", x.purpose_of_event);
  v.required("agent", x.agent);
  v.required("source", x.source);
  v.field("entity", x.entity);
}

}  // namespace hie::model
