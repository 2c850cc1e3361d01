#pragma once
// GET /fhir/metadata: the CapabilityStatement, listing exactly the interactions and search
// parameters broker/api/fhir_request.cpp accepts.

#include <string>
#include <string_view>

namespace hie::api {

/// FHIR JSON of the broker's CapabilityStatement. `base_url` is the FHIR base it serves at;
/// `version` the broker's; `date` a FHIR dateTime (the broker's start).
std::string capability_statement(std::string_view base_url, std::string_view version, std::string_view date);

}  // namespace hie::api
