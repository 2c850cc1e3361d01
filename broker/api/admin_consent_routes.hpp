#pragma once
// /admin/consents/{nhs}: operators read and set a patient's sharing choice (for a patient who
// asks at a desk rather than in an app). A system token with Consent scopes is an operator's;
// every read and change is in the patient's audit trail.

#include <memory>
#include <string>
#include <vector>

namespace hie::security {
class TokenVerifier;
}
namespace hie::store {
class Store;
}

namespace hie::api {

class OperatorCertificates;

class Router;

/// GET (needs system/Consent.r) and PUT a FHIR Consent (needs system/Consent.u), the same
/// Consent a patient would POST to /fhir/Consent. `exchanges`: configured ids, sorted.
void add_admin_consent_routes(Router& router, std::shared_ptr<const security::TokenVerifier> verifier,
                              store::Store& store, std::vector<std::string> exchanges,
                              std::shared_ptr<const OperatorCertificates> operators = nullptr);

}  // namespace hie::api
