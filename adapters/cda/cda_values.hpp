#pragma once
// CDA data types to model datatypes: II, CD/CE/CV/CO/CS, TS and IVL_TS, PQ and IVL_PQ, PN, AD,
// TEL, and an observation value by its xsi:type. Each marks the elements it read as used and
// reports what it could not carry over; nullFlavor means "no value" and is never an error.

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "adapters/cda/cda_context.hpp"
#include "broker/model/observation.hpp"

namespace hie::adapters::cda {

/// The value of nullFlavor ("" when absent).
std::string_view null_flavor(Node node);
/// The xsi:type of `node` without any prefix ("PQ", "CD"); "" when absent.
std::string_view xsi_type(Node node);
/// An attribute's value, trimmed of spaces.
std::string attribute(Node node, const char* name);

/// II (root, extension) → Identifier. The root's OID gives the system (the NHS number OID
/// gives the NHS number system when the number passes Modulus 11; else an error issue and the
/// urn:oid system); a root alone becomes the value (urn:oid: / urn:uuid:).
std::optional<model::Identifier> to_identifier(CdaContext& ctx, Node ii);
/// CD/CE/CV/CO/CS: code, codeSystem, displayName, codeSystemVersion, each translation, and
/// originalText (or the narrative it references) as text.
std::optional<model::CodeableConcept> to_concept(CdaContext& ctx, Node cd);
/// TS → FHIR dateTime at the same precision (the context's default offset for times without one).
std::optional<std::string> to_datetime(CdaContext& ctx, Node ts);
/// TS → FHIR date (birthTime).
std::optional<std::string> to_date(CdaContext& ctx, Node ts);
/// IVL_TS (low, high, center) or TS → Period.
std::optional<model::Period> to_period(CdaContext& ctx, Node ivl);
/// IVL_TS or TS: a dateTime for a single time (value or center), else a Period.
std::variant<std::monostate, model::DateTime, model::Period> to_effective(CdaContext& ctx,
                                                                          Node ivl);
/// PQ (value, unit) → Quantity with the decimal text kept and the unit as UCUM.
std::optional<model::Quantity> to_quantity(CdaContext& ctx, Node pq);
/// IVL_PQ → Range.
std::optional<model::Range> to_range(CdaContext& ctx, Node ivl);

/// An observation value by xsi:type (PQ, IVL_PQ, CD/CE/CV/CO/CS, ST/ED/SC, INT, REAL, BL, TS,
/// IVL_TS, RTO). A nullFlavor fills `absent` (data-absent-reason) instead.
model::ObservationValue to_observation_value(CdaContext& ctx, Node value,
                                             std::optional<model::CodeableConcept>& absent);
/// nullFlavor → a data-absent-reason concept.
model::CodeableConcept data_absent_reason(std::string_view null_flavor);

std::optional<model::HumanName> to_name(CdaContext& ctx, Node pn);
std::optional<model::Address> to_address(CdaContext& ctx, Node ad);
std::optional<model::ContactPoint> to_telecom(CdaContext& ctx, Node tel);

/// A person or organization in an assigned role (assignedAuthor, assignedEntity, …) as a
/// display reference: the person's name, else the device or organization name, and the first
/// id. Reads id and the name elements; the rest of the role is left for report_unused().
std::optional<model::Reference> role_reference(CdaContext& ctx, Node role);

/// The text an entry's <text> gives: its <reference value="#id"/> target, else its own text.
std::string entry_text(CdaContext& ctx, Node text);

/// A CodeableConcept with one coding.
model::CodeableConcept concept_of(std::string system, std::string code, std::string display);

}  // namespace hie::adapters::cda
