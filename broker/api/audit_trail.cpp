#include "broker/api/audit_trail.hpp"

#include "broker/model/coding.hpp"
#include "broker/routing/merge.hpp"

namespace hie::api {
namespace {

using model::coding;

/// DICOM outcome codes, as FHIR R4 AuditEvent.outcome uses them.
std::string outcome_code(const Disclosure& d) {
  if (d.http_status >= 500) return "12";  // major failure
  if (d.http_status >= 400) return "8";   // serious failure: refused or malformed
  for (const auto& e : d.exchanges)
    if (e.outcome != "answered" && e.outcome != "stored" && e.outcome != "not_found") return "4";  // partial
  return "0";
}

std::string action_code(const std::string& interaction) {
  if (interaction == "read") return "R";
  if (interaction == "create") return "C";
  return "E";  // search and operations execute a query
}

}  // namespace

model::AuditEvent audit_event(const Disclosure& d) {
  model::AuditEvent event;
  event.type = coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation");
  event.subtype.push_back(coding("http://hl7.org/fhir/restful-interaction", d.interaction));
  event.action = action_code(d.interaction);
  event.recorded = d.recorded;
  event.outcome = outcome_code(d);
  event.outcome_desc = "HTTP " + std::to_string(d.http_status) + "; " + std::to_string(d.resources_disclosed) +
                       " resources disclosed; " + d.path;

  model::AuditEventAgent requester;
  requester.requestor = true;
  model::Reference who;
  if (!d.subject.empty()) {
    model::Identifier id;
    id.system = std::string(requester_identifier_prefix) + d.issuer;
    id.value = d.subject;
    who.identifier = id;
    who.display = d.requester_kind + " " + d.subject;
    if (!d.fhir_user.empty()) who.reference = d.fhir_user;
  } else {
    who.display = "unauthenticated client";
  }
  requester.who = std::move(who);
  model::CodeableConcept role;
  role.coding.push_back(coding("http://terminology.hl7.org/CodeSystem/extra-security-role-type",
                               d.requester_kind == "patient" ? "humanuser" : d.requester_kind == "system" ? "dataprocessor" : "humanuser"));
  requester.type = std::move(role);
  if (!d.purpose_of_use.empty()) {
    model::CodeableConcept purpose;
    purpose.coding.push_back(coding("http://terminology.hl7.org/CodeSystem/v3-ActReason", d.purpose_of_use));
    requester.purpose_of_use.push_back(std::move(purpose));
  }
  if (!d.client_address.empty()) {
    model::AuditEventNetwork network;
    network.address = d.client_address;
    network.type = "2";  // IP address
    requester.network = std::move(network);
  }
  event.agent.push_back(std::move(requester));

  model::Reference observer;
  observer.display = "hiebroker";
  event.source.observer = std::move(observer);
  event.source.type.push_back(coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4",
                                     "Application Server"));

  if (!d.patient_id.empty()) {
    model::AuditEventEntity patient;
    model::Reference what;
    what.reference = "Patient/" + d.patient_id;
    patient.what = std::move(what);
    patient.type = coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person");
    patient.role = coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient");
    event.entity.push_back(std::move(patient));
  }
  for (const auto& e : d.exchanges) {
    model::AuditEventEntity source;
    model::Reference what;
    model::Identifier id;
    id.system = std::string(routing::exchange_identifier_system);
    id.value = e.exchange;
    what.identifier = id;
    what.display = e.exchange;
    source.what = std::move(what);
    source.type = coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object");
    source.name = e.exchange;
    source.description = "exchange outcome: " + e.outcome;
    event.entity.push_back(std::move(source));
  }
  return event;
}

}  // namespace hie::api
