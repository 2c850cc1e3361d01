#pragma once
// Merging the answers of several exchanges into one record (docs/query.md, "Merge"). Pure: no
// I/O, no clock (each answer says when it arrived), no logging; the same answers in any order give
// the same record.
//
//   - Patients that share an identifier (system|value: the NHS number across exchanges, a local
//     MRN within one) become one Patient, whose id is its NHS number (else a stable hash of its
//     identifiers). Two Patients with different NHS numbers are never merged.
//   - Every reference to a source resource is rewritten to the resource that now stands for it.
//   - Other resources: the same type and a shared identifier, or (when neither has identifiers)
//     the same content once id, meta, narrative and references to merged resources are set
//     aside, collapse into one. Versions that share an identifier but differ are all kept, each
//     tagged (merge_tag_system|conflict) and listed in `conflicts`.
//   - Every merged resource keeps its first source's meta.source and gets one Provenance per
//     exchange it came from.

#include <string>
#include <string_view>
#include <vector>

#include "broker/model/resource.hpp"

namespace hie::routing {

/// meta.tag system of the merge's tags; the code `conflict` marks a conflicting resource.
inline constexpr std::string_view merge_tag_system = "https://hiebroker.dev/CodeSystem/merge";
inline constexpr std::string_view merge_conflict_code = "conflict";
/// Identifier system naming an exchange by its configured id (Provenance.agent.who).
inline constexpr std::string_view exchange_identifier_system = "https://hiebroker.dev/exchange";
/// Provenance.activity system: `live` (the exchange answered the query) or `stored` (the broker
/// answered from what the exchange had sent before).
inline constexpr std::string_view answer_mode_system =
    "https://hiebroker.dev/CodeSystem/answer-mode";

/// One exchange's answer, translated by its adapter.
struct SourceAnswer {
  std::string exchange;   ///< configured exchange id
  std::string retrieved;  ///< FHIR instant: when the answer arrived (stored: when it was stored)
  bool stored = false;    ///< answered from the broker's store, not by the exchange itself
  /// As the adapter produced them: meta.source set, ids unique within this answer, references
  /// between them "Type/id" (or urn:uuid: of the id).
  std::vector<model::Resource> resources;
};

/// A disagreement the merge kept visible instead of resolving it. Names elements, systems and
/// exchanges, never values.
struct MergeConflict {
  enum class Kind {
    versions_differ,          ///< resources sharing an identifier differ: all kept, tagged
    patient_element_differs,  ///< a merged Patient's single-valued element: the first kept
    nhs_numbers_differ,       ///< Patients share an identifier but not the NHS number: kept apart
  };
  Kind kind = Kind::versions_differ;
  std::string resource_type;           ///< "Observation"
  std::vector<std::string> ids;        ///< ids in the merged record of the resources concerned
  std::vector<std::string> exchanges;  ///< the exchanges that disagree, sorted
  /// versions_differ / nhs_numbers_differ: the shared identifier's system;
  /// patient_element_differs: the element ("gender", "birthDate").
  std::string detail;
  bool operator==(const MergeConflict&) const = default;
};

/// The merged record: what the searchset is built from.
struct MergedRecord {
  /// Merged Patients first, then every other resource in the order first seen (answers sorted
  /// by exchange). Ids are unique per type.
  std::vector<model::Resource> resources;
  /// One per resource and source exchange, in the order of `resources`; target[0] names it.
  std::vector<model::Provenance> provenance;
  std::vector<MergeConflict> conflicts;
};

/// Merges the answers. Answers are taken in exchange id order (ties: by `retrieved`, then as
/// given; an exchange should answer once), and resources in the order each answer lists them, so
/// any order of `answers` gives a byte-identical record.
MergedRecord merge_answers(std::vector<SourceAnswer> answers);

}  // namespace hie::routing
