#include "broker/routing/event_derivation.hpp"

#include <set>

#include "broker/model/json.hpp"
#include "broker/routing/patient_key.hpp"

namespace hie::routing {
namespace {

using model::EventKind;

/// The reference naming the patient a resource is about (subject, or patient), if it has one.
const model::Reference* patient_reference_of(const model::Resource& resource) {
  return std::visit(
      [](const auto& r) -> const model::Reference* {
        if constexpr (requires { r.subject.has_value(); }) return r.subject ? &*r.subject : nullptr;
        else if constexpr (requires { r.subject.reference; }) return &r.subject;
        else if constexpr (requires { r.patient.has_value(); }) return r.patient ? &*r.patient : nullptr;
        else if constexpr (requires { r.patient.reference; }) return &r.patient;
        else return nullptr;
      },
      resource);
}

/// The reference forms the adapters produce: "Patient/<id>", or a logical reference by identifier.
bool refers_to(const model::Reference& ref, const model::Patient& patient) {
  if (!ref.reference.empty()) return !patient.id.empty() && ref.reference == "Patient/" + patient.id;
  if (!ref.identifier || ref.identifier->value.empty()) return false;
  for (const auto& id : patient.identifier)
    if (id.system == ref.identifier->system && id.value == ref.identifier->value) return true;
  return false;
}

std::vector<store::PatientIdentity> identities_of(const model::Patient& patient) {
  std::vector<store::PatientIdentity> out;
  for (const auto& id : patient.identifier)
    if (!id.system.empty() && !id.value.empty()) out.push_back({id.system, id.value});
  return out;
}

/// Records about the message rather than its content: they do not make a patient's message clinical.
bool is_bookkeeping(const model::Resource& r) {
  return std::holds_alternative<model::Patient>(r) || std::holds_alternative<model::OperationOutcome>(r) ||
         std::holds_alternative<model::Provenance>(r) || std::holds_alternative<model::AuditEvent>(r);
}

/// Whether a resource of this type goes into the Bundle of an event of `kind`.
bool carried_by(EventKind kind, const model::Resource& r) {
  switch (kind) {
    case EventKind::admission:
    case EventKind::discharge:
    case EventKind::transfer:
      return std::holds_alternative<model::Encounter>(r);
    case EventKind::new_result:
      return std::holds_alternative<model::DiagnosticReport>(r) || std::holds_alternative<model::Observation>(r) ||
             std::holds_alternative<model::Specimen>(r);
    case EventKind::new_document:
      // The DocumentReference carries the document itself (C-CDA: the XML as received).
      return std::holds_alternative<model::DocumentReference>(r);
    case EventKind::demographics_update:
    case EventKind::merge:
      return false;
  }
  return false;
}

/// The kinds the content of one patient's resources implies, in the order of the header.
std::vector<EventKind> kinds_from_content(const model::Patient& patient,
                                          const std::vector<const model::Resource*>& theirs) {
  std::vector<EventKind> kinds;
  for (const auto& link : patient.link)
    if (link.type == "replaces") {
      kinds.push_back(EventKind::merge);
      break;
    }
  auto any = [&](auto&& pred) {
    for (const auto* r : theirs)
      if (pred(*r)) return true;
    return false;
  };
  if (any([](const model::Resource& r) {
        return std::holds_alternative<model::Observation>(r) || std::holds_alternative<model::DiagnosticReport>(r);
      }))
    kinds.push_back(EventKind::new_result);
  if (any([](const model::Resource& r) { return std::holds_alternative<model::DocumentReference>(r); }))
    kinds.push_back(EventKind::new_document);
  if (any([](const model::Resource& r) {
        const auto* e = std::get_if<model::Encounter>(&r);
        return e && e->status == "in-progress" && (!e->period || e->period->end.empty());
      }))
    kinds.push_back(EventKind::admission);
  if (kinds.empty() && theirs.empty()) kinds.push_back(EventKind::demographics_update);
  return kinds;
}

Result<std::string> bundle_json(const std::string& id, const EventSource& source, const model::Patient& patient, EventKind kind,
                        const std::vector<const model::Resource*>& theirs) {
  model::Bundle bundle;
  bundle.id = id;
  bundle.type = "collection";
  bundle.timestamp = source.received;
  model::BundleEntry first;
  first.resource = model::Resource(patient);
  bundle.entry.push_back(std::move(first));
  for (const auto* r : theirs) {
    if (!carried_by(kind, *r)) continue;
    model::BundleEntry entry;
    entry.resource = *r;
    bundle.entry.push_back(std::move(entry));
  }
  return model::to_json(bundle);
}

}  // namespace

std::vector<DerivedEvent> derive_events(const adapters::Translation& translation, const EventSource& source) {
  std::vector<const model::Patient*> patients;
  for (const auto& r : translation.resources)
    if (const auto* p = std::get_if<model::Patient>(&r)) patients.push_back(p);

  std::vector<DerivedEvent> out;
  std::set<std::string> seen;  // a Patient id twice in one message: its events once
  for (const model::Patient* patient : patients) {
    if (!patient->id.empty() && !seen.insert(patient->id).second) continue;
    auto identities = identities_of(*patient);
    if (identities.empty()) continue;

    std::vector<const model::Resource*> theirs;
    for (const auto& r : translation.resources) {
      if (is_bookkeeping(r)) continue;
      const model::Reference* ref = patient_reference_of(r);
      if (patients.size() == 1 || (ref && refers_to(*ref, *patient))) theirs.push_back(&r);
    }

    std::vector<EventKind> kinds;
    for (const auto& declared : translation.events)
      if (!patient->id.empty() && declared.patient_id == patient->id) kinds.push_back(declared.kind);
    if (kinds.empty()) kinds = kinds_from_content(*patient, theirs);

    const std::string key = patient_key(identities);
    for (EventKind kind : kinds) {
      std::string id = "ev-" + std::to_string(source.journal_id) + "-" + std::to_string(out.size());
      auto json = bundle_json(id, source, *patient, kind, theirs);
      // Only text that is not UTF-8 fails, which adapters never produce (the Translator skips such
      // a resource too); the same input still gives the same ids.
      if (!json) continue;
      DerivedEvent event;
      event.id = std::move(id);
      event.kind = kind;
      event.patient_key = key;
      event.patient_identifiers = identities;
      event.occurred = source.received;
      event.fhir_json = std::move(*json);
      out.push_back(std::move(event));
    }
  }
  return out;
}

Result<std::vector<model::Resource>> read_event_resources(std::string_view fhir_json) {
  model::Issues issues;
  auto bundle = model::read_bundle(fhir_json, issues);
  if (!bundle) return bundle.error();
  if (bundle->type != "collection")
    return make_error(Errc::validation_error, "an event is a Bundle of type collection", "/type");
  std::vector<model::Resource> out;
  for (auto& entry : bundle->entry)
    if (entry.resource) out.push_back(std::move(*entry.resource));
  if (out.empty() || !std::holds_alternative<model::Patient>(out.front()))
    return make_error(Errc::validation_error, "an event Bundle starts with its Patient", "/entry/0");
  return out;
}

}  // namespace hie::routing
