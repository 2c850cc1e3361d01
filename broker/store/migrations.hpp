#pragma once
// The store's schema, as numbered steps. PRAGMA user_version records the last step applied;
// each step runs in its own transaction, so a crash mid-migration leaves the previous version.

#include "broker/core/result.hpp"
#include "broker/store/sqlite.hpp"

namespace hie::store {

/// The schema version this build writes.
std::int64_t latest_schema_version();

/// Brings `db` to latest_schema_version(). A store written by a newer broker is refused.
Status migrate(Database& db);

}  // namespace hie::store
