#pragma once
// A Translation as one FHIR Bundle of type collection: every resource (fullUrl urn:uuid from
// its id) and one OperationOutcome with the issues. What `hiebroker translate` prints.

#include "adapters/adapter.hpp"

namespace hie::adapters {

model::Bundle to_collection_bundle(Translation translation);

}  // namespace hie::adapters
