#pragma once
// From the query engine's per-exchange results to what a caller may see: the merged record, each
// exchange's outcome for the searchset, and what the audit trail records. Shared by the FHIR API
// and peers' own queries.

#include <functional>
#include <vector>

#include "broker/api/audit_trail.hpp"
#include "broker/routing/merge.hpp"
#include "broker/routing/query_engine.hpp"
#include "broker/routing/searchset.hpp"

namespace hie::api {

struct MergedAnswer {
  routing::MergedRecord record;
  std::vector<routing::ExchangeOutcome> outcomes;  ///< one per exchange concerned
  std::vector<AuditedExchange> audited;            ///< the same, as the audit trail names them
};

/// Merges the answered and stored exchanges' resources; every exchange keeps its outcome.
MergedAnswer merge_result(routing::QueryResult result);

/// Keeps the resources `keep` accepts, with their Provenance and the conflicts about their types.
void filter_record(routing::MergedRecord& record, const std::function<bool(const model::Resource&)>& keep);

}  // namespace hie::api
