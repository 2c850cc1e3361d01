#pragma once
// The query engine's log lines: each query gets a short id, its start is logged at debug and its
// end at info with how many exchanges were asked, their outcomes and the time taken. Never the
// identifier asked about or anything an exchange answered.

#include <string>

#include "broker/routing/query_engine.hpp"

namespace hie::routing {

/// A new query id: a random per-process prefix and a counter, in hex ("5f3a-2c"). Unique within
/// a run, and across restarts as often as not; derived from nothing the caller sent.
std::string next_query_id();

/// Logs `query`'s start (debug) and wraps `done` so that its outcome is logged (info) before
/// the caller hears it. `query.query_id` must be set.
QueryEngine::Done logged_query(const PatientQuery& query, QueryEngine::Done done);

}  // namespace hie::routing
