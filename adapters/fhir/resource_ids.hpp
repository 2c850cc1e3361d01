#pragma once
// Ids of the resources the FHIR adapter emits: the input's id when it is a valid FHIR id, else one
// taken from the entry's fullUrl, else a stable hash, so that references to the resource resolve
// and a second translation of the same bytes gives the same ids.

#include <string>
#include <string_view>

namespace hie::adapters::fhir {

/// FHIR id: [A-Za-z0-9\-\.]{1,64}.
bool is_valid_fhir_id(std::string_view id);

/// The id a fullUrl names, when it is a valid FHIR id: the UUID of `urn:uuid:<uuid>`, or `<id>` of
/// a RESTful `<base>/<type>/<id>[/_history/<v>]` whose type is `type`. Empty otherwise.
std::string id_from_full_url(std::string_view full_url, std::string_view type);

/// The id a transaction request names: `<id>` of `PUT <type>/<id>`. Empty otherwise.
std::string id_from_request_url(std::string_view url, std::string_view type);

/// A 32-hex-digit id from the exchange, a digest of the whole input, the position of the resource
/// in it ("entry/3", "line/7") and its type: the same input gives the same ids.
std::string stable_id(std::string_view exchange_id, std::string_view input_digest,
                      std::string_view position, std::string_view type);

/// 16 hex digits summarising `bytes` (FNV-1a), the input part of stable_id().
std::string digest(std::string_view bytes);

}  // namespace hie::adapters::fhir
