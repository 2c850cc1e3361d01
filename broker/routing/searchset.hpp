#pragma once
// The answer to a query: a merged record as one page of a FHIR searchset Bundle
// (docs/query.md, "The searchset"). Pure: the caller passes the time and the URLs.
//
// `total` counts the matches on every page. Each page holds its matches (search.mode match,
// fullUrl <base>/<Type>/<id>), the Provenance of each (include), and one OperationOutcome
// (outcome) with an issue per exchange that failed, timed out, was not connected or was skipped
// by consent, and one per merge conflict; when there is nothing to report, one information
// issue says how many exchanges answered. Links: self, and with a page size first, previous,
// next and last, as <base>/<path>?<query>&_count=N&_offset=M.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "broker/model/resource.hpp"
#include "broker/routing/merge.hpp"

namespace hie::routing {

/// What became of one exchange the query concerned.
struct ExchangeOutcome {
  enum class Kind { answered, failed, timed_out, not_connected, skipped_by_consent, not_found };
  std::string exchange;  ///< configured exchange id
  Kind kind = Kind::answered;
  std::string detail;  ///< why, for a person ("HTTP 503"); never patient data
};

/// OperationOutcome.issue.details system of the per-exchange issues: codes failed, timed-out,
/// not-connected, skipped-by-consent.
inline constexpr std::string_view exchange_outcome_system =
    "https://hiebroker.dev/CodeSystem/exchange-outcome";

/// Which page of which search. Every member has a default, so designated initializers may leave
/// any out.
struct SearchPage {
  /// FHIR base, "https://broker.example/fhir"; a trailing '/' is ignored.
  std::string base_url = {};
  /// The search relative to the base: "Observation", "Patient/9434765919/$everything".
  std::string path = {};
  /// The query string as received, without '?'; its _count and _offset are replaced.
  std::string query = {};
  std::optional<std::size_t> count = {};  ///< _count: matches per page; none: all on one page
  std::size_t offset = 0;                 ///< _offset: matches before this page
  std::string timestamp = {};             ///< Bundle.timestamp (instant); empty: none
};

/// One page of the searchset for `record`.
model::Bundle build_searchset(const MergedRecord& record, std::span<const ExchangeOutcome> outcomes,
                              const SearchPage& page);

}  // namespace hie::routing
