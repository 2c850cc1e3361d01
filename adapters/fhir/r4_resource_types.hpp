#pragma once
// The resource types of FHIR R4 (4.0.1), so that a resource the model does not hold (a
// Practitioner) can be told from JSON that is not a FHIR resource at all ("resourceType":"Foo").

#include <string_view>

namespace hie::adapters::fhir {

/// True when `type` names a FHIR R4 resource type (Bundle included).
bool is_r4_resource_type(std::string_view type);

}  // namespace hie::adapters::fhir
