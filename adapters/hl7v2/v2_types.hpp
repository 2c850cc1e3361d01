#pragma once
// HL7 v2 data types to model datatypes: CX, XPN, XAD, XTN, CE/CWE/CNE, TS/DTM, and the coding
// system names of table 0396 to FHIR system URIs. Each reads one field repetition and marks
// the components it used.

#include <optional>
#include <string>
#include <string_view>

#include "adapters/coding_systems.hpp"
#include "adapters/hl7v2/mapping_context.hpp"
#include "adapters/identifier_systems.hpp"
#include "broker/model/datatypes.hpp"

namespace hie::adapters::hl7v2 {

/// A field repetition inside a segment: where a v2 data type value lives.
struct FieldRef {
  const Segment& segment;
  std::size_t field;
  std::size_t repetition = 1;
  Address at(std::size_t component = 0, std::size_t subcomponent = 0) const {
    return {segment.id(), field, repetition, component, subcomponent};
  }
};

// Coding system names and URN escaping are shared with the other adapters.
using adapters::coding_system_uri;
using adapters::is_known_coding_system;
using adapters::urn_safe;

/// TS/DTM (YYYY[MM[DD[HHMM[SS[.S+]]]]][+/-ZZZZ]) to a FHIR date or dateTime of the same
/// precision. A time without an offset takes the context's default offset, or is cut to a date
/// with an issue. Invalid values give nullopt and an issue.
std::optional<std::string> to_fhir_datetime(MappingContext& ctx, const FieldRef& ref, std::size_t component = 1);
/// As above, for a date-only element (Patient.birthDate): the date part.
std::optional<std::string> to_fhir_date(MappingContext& ctx, const FieldRef& ref, std::size_t component = 1);

std::optional<model::Identifier> to_identifier(MappingContext& ctx, const FieldRef& cx);
std::optional<model::HumanName> to_human_name(MappingContext& ctx, const FieldRef& xpn);
std::optional<model::Address> to_address(MappingContext& ctx, const FieldRef& xad);
std::optional<model::ContactPoint> to_contact_point(MappingContext& ctx, const FieldRef& xtn, bool business);
/// CE/CWE units (identifier ^ text ^ coding system) as a Quantity without a value: unit = the
/// text, else the identifier; code and system when a system is named. `component` 0: the units
/// are the field's components (OBX-6); n: they are the subcomponents of component n (CQ-2).
model::Quantity to_unit(MappingContext& ctx, const FieldRef& ce, std::size_t component = 0);
/// CQ (quantity ^ units): nullopt when there is no quantity, or (with a warning) when it is not
/// a number.
std::optional<model::Quantity> to_quantity(MappingContext& ctx, const FieldRef& cq);
/// CE/CWE/CNE: identifier, text, system (+ the alternate triplet, + original text CWE-9).
std::optional<model::CodeableConcept> to_codeable_concept(MappingContext& ctx, const FieldRef& ce);

}  // namespace hie::adapters::hl7v2
