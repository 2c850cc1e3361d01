#pragma once
// Answering a broker's `query` from a dataset: which patients it names, and the `result`
// message with their records in the dataset's format. Pure: no sockets, clocks or randomness
// (the peer client decides about latency, errors and garbage).

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/core/result.hpp"
#include "tools/hie-sim/dataset.hpp"

namespace hie::sim {

/// The identifiers of a query's `patient` member (an NHS number reduced to its ten digits).
/// Error when `patient` is missing, empty, or not an array of {system, value} strings.
Result<std::vector<Identifier>> query_identifiers(const rapidjson::Value& query);

/// The dataset's patients that share at least one identifier (system and value) with `wanted`,
/// in dataset order.
std::vector<const Patient*> match_patients(const Dataset& dataset,
                                           const std::vector<Identifier>& wanted);

/// A result's records: one `payload`, or several documents in `payloads`.
struct ResultBody {
  std::optional<std::string> payload;
  std::vector<std::string> payloads;
};

/// The records of `patients` in `format`:
/// - hl7v2: one payload, the messages back to back (a segment terminator "\r" added after a file
///   that ends without one; UTF-8 byte order marks dropped);
/// - fhir: one payload, a collection Bundle of every resource of every file (a Bundle file gives
///   its entries' resources and fullUrls, any other file is one resource), byte for byte; when
///   `resource_types` is not empty only resources of those types are kept;
/// - csv: the header once, then every file's data rows; files with different headers cannot
///   share one, so each header gets its own document in `payloads`;
/// - cda: `payloads`, one document per file.
ResultBody build_result_body(std::string_view format, const std::vector<const Patient*>& patients,
                             const std::vector<std::string>& resource_types = {});

/// What answer_query decided.
enum class QueryOutcome { found, not_found, malformed };

struct QueryAnswer {
  QueryOutcome outcome = QueryOutcome::malformed;
  std::string reply;  ///< the whole message to send: a `result`, or a `nack` for a malformed query
  std::size_t patients = 0;  ///< dataset patients matched
};

/// The reply to `query` (a parsed `query` message), with `reply_id` as its id:
/// `{"type":"result","id":...,"re":...,"format":...,"payload"|"payloads":...}` when a patient
/// matches, `{"type":"result",...,"error":"not-found"}` when none does, and
/// `{"type":"nack",...,"reason":"malformed"}` when the query names no patient properly.
QueryAnswer answer_query(const Dataset& dataset, const rapidjson::Value& query,
                         std::string_view reply_id);

}  // namespace hie::sim
