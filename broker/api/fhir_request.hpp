#pragma once
// What a request to /fhir asks, read from its method and target. Pure: no I/O, no state, so
// every malformed target can be tested (and fuzzed) without a socket.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/core/result.hpp"

namespace hie::api {

/// One search parameter as sent, after percent-decoding.
struct QueryParameter {
  std::string name;  ///< "date"
  std::string value;
};

/// A date parameter: a prefix (eq, ge, gt, le, lt) and a FHIR date, dateTime or instant.
struct DateBound {
  std::string prefix;  ///< "ge"
  std::string value;   ///< "2024-01-01"
};

struct FhirRequest {
  enum class Kind {
    metadata,        ///< GET /fhir/metadata
    patient_search,  ///< GET /fhir/Patient?identifier=SYSTEM|VALUE
    patient_read,    ///< GET /fhir/Patient/{id}
    everything,      ///< GET /fhir/Patient/{id}/$everything
    type_search,     ///< GET /fhir/{Type}?patient=...
    audit_search,    ///< GET /fhir/AuditEvent?patient=...
    consent_create,  ///< POST /fhir/Consent
  };
  Kind kind = Kind::metadata;
  std::string resource_type;  ///< of a type search ("Observation"); "Patient" for patient kinds
  /// The patient: an id (our ids are NHS numbers), or for patient_search the identifier.
  std::string patient_id;
  std::string identifier_system, identifier_value;  ///< patient_search
  std::vector<DateBound> dates;
  std::vector<std::string> categories;  ///< each "system|code", "code" or "system|"
  std::vector<std::string> codes;       ///< each "system|code", "code" or "system|"
  std::vector<std::string> types;       ///< $everything's _type
  std::optional<std::size_t> count;     ///< _count
  std::size_t offset = 0;               ///< _offset
  std::string path;                     ///< relative to /fhir: "Observation", "Patient/N/$everything"
  std::string query;                    ///< the raw query string, without '?'
};

/// Resource types `GET /fhir/{Type}?patient=` serves (the model's clinical types).
const std::vector<std::string>& searchable_types();

/// Largest _count honoured; more is cut to this (FHIR lets a server page smaller than asked).
inline constexpr std::size_t kMaxPageSize = 1000;

/// Reads `method` and `target` (the request line's, e.g. "/fhir/Observation?patient=9434765919").
/// Errors: not_found (no such route or type), unsupported (a parameter the broker does not
/// implement: FHIR says a server must refuse rather than ignore it when asked strictly, and we
/// always refuse, so nobody gets unfiltered data by mistake), invalid_argument (a malformed value).
/// Messages name the parameter, never its value.
Result<FhirRequest> read_fhir_request(std::string_view method, std::string_view target);

/// Percent-decoding of one query component ('+' is a space); error on a bad escape.
Result<std::string> percent_decode(std::string_view text);

/// A query string (without '?') as its parameters, in order, each name and value percent-decoded;
/// empty pairs ("a=1&&b=2") are skipped. Error on a bad escape.
Result<std::vector<QueryParameter>> read_query_parameters(std::string_view query);

}  // namespace hie::api
