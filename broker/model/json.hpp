#pragma once
// FHIR R4 JSON read and write for the model. The reader is lossless-or-loud: every element of the
// input the model does not hold becomes an Issue (warning, code "not-supported", location = JSON
// pointer of that element); nothing is dropped silently. Empty strings, arrays and objects are
// dropped with a "value" warning; a `#id` reference loses its reference string (contained
// resources are not held) with a warning. At most max_issues_per_document issues are listed, then
// one counts the rest. Input that is not FHIR-shaped JSON at all (malformed JSON, a string or
// member name that is not UTF-8 - e.g. a lone surrogate escape -, a duplicate member name, an
// object where a string belongs, an unknown resourceType at the top) is an Error whose location is
// the JSON pointer of the fault. No RapidJSON in this header.

#include <string>
#include <string_view>
#include <variant>

#include "broker/core/result.hpp"
#include "broker/model/issues.hpp"
#include "broker/model/resource.hpp"

namespace hie::model {

/// A resource or a Bundle, for input whose resourceType is not known in advance.
using AnyResource = std::variant<Resource, Bundle>;

/// Reads one resource other than Bundle. Issues are appended to `issues`.
Result<Resource> read_resource(std::string_view json, Issues& issues);

/// Reads a Bundle. An entry whose resource type the model does not hold (or a nested Bundle) is
/// dropped whole, fullUrl/request/response included, with one issue at `/entry/N`: an entry
/// without its resource (or a request without its body) would say something else than the input.
Result<Bundle> read_bundle(std::string_view json, Issues& issues);

/// Reads a resource or a Bundle, whichever the input's resourceType names.
Result<AnyResource> read_any(std::string_view json, Issues& issues);

/// Compact FHIR JSON, elements in FHIR order; decimals written exactly as held. A string that is
/// not valid UTF-8 (only possible when set by code, never by the reader) is an Error
/// (validation_error) whose location is the JSON pointer of that string; validate() reports it too.
Result<std::string> to_json(const Resource& resource);
Result<std::string> to_json(const Bundle& bundle);
Result<std::string> to_json(const AnyResource& resource);

}  // namespace hie::model
