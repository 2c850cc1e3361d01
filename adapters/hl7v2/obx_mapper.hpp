#pragma once
// One OBX (observation/result segment) → Observation, and the NTE text that may follow it. Used
// by every message that carries OBX outside a document: results (ORU), orders (ORM/OML: answers
// to ask-at-order-entry questions, prior results) and ADT (vital signs).

#include <optional>
#include <string>
#include <string_view>

#include "adapters/hl7v2/mapping_context.hpp"
#include "broker/model/observation.hpp"

namespace hie::adapters::hl7v2 {

/// Result status (HL7 tables 0085 / 0123) → FHIR observation / diagnostic report status.
std::string result_status(std::string_view v2);

/// The observation-category "laboratory" concept (terminology.hl7.org observation-category).
model::CodeableConcept laboratory_category();

/// One OBX as an Observation; `laboratory_result` adds the laboratory category (ORU results),
/// which an OBX in an order or an ADT (answers, vital signs) does not get. Without OBX-3 there is
/// no Observation (nullopt, and an error issue).
std::optional<model::Observation> map_obx(MappingContext& ctx, const Segment& obx,
                                          const std::string& patient_ref, bool laboratory_result);

/// NTE-3 (FT, repeating) as one text, repetitions joined by newlines; NTE-1 is consumed.
std::string nte_text(MappingContext& ctx, const Segment& nte);

/// The NTE as a note of `annotated` (an NTE after OBX, OBR or PRB); nothing when it is empty.
template <class R>
void add_nte_note(MappingContext& ctx, const Segment& nte, R& annotated) {
  model::Annotation note;
  note.text = nte_text(ctx, nte);
  if (!note.text.empty()) annotated.note.push_back(std::move(note));
}

}  // namespace hie::adapters::hl7v2
