#pragma once
// Which events one translated message raises (docs/events.md, "Deriving events"). Pure: the same
// translation and source give the same events, ids included, so a message translated again after
// a crash raises exactly the events it raised before.
//
// Per Patient in the translation (a message may hold many: a CSV export, an HL7 v2 batch):
//   - the events the message declared for that patient (Translation::events), when it declared
//     any; else, from the content:
//   - Patient.link of type "replaces" -> merge; an Observation or DiagnosticReport -> new-result;
//     a DocumentReference -> new-document; an Encounter in-progress without period.end ->
//     admission; none of these, and no resource of that patient's own (Provenance, AuditEvent and
//     OperationOutcome do not count) -> demographics-update.
// A patient without an identifier that has both system and value raises nothing: no subscriber
// could match it. A resource belongs to a patient when its subject (patient) reference is
// "Patient/<id>" or a logical reference by one of the patient's identifiers; with one Patient in
// the translation everything belongs to it.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/adapter.hpp"
#include "broker/core/result.hpp"
#include "broker/model/event_kind.hpp"
#include "broker/model/resource.hpp"
#include "broker/store/store.hpp"

namespace hie::routing {

/// The journaled message a translation came from.
struct EventSource {
  std::string exchange;
  std::int64_t journal_id = 0;
  std::string received;  ///< FHIR instant
};

struct DerivedEvent {
  std::string id;  ///< "ev-<journal_id>-<n>", n = 0, 1, 2.. in derivation order
  model::EventKind kind = model::EventKind::demographics_update;
  std::string patient_key;  ///< NHS number, else the first identifier "system|value" (patient_key())
  std::vector<store::PatientIdentity> patient_identifiers;  ///< the Patient's, with system and value
  std::string occurred;                                     ///< = EventSource::received
  /// A FHIR R4 Bundle of type "collection": the Patient first, then the resources of this kind
  /// for that patient (admission, discharge, transfer: Encounters; new-result: DiagnosticReports,
  /// Observations, Specimens; new-document: DocumentReferences; demographics-update, merge: none).
  std::string fhir_json;
};

/// The events `translation` raises, in patient order, then in the order of
/// Translation::events (declared) or of the kinds above (derived). An event whose Bundle cannot be
/// written (text that is not UTF-8, which no adapter produces) is left out.
std::vector<DerivedEvent> derive_events(const adapters::Translation& translation, const EventSource& source);

/// The resources of an event's collection Bundle (DerivedEvent::fhir_json), the Patient first, for
/// Adapter::write_event at delivery time. An error when the text is not such a Bundle.
Result<std::vector<model::Resource>> read_event_resources(std::string_view fhir_json);

}  // namespace hie::routing
