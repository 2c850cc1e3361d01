#pragma once
// The mappers of the C-CDA header and of each section's entries (internal to adapters/cda), and
// the small helpers they share. Each mapper marks what it used; report_unused() does the rest.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/cda/cda_context.hpp"
#include "adapters/cda/cda_values.hpp"
#include "broker/model/resource.hpp"

namespace hie::adapters::cda {

/// recordTarget → Patient (the first is the document's subject). Returns false when the document
/// names no patient.
bool map_patient(CdaContext& ctx);
/// The whole document → DocumentReference with the XML attached (`original`: the bytes as
/// received), and componentOf/encompassingEncounter → Encounter.
void map_document(CdaContext& ctx, std::string_view original);
/// structuredBody: each section by templateId, else LOINC section code, to its entry mapper.
void map_sections(CdaContext& ctx);

/// What a section's entries become.
enum class SectionKind {
  problems,
  allergies,
  medications,
  results,
  vital_signs,
  social_history,
  immunizations,
  procedures,
  encounters,
  admission_diagnoses,
  discharge_diagnoses,
  unmapped,
};

// Entry mappers: `entry_act` is the element inside <entry> (act, observation, organizer, …).
void map_problem_entry(CdaContext& ctx, Node entry_act, SectionKind kind);
void map_allergy_entry(CdaContext& ctx, Node entry_act);
void map_medication_entry(CdaContext& ctx, Node entry_act);
void map_immunization_entry(CdaContext& ctx, Node entry_act);
/// `category`: laboratory (an organizer is also a DiagnosticReport), vital-signs or
/// social-history (an organizer only groups).
void map_result_entry(CdaContext& ctx, Node entry_act, std::string_view category);
void map_procedure_entry(CdaContext& ctx, Node entry_act);
void map_encounter_entry(CdaContext& ctx, Node entry_act);

/// Problem Observation → Condition (shared by problems, diagnoses and encounter diagnoses).
/// Returns the Condition's id ("" when none was made).
std::string map_problem_observation(CdaContext& ctx, Node observation, std::string_view category,
                                    std::string_view concern_status,
                                    const model::Reference* encounter);

// Shared helpers.
/// True when `node` has a templateId whose root is `root`.
bool has_template(const CdaContext& ctx, Node node, std::string_view root);
/// Every id child as an Identifier.
std::vector<model::Identifier> identifiers(CdaContext& ctx, Node node);
/// statusCode/@code ("" when absent), the element marked used.
std::string status_code(CdaContext& ctx, Node node);
/// Calls `f` with the act inside each entryRelationship (or component) of `node` named
/// `relationship`, whose typeCode is `type_code` ("" for any). Marks the relationship visited.
void for_each_related(CdaContext& ctx, Node node, std::string_view relationship,
                      std::string_view type_code, const std::function<void(Node)>& f);
/// The first element child of `node` (the act inside an entry or entryRelationship).
Node first_element(Node node);
/// Adds `resource` to the output.
void emit(CdaContext& ctx, model::Resource resource);

}  // namespace hie::adapters::cda
