#include "adapters/hl7v2/events.hpp"

#include "adapters/hl7v2/writer.hpp"
#include "broker/model/formats.hpp"

namespace hie::adapters::hl7v2 {
namespace {

using model::EventKind;

bool one_of(std::string_view value, std::initializer_list<std::string_view> values) {
  for (std::string_view v : values)
    if (v == value) return true;
  return false;
}

/// The ADT trigger an event kind is written as; empty for kinds not written as ADT.
std::string_view adt_trigger(EventKind kind) {
  switch (kind) {
    case EventKind::admission: return "A01";
    case EventKind::transfer: return "A02";
    case EventKind::discharge: return "A03";
    case EventKind::demographics_update: return "A08";
    default: return {};
  }
}

}  // namespace

std::optional<EventKind> declared_event_kind(std::string_view code, std::string_view trigger) {
  if (code == "ADT") {
    if (one_of(trigger, {"A01", "A04"})) return EventKind::admission;
    if (trigger == "A02") return EventKind::transfer;
    if (trigger == "A03") return EventKind::discharge;
    if (one_of(trigger, {"A08", "A28", "A31"})) return EventKind::demographics_update;
    if (trigger == "A40") return EventKind::merge;
  } else if (code == "ORU" && trigger == "R01") {
    return EventKind::new_result;
  } else if (code == "MDM" && one_of(trigger, {"T02", "T04", "T06", "T08", "T10"})) {
    return EventKind::new_document;
  }
  return std::nullopt;
}

bool writes_event_kind(EventKind kind) { return !adt_trigger(kind).empty() || kind == EventKind::new_result; }

Result<std::string> write_event_message(EventKind kind, const std::vector<model::Resource>& resources,
                                        const EventWriteOptions& options) {
  if (!writes_event_kind(kind))
    return make_error(Errc::unsupported,
                      "format 'hl7v2' writes no " + std::string(model::to_string(kind)) + " events");
  const model::Patient* patient = nullptr;
  for (const auto& r : resources)
    if ((patient = std::get_if<model::Patient>(&r))) break;
  if (!patient) return make_error(Errc::invalid_argument, "the event holds no Patient: nothing to write", "PID");

  WriteOptions write;
  write.sending_facility = options.sending_facility;
  write.receiving_facility = options.receiving_facility;
  write.control_id = options.control_id;
  if (!model::is_instant(options.timestamp_fhir))
    return make_error(Errc::invalid_argument, "the event timestamp is not a FHIR instant", "MSH-7");
  write.timestamp = to_hl7_datetime(options.timestamp_fhir);

  // The event's Bundle holds one patient's resources (derive_events), so no subject matching here.
  if (kind == EventKind::new_result) {
    std::vector<model::DiagnosticReport> reports;
    std::vector<model::Observation> observations;
    for (const auto& r : resources) {
      if (const auto* report = std::get_if<model::DiagnosticReport>(&r)) reports.push_back(*report);
      else if (const auto* observation = std::get_if<model::Observation>(&r)) observations.push_back(*observation);
    }
    return write_oru(*patient, reports, observations, write);
  }
  const model::Encounter* encounter = nullptr;
  for (const auto& r : resources)
    if ((encounter = std::get_if<model::Encounter>(&r))) break;
  return write_adt(adt_trigger(kind), *patient, encounter, write);
}

}  // namespace hie::adapters::hl7v2
