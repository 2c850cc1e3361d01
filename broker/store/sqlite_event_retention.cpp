// Event retention in the SQLite store (EventPruneRequest): delivered deliveries first, then the
// events nothing refers to any more. Each step is one bounded piece of work in the store thread's
// group commit, so ingest never waits behind one long delete.

#include <sqlite3.h>

#include <memory>
#include <vector>

#include "broker/store/sqlite_store.hpp"

namespace hie::store {
namespace {

std::size_t changes(Database& db) { return static_cast<std::size_t>(sqlite3_changes(db.handle())); }

/// Up to `batch` delivered deliveries settled before `cutoff`, oldest first. settled is ISO 8601
/// UTC text, so text order is time order. The newest delivery stays whatever its age: SQLite
/// gives a new row max(seq) + 1, and the dispatcher reads each queue after the last seq it saw.
Result<std::size_t> prune_deliveries(Database& db, const std::string& cutoff, std::int64_t batch) {
  auto stmt = db.prepare(
      "DELETE FROM deliveries WHERE seq IN (SELECT seq FROM deliveries WHERE state = 'delivered' "
      "AND settled < ?1 "
      "AND seq < (SELECT max(seq) FROM deliveries) ORDER BY settled LIMIT ?2)");
  if (!stmt) return stmt.error();
  stmt->bind(1, cutoff).bind(2, batch);
  if (auto done = stmt->run(); !done) return done.error();
  return changes(db);
}

/// Looks at up to `batch` events from before `cutoff` after the cursor, in (occurred, row)
/// order, and deletes those no delivery refers to, with their identifiers.
Result<EventPruneStep> prune_unreferenced_events(Database& db, const std::string& cutoff,
                                                 std::int64_t batch,
                                                 const EventPruneCursor& after) {
  auto look = db.prepare(
      "SELECT e.rowid, e.occurred, e.id, NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = "
      "e.id) "
      "FROM events e WHERE e.occurred < ?1 AND (e.occurred, e.rowid) > (?2, ?3) "
      "ORDER BY e.occurred, e.rowid LIMIT ?4");
  auto forget_identifiers = db.prepare("DELETE FROM event_identifiers WHERE event_id = ?1");
  auto forget_event = db.prepare("DELETE FROM events WHERE id = ?1");
  for (auto* prepared : {&look, &forget_identifiers, &forget_event})
    if (!*prepared) return prepared->error();
  EventPruneStep step;
  step.next = after;
  std::vector<std::string> unreferenced;
  look->bind(1, cutoff).bind(2, after.occurred).bind(3, after.row).bind(4, batch);
  while (true) {
    auto row = look->step();
    if (!row) return row.error();
    if (!*row) break;
    ++step.looked_at;
    step.next = {look->column_text(1), look->column_int(0)};
    if (look->column_int(3) != 0) unreferenced.push_back(look->column_text(2));
  }
  look->reset();
  for (const auto& id : unreferenced) {
    forget_identifiers->bind(1, id);
    if (auto done = forget_identifiers->run(); !done) return done.error();
    forget_event->bind(1, id);
    if (auto done = forget_event->run(); !done) return done.error();
    step.events += changes(db);
  }
  return step;
}

Result<EventPruneStep> prune_step(Database& db, const EventPruneRequest& request) {
  const std::string cutoff = format_utc(request.older_than);
  const auto batch = static_cast<std::int64_t>(request.batch);
  // Deliveries first: an event is looked at only once every delivery that may go has gone, so
  // one pass of the cursor over the old events finds every one left unreferenced.
  auto deliveries = prune_deliveries(db, cutoff, batch);
  if (!deliveries) return deliveries.error();
  if (*deliveries > 0) return EventPruneStep{*deliveries, 0, 0, request.after};
  return prune_unreferenced_events(db, cutoff, batch, request.after);
}

}  // namespace

void SqliteStore::prune_events(EventPruneRequest request, EventPruneDone done) {
  // The step is handed over only once its transaction committed; a rolled-back one is an error.
  auto step = std::make_shared<EventPruneStep>();
  enqueue(PendingWork{[request = std::move(request), step](
                          Database& db, const std::string&) -> Result<std::size_t> {
                        auto made = prune_step(db, request);
                        if (!made) return made.error();
                        *step = std::move(*made);
                        return step->deliveries + step->events;
                      },
                      [step, done = std::move(done)](Result<std::size_t> counted) mutable {
                        if (!counted) return done(counted.error());
                        done(std::move(*step));
                      }});
}

}  // namespace hie::store
