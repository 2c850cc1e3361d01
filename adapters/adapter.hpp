#pragma once
// The adapter interface: a pure, thread-safe, deterministic translator between one wire format
// and the common model. No I/O, no clocks, no logging (see DESIGN.md, "Adapters").

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "broker/core/result.hpp"
#include "broker/model/event_kind.hpp"
#include "broker/model/issues.hpp"
#include "broker/model/resource.hpp"

namespace hie::adapters {

/// What an adapter needs to know about where the bytes came from.
struct Context {
  /// The exchange the input came from: every resource's meta.source, and part of its id.
  std::string exchange_id = "unknown";
  /// UTC offset ("+01:00") assumed for times sent without one; empty: such times are
  /// kept at date precision and reported.
  std::string default_utc_offset;
  /// Identifier systems by assigning authority (PID-3.4 namespace, or identifier type):
  /// {"HOSP", "https://hospital.example/mrn"}. Configured per exchange; NHS numbers, OIDs
  /// and URIs need no entry. Read it through identifier_system_for() (identifier_systems.hpp).
  std::vector<std::pair<std::string, std::string>> identifier_systems;
};

/// An event the input itself declares (an HL7 v2 trigger event, a C-CDA document), as opposed to
/// one the broker infers from the resources (routing/event_derivation.hpp).
struct DeclaredEvent {
  model::EventKind kind = model::EventKind::demographics_update;
  /// The `id` of the model::Patient in the same Translation the event concerns.
  std::string patient_id;
  bool operator==(const DeclaredEvent&) const = default;
};

/// Resources read from one input, and everything that could not be carried over.
struct Translation {
  std::vector<model::Resource> resources;
  model::Issues issues;
  /// What the message itself says happened, in input order; empty when its format does not say
  /// (CSV, FHIR: the content decides).
  std::vector<DeclaredEvent> events;
};

/// The envelope of a written event message; the adapter has no clock, so the caller supplies it.
struct EventWriteOptions {
  std::string control_id;          ///< the message's id (HL7 v2 MSH-10); required
  std::string timestamp_fhir;      ///< when it was sent, a FHIR instant (HL7 v2 MSH-7); required
  std::string sending_facility;    ///< HL7 v2 MSH-4; may be empty
  std::string receiving_facility;  ///< HL7 v2 MSH-6; may be empty
};

class Adapter {
 public:
  virtual ~Adapter() = default;
  /// Registry name of the format: "hl7v2".
  virtual std::string_view format() const = 0;
  /// Reads `bytes`. An error means the input could not be read as this format at all;
  /// anything less is an issue in the Translation.
  virtual Result<Translation> to_model(std::string_view bytes, const Context& context) const = 0;
  /// A cheap look at the first bytes of an input (at most sniff_bytes): true when they look
  /// like this format. For messages ("it looks like cda") and checks, never for routing: an
  /// exchange's format is configured.
  virtual bool sniff(std::string_view head) const = 0;
  /// This format configured by a mapping file (the CSV dialects: which column fills which
  /// element). `origin` names the file in errors. Formats that take no mapping refuse.
  virtual Result<std::unique_ptr<Adapter>> with_mapping(std::string_view mapping_text, std::string_view origin) const;
  /// True when this format reads nothing until with_mapping() configured it (csv): an exchange
  /// of this format without a mapping file is a configuration error.
  virtual bool needs_mapping() const { return false; }
  /// True when write_event() writes events of this kind in this format.
  virtual bool writes_event(model::EventKind /*kind*/) const { return false; }
  /// The event as a message in this format, from the resources of its collection Bundle (the
  /// patient first). Errc::unsupported when writes_event(kind) is false (the default).
  virtual Result<std::string> write_event(model::EventKind kind, const std::vector<model::Resource>& resources,
                                          const EventWriteOptions& options) const;
};

/// How many leading bytes sniff() is given at most.
inline constexpr std::size_t sniff_bytes = 512;

}  // namespace hie::adapters
