#pragma once
// Small helpers shared by the order, result, specimen and problem mappings: EI (entity
// identifier) → Identifier, XCN (person) → Reference with display and identifier.
// Everything is read through the MappingContext, so what is not read is reported.

#include <cstddef>
#include <optional>
#include <string_view>

#include "adapters/hl7v2/mapping_context.hpp"
#include "adapters/hl7v2/v2_types.hpp"
#include "broker/model/datatypes.hpp"

namespace hie::adapters::hl7v2::detail {

/// EI (entity id ^ namespace ^ universal id ^ universal id type) → Identifier. `component` 0:
/// the EI is the field (OBR-2, ORC-3); n: it is component n of the field, its parts are
/// subcomponents (the placer and filler halves of an EIP, SPM-2). `type_code` is the v2-0203
/// identifier type (PLAC, FILL, PGN, FGN; none when empty); without an assigning authority the
/// system is urn:hiebroker:<exchange>:id:<fallback_namespace>.
std::optional<model::Identifier> to_entity_identifier(MappingContext& ctx, const FieldRef& ref,
                                                      std::size_t component,
                                                      std::string_view type_code,
                                                      std::string_view fallback_namespace);

/// EI of an order number (OBR-2, OBR-3, ORC-2, ORC-3); `type_code` is PLAC or FILL.
std::optional<model::Identifier> to_order_identifier(MappingContext& ctx, const FieldRef& ei,
                                                     std::string_view type_code);

/// XCN (ORC-12, OBX-16, OBX-25): a Reference with the person's name as display and the id
/// (XCN-1, assigning authority XCN-9) as identifier. Nothing to refer to when both are empty.
std::optional<model::Reference> to_person_reference(MappingContext& ctx, const FieldRef& xcn);

}  // namespace hie::adapters::hl7v2::detail
