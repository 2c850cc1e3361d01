#pragma once
// Local validation: what can be checked without a terminology server. Required elements (a
// required choice holding an empty value is missing), lexical forms of primitives (date, dateTime
// with precision and offset, instant, time, decimal, id, code, uri, base64Binary, narrative xhtml)
// and UTF-8, integer ranges, required bindings to small code systems (bindings.hpp, code-invalid),
// references (a `#id` reference is an error: ref-1, contained resources are not held), NHS numbers
// in Identifier, invariants per-1, qty-3, att-1, and Bundle rules bdl-1..4, 7, 8. At most
// max_issues_per_document issues are listed. Every finding is an Issue with a JSON pointer
// location; values are never echoed in messages.

#include "broker/model/issues.hpp"
#include "broker/model/resource.hpp"

namespace hie::model {

Issues validate(const Resource& resource);

/// Validates the Bundle and every resource in it. Within the Bundle, `urn:uuid:` references must
/// name an entry's fullUrl, and conditional references (`Patient?identifier=...`) are allowed in
/// transaction and batch Bundles only.
Issues validate(const Bundle& bundle);

/// Checks one Reference.reference: `#id`, `Type/id[/_history/vid]`, an absolute URL,
/// `urn:uuid:`, `urn:oid:`. Returns an empty string when valid, else what is wrong.
std::string check_reference_syntax(std::string_view reference);

}  // namespace hie::model
