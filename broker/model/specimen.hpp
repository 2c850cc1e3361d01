#pragma once
// Specimen (hl7.org/fhir/R4/specimen.html): the elements an HL7 v2 SPM segment fills, and what
// the official examples use. `processing`, `collection.duration` and
// `collection.fastingStatus[x]` are not held (the reader reports them).

#include "broker/model/datatypes.hpp"

namespace hie::model {

struct SpecimenCollection {
  static constexpr std::string_view fhir_type = "BackboneElement";
  std::optional<Reference> collector;
  std::variant<std::monostate, DateTime, Period> collected;
  std::optional<Quantity> quantity;  ///< SimpleQuantity
  std::optional<CodeableConcept> method;
  std::optional<CodeableConcept> body_site;
  bool operator==(const SpecimenCollection&) const = default;
};

struct SpecimenContainer {
  static constexpr std::string_view fhir_type = "BackboneElement";
  std::vector<Identifier> identifier;
  std::string description;
  std::optional<CodeableConcept> type;
  std::optional<Quantity> capacity;           ///< SimpleQuantity
  std::optional<Quantity> specimen_quantity;  ///< SimpleQuantity
  std::variant<std::monostate, CodeableConcept, Reference> additive;
  bool operator==(const SpecimenContainer&) const = default;
};

struct Specimen : DomainResource {
  static constexpr std::string_view fhir_type = "Specimen";
  std::vector<Identifier> identifier;
  std::optional<Identifier> accession_identifier;
  std::string status;  ///< code: available | unavailable | unsatisfactory | entered-in-error
  std::optional<CodeableConcept> type;
  std::optional<Reference> subject;
  std::string received_time;  ///< dateTime
  std::vector<Reference> parent;
  std::vector<Reference> request;
  std::optional<SpecimenCollection> collection;
  std::vector<SpecimenContainer> container;
  std::vector<CodeableConcept> condition;
  std::vector<Annotation> note;
  bool operator==(const Specimen&) const = default;
};

template <class V>
void describe(V& v, SpecimenCollection& x) {
  v.field("collector", x.collector);
  v.choice("collected", x.collected);
  v.field("quantity", x.quantity);
  v.field("method", x.method);
  v.field("bodySite", x.body_site);
}

template <class V>
void describe(V& v, SpecimenContainer& x) {
  v.field("identifier", x.identifier);
  v.field("description", x.description);
  v.field("type", x.type);
  v.field("capacity", x.capacity);
  v.field("specimenQuantity", x.specimen_quantity);
  v.choice("additive", x.additive);
}

template <class V>
void describe(V& v, Specimen& x) {
  v.base(static_cast<DomainResource&>(x));
  v.field("identifier", x.identifier);
  v.field("accessionIdentifier", x.accession_identifier);
  v.field("status", x.status, Primitive::code);
  v.field("type", x.type);
  v.field("subject", x.subject);
  v.field("receivedTime", x.received_time, Primitive::date_time);
  v.field("parent", x.parent);
  v.field("request", x.request);
  v.field("collection", x.collection);
  v.field("container", x.container);
  v.field("condition", x.condition);
  v.field("note", x.note);
}

}  // namespace hie::model
