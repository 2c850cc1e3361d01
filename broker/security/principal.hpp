#pragma once
// Who is calling the FHIR API, as a verified bearer token says.

#include <chrono>
#include <string>

#include "broker/security/scopes.hpp"

namespace hie::security {

/// The verified identity and permissions of one bearer token. Immutable once made.
struct Principal {
  std::string issuer;   ///< `iss`: a configured issuer
  std::string subject;  ///< `sub`
  /// patient when the token has a `patient` claim; otherwise system when it grants only
  /// `system/` scopes, else user.
  ContextKind kind = ContextKind::user;
  /// `patient`: the NHS number (ten digits, Modulus 11 checked) of the only patient a patient
  /// token may read; empty for user and system tokens.
  std::string patient;
  Scopes scopes;
  /// `purpose_of_use`: a v3-ActReason code such as TREAT; always present on user tokens.
  std::string purpose_of_use;
  std::string fhir_user;  ///< `fhirUser` when present (a FHIR reference to the user), for audit
  std::string token_id;   ///< `jti` when present, for audit
  std::chrono::system_clock::time_point expires;  ///< `exp`

  /// What the token's scopes grant in its own context (a patient token's `patient/` scopes...).
  bool allows(std::string_view resource_type, Access access) const {
    return scopes.allows(kind, resource_type, access);
  }
};

}  // namespace hie::security
