#pragma once
// /fhir/*: the shared care record for patient apps and clinician systems. Each request is read
// (fhir_request.hpp), authorised by its bearer token (SMART scopes; a patient token reads only its
// own patient), answered by the query engine (fan-out, consent, deadlines), merged, filtered,
// paged into a searchset, and written to the audit trail before a single resource leaves.

#include <memory>
#include <string>
#include <vector>

#include "broker/net/http_types.hpp"

namespace hie::routing {
class QueryEngine;
}
namespace hie::security {
class TokenVerifier;
}
namespace hie::store {
class Store;
}
namespace prometheus {
class Registry;
}

namespace hie::api {

class Router;

struct FhirApiSettings {
  std::string version;     ///< the broker's, for the CapabilityStatement
  std::string started;     ///< dateTime the broker started (CapabilityStatement.date)
  /// FHIR base URL links are built from ("https://broker.example/fhir"); empty: from the
  /// request's Host header and whether it came over TLS.
  std::string base_url;
  std::vector<std::string> exchanges;  ///< configured exchange ids, sorted (consent actors)
};

/// Adds `/fhir/*`. `verifier` null: no issuer is configured, and everything but
/// /fhir/metadata answers 401.
void add_fhir_routes(Router& router, FhirApiSettings settings, std::shared_ptr<const security::TokenVerifier> verifier,
                     routing::QueryEngine& engine, store::Store& store);

}  // namespace hie::api
