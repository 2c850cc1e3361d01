#pragma once
// Small helpers shared by the segment mappers, the clinical ones above all (map_encounter.cpp,
// map_clinical.cpp, map_immunization.cpp, map_document.cpp): case folding, codings, XCN →
// Reference, EI → Identifier, base64 encoding.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/hl7v2/mapping_context.hpp"
#include "adapters/hl7v2/v2_types.hpp"
#include "adapters/text_encoding.hpp"
#include "broker/model/coding.hpp"
#include "broker/model/datatypes.hpp"

namespace hie::adapters::hl7v2::clinical {

/// `s` in ASCII upper case (v2 codes are compared case-insensitively).
std::string upper(std::string_view s);
/// `s` in ASCII lower case.
std::string lower(std::string_view s);

using model::coding;
using model::concept_of;
/// A CodeableConcept with text only.
model::CodeableConcept text_concept(std::string text);

/// Identifier system for an assigning authority (HD: namespace, universal id, id type).
std::string authority_system(MappingContext& ctx, const std::string& ns, const std::string& uid,
                             const std::string& uid_type);

/// EI (entity id ^ namespace ^ universal id ^ universal id type) → Identifier; also reads a
/// namespace sent as an HD in component 2 (NS&UID&TYPE), as some senders do.
std::optional<model::Identifier> ei_identifier(MappingContext& ctx, const Segment& s,
                                               std::size_t field, std::size_t rep = 1);

/// XCN (person with id): 1 id, 2.1 family, 3 given, 4 middle, 5 suffix, 6 prefix, 7 degree,
/// 9 assigning authority (HD). Reference with display "prefix given middle family suffix degree"
/// and the identifier. Other components are left for report_unused().
std::optional<model::Reference> xcn_reference(MappingContext& ctx, const FieldRef& xcn);

/// Shared with the other adapters (adapters/text_encoding.hpp).
using adapters::base64_encode;

}  // namespace hie::adapters::hl7v2::clinical
