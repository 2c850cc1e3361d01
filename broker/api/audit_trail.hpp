#pragma once
// Every query and every disclosure through the FHIR API becomes an AuditEvent (who asked, for
// which patient, why, which exchanges answered, what came of it, when), kept in the store where
// the patient can read it. Building the resource is pure; the routes write it.

#include <cstddef>
#include <string>
#include <vector>

#include "broker/model/resource.hpp"

namespace hie::api {

struct AuditedExchange {
  std::string exchange;
  std::string outcome;  ///< "answered", "timed_out", "skipped_by_consent", ...
};

/// One request as the audit trail records it.
struct Disclosure {
  std::string interaction;  ///< FHIR restful-interaction: "read", "search-type", "operation", "create"
  std::string recorded;     ///< instant
  std::string path;         ///< relative to /fhir, e.g. "Observation", "Patient/9434765919/$everything"
  std::string patient_id;   ///< the patient asked about (our Patient id: the NHS number); "" when none
  // The requester, from the verified token ("" when the request had no valid token).
  std::string issuer, subject, requester_kind, purpose_of_use, fhir_user;
  std::string client_address;  ///< "127.0.0.1:50122"
  unsigned http_status = 200;
  std::vector<AuditedExchange> exchanges;
  std::size_t resources_disclosed = 0;
};

/// Identifier system naming a requester's issuer in AuditEvent.agent.who (value: `sub`).
inline constexpr std::string_view requester_identifier_prefix = "urn:hiebroker:issuer:";

model::AuditEvent audit_event(const Disclosure& disclosure);

}  // namespace hie::api
