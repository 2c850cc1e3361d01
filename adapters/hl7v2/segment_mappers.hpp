#pragma once
// The mappings from groups of HL7 v2 segments to model resources. Each appends resources to
// ctx.out().resources, reads through ctx (so unused input is reported), and refers to the
// message's patient by `patient_ref` ("Patient/<id>"; empty when the message has no PID).

#include <string>

#include "adapters/hl7v2/mapping_context.hpp"

namespace hie::adapters::hl7v2 {

/// PID (+ PD1, NK1, MRG) → Patient. Returns the "Patient/<id>" reference, or "" without PID.
std::string map_patient(MappingContext& ctx);

/// PV1/PV2 → Encounter (visit events: ADT A01–A08, A11, A13).
void map_encounter(MappingContext& ctx, const std::string& patient_ref);
/// AL1 → AllergyIntolerance, DG1 → Condition, PR1 → Procedure (any message carrying them).
void map_allergies(MappingContext& ctx, const std::string& patient_ref);
void map_conditions(MappingContext& ctx, const std::string& patient_ref);
void map_procedures(MappingContext& ctx, const std::string& patient_ref);

/// PPR^PC1: PRB (+ NTE) → Condition on the problem list.
void map_problems(MappingContext& ctx, const std::string& patient_ref);

/// OBX (+ NTE) outside result groups, as in ADT (vital signs, answers) → Observation.
void map_observations(MappingContext& ctx, const std::string& patient_ref);
/// ORU^R01: OBR (+ NTE) → DiagnosticReport; OBX (+ NTE) → Observation; SPM → Specimen.
void map_results(MappingContext& ctx, const std::string& patient_ref);
/// ORM^O01 / OML^O21: ORC + OBR → ServiceRequest; the order's OBX → Observation (supportingInfo),
/// its SPM → Specimen.
void map_orders(MappingContext& ctx, const std::string& patient_ref);
/// VXU^V04: ORC + RXA (+ RXR, OBX) → Immunization.
void map_immunizations(MappingContext& ctx, const std::string& patient_ref);
/// MDM^T02 (and T01..T11 with content): TXA + OBX → DocumentReference.
void map_documents(MappingContext& ctx, const std::string& patient_ref);

}  // namespace hie::adapters::hl7v2
