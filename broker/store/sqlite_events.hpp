#pragma once
// The SQL behind the store's events (events.hpp), for SqliteStore: writes run inside the store
// thread's transaction, reads on the reader connection.

#include <string>
#include <vector>

#include "broker/core/result.hpp"
#include "broker/store/events.hpp"
#include "broker/store/sqlite.hpp"

namespace hie::store::sqlite_events {

/// Inserts the events and one pending delivery per subscription that selects each; an event
/// already written (derived again after a crash) is left as it is.
Status write_events(Database& db, const std::vector<EventRecord>& events, const std::string& now);
Result<std::size_t> write_subscriptions(Database& db, const SubscriptionChange& change, const std::string& now);
Result<std::size_t> write_settlements(Database& db, const std::vector<DeliverySettlement>& settlements,
                                      const std::string& now);
Result<std::size_t> write_replay(Database& db, const ReplayRequest& request, const std::string& now);

Result<std::vector<SubscriptionRecord>> read_subscriptions(Database& db);
Result<std::vector<DeliveryRecord>> read_pending(Database& db, const DeliveryQuery& query);
Result<std::vector<DeliveryRecord>> read_dead_letters(Database& db, const DeliveryQuery& query);
Result<std::vector<BacklogRecord>> read_backlogs(Database& db);

}  // namespace hie::store::sqlite_events
