#pragma once
// FHIR R4 JSON read and write for the model. The reader is lossless-or-loud: every element of the
// input the model does not hold becomes an Issue (warning, code "not-supported", location = JSON
// pointer of that element); nothing is dropped silently. Input that is not FHIR-shaped JSON at all
// (malformed JSON, an object where a string belongs, an unknown resourceType at the top) is an
// Error whose location is the JSON pointer of the fault. No RapidJSON in this header.

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

/// Reads a Bundle. Entries whose resource type the model does not hold (or nested Bundles) keep
/// their fullUrl/request/response and lose the resource, with an issue at `/entry/N/resource`.
Result<Bundle> read_bundle(std::string_view json, Issues& issues);

/// Reads a resource or a Bundle, whichever the input's resourceType names.
Result<AnyResource> read_any(std::string_view json, Issues& issues);

/// Compact FHIR JSON, elements in FHIR order; decimals written exactly as held.
std::string to_json(const Resource& resource);
std::string to_json(const Bundle& bundle);
std::string to_json(const AnyResource& resource);

}  // namespace hie::model
