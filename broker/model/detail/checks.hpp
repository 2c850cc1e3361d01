#pragma once
// Datatype rules the validator checks beyond cardinality and lexical form: FHIR invariants
// per-1, qty-3, att-1, and NHS numbers in Identifier. Internal to broker/model.

#include <optional>
#include <string>
#include <string_view>

#include "broker/model/datatypes.hpp"
#include "broker/model/detail/issue_sink.hpp"

namespace hie::model::detail {

/// Compares two valid dateTimes when both have the same precision (both a year, both a month,
/// both a day, or both a time with offset, compared as instants); nullopt when they differ in
/// precision or are not valid. <0, 0, >0 as a < b, a == b, a > b.
std::optional<int> compare_same_precision(std::string_view a, std::string_view b);

/// per-1: start <= end, when comparable.
void check_invariants(const Period& period, const std::string& path, IssueSink& issues);
/// qty-3: a code needs a system.
void check_invariants(const Quantity& quantity, const std::string& path, IssueSink& issues);
/// att-1: data needs a contentType.
void check_invariants(const Attachment& attachment, const std::string& path, IssueSink& issues);
/// An Identifier whose system is the NHS number system holds a valid NHS number, in its
/// canonical form (ten digits, no spaces).
void check_invariants(const Identifier& identifier, const std::string& path, IssueSink& issues);

}  // namespace hie::model::detail
