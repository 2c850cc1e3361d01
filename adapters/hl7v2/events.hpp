#pragma once
// HL7 v2 and the broker's event kinds: which trigger events declare which kind (reading), and
// which message each kind is written as (writing). docs/events.md has the table.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/adapter.hpp"
#include "broker/model/event_kind.hpp"

namespace hie::adapters::hl7v2 {

/// The event a message type (MSH-9.1, MSH-9.2) declares: ADT A01/A04 admission, A02 transfer,
/// A03 discharge, A08/A28/A31 demographics-update, A40 merge; ORU^R01 new-result; MDM
/// T02/T04/T06/T08/T10 (the triggers that carry the document) new-document. nullopt otherwise.
std::optional<model::EventKind> declared_event_kind(std::string_view code, std::string_view trigger);

/// True for the kinds write_event_message() writes: admission (ADT^A01), transfer (ADT^A02),
/// discharge (ADT^A03), demographics-update (ADT^A08), new-result (ORU^R01).
bool writes_event_kind(model::EventKind kind);

/// The event as an HL7 v2.5.1 message, from the first Patient in `resources`, its first
/// Encounter (ADT; PV1-2 "N" when none) or its DiagnosticReports and Observations (ORU).
/// MSH-10 = control_id, MSH-7 = timestamp_fhir as a DTM. Errors: a kind not written, no
/// Patient, a missing control id, a timestamp that is not a FHIR instant.
Result<std::string> write_event_message(model::EventKind kind, const std::vector<model::Resource>& resources,
                                        const EventWriteOptions& options);

}  // namespace hie::adapters::hl7v2
