#include "broker/store/sqlite_store.hpp"

#include <sqlite3.h>

#include <chrono>

#include "broker/store/migrations.hpp"
#include "broker/store/sqlite_events.hpp"
#include "broker/store/store_metrics.hpp"

namespace hie::store {
namespace {

// synchronous=FULL: in WAL mode every commit syncs the WAL, so a message that was ACKed
// survives power loss, not only a crash of the broker (NORMAL would only guarantee the latter).
// Group commit pays that fsync once per batch. busy_timeout lets `hiebroker journal` and a
// backup read while the broker writes.
constexpr std::string_view kPragmas =
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;";

constexpr std::string_view kNhsNumberSystem = "https://fhir.nhs.uk/Id/nhs-number";

constexpr std::string_view kSelectJournal =
    "SELECT id, exchange, control_id, format, received, status, detail, length(payload), translation, "
    "translation_detail, CASE WHEN ?1 THEN payload END FROM journal ";

JournalRecord read_record(const Statement& stmt, bool with_payload) {
  JournalRecord r;
  r.id = stmt.column_int(0);
  r.exchange = stmt.column_text(1);
  r.control_id = stmt.column_text(2);
  r.format = stmt.column_text(3);
  r.received = stmt.column_text(4);
  r.status = stmt.column_text(5);
  r.detail = stmt.column_text(6);
  r.bytes = stmt.column_int(7);
  r.translation = stmt.column_text(8);
  r.translation_detail = stmt.column_text(9);
  if (with_payload) r.payload = stmt.column_text(10);
  return r;
}

Result<std::vector<JournalRecord>> collect(Statement& stmt, bool with_payload) {
  std::vector<JournalRecord> rows;
  while (true) {
    auto row = stmt.step();
    if (!row) return row.error();
    if (!*row) break;
    rows.push_back(read_record(stmt, with_payload));
  }
  return rows;
}

Result<std::vector<JournalRecord>> query_journal(Database& db, const JournalQuery& query) {
  auto stmt = db.prepare(std::string(kSelectJournal) +
                         "WHERE id > ?2 AND (?3 = '' OR exchange = ?3) ORDER BY id LIMIT ?4");
  if (!stmt) return stmt.error();
  stmt->bind(1, std::int64_t{query.with_payload});
  stmt->bind(2, query.after_id);
  stmt->bind(3, query.exchange);
  stmt->bind(4, static_cast<std::int64_t>(query.limit));
  return collect(*stmt, query.with_payload);
}

Result<Database> open_configured(const std::string& path, OpenMode mode) {
  auto db = Database::open(path, mode);
  if (!db) return db.error();
  if (auto set = db->exec(mode == OpenMode::read_only ? "PRAGMA busy_timeout=5000;" : kPragmas); !set)
    return set.error();
  return db;
}

/// A count-reporting completion for a write whose caller wants only success or the error.
Store::CountDone status_done(Store::WriteDone done) {
  return [done = std::move(done)](Result<std::size_t> counted) mutable {
    if (counted) done(Status{});
    else done(counted.error());
  };
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(SqliteOptions options) {
  auto writer = open_configured(options.path, OpenMode::read_write);
  if (!writer) return writer.error();
  if (auto migrated = migrate(*writer); !migrated) return migrated.error();
  auto reader = open_configured(options.path, OpenMode::read_only);
  if (!reader) return reader.error();
  std::unique_ptr<SqliteStore> store(new SqliteStore(std::move(options), std::move(*writer), std::move(*reader)));
  auto& db = store->writer_;
  auto insert = db.prepare(
      "INSERT INTO journal (exchange, control_id, format, received, status, detail, payload) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
      "ON CONFLICT (exchange, control_id) WHERE status = 'accepted' DO NOTHING RETURNING id");
  auto find = db.prepare("SELECT id FROM journal WHERE exchange = ?1 AND control_id = ?2 AND status = 'accepted'");
  auto set_translation = db.prepare("UPDATE journal SET translation = ?2, translation_detail = ?3 WHERE id = ?1");
  // An identifier seen again keeps its first sighting; an NHS number learnt later is kept.
  auto upsert_location = db.prepare(
      "INSERT INTO patient_locations (exchange, system, value, nhs_number, first_seen, last_seen) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT (exchange, system, value) DO UPDATE SET "
      "last_seen = excluded.last_seen, nhs_number = coalesce(excluded.nhs_number, nhs_number)");
  auto upsert_replaced = db.prepare(
      "INSERT INTO patient_locations (exchange, system, value, nhs_number, replaced_by, first_seen, last_seen) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) ON CONFLICT (exchange, system, value) DO UPDATE SET "
      "last_seen = excluded.last_seen, replaced_by = excluded.replaced_by, "
      "nhs_number = coalesce(excluded.nhs_number, nhs_number)");
  auto upsert_resource = db.prepare(
      "INSERT INTO stored_resources (exchange, resource_type, resource_key, patient_key, journal_id, updated, json) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (exchange, resource_type, resource_key) DO UPDATE SET "
      "patient_key = excluded.patient_key, journal_id = excluded.journal_id, updated = excluded.updated, "
      "json = excluded.json WHERE excluded.journal_id >= stored_resources.journal_id");
  // received is ISO 8601 UTC text, so text order is time order. The newest row stays: SQLite
  // gives a new row max(id) + 1, and a reused id would give a new message an old message's
  // event ids ("ev-<journal id>-<n>"), which the store would take for events already written.
  auto prune_journal = db.prepare(
      "DELETE FROM journal WHERE id IN (SELECT id FROM journal WHERE exchange = ?1 AND received < ?2 "
      "AND NOT (status = 'accepted' AND translation = 'pending') AND id < (SELECT max(id) FROM journal) "
      "ORDER BY id LIMIT ?3)");
  auto prune_resources = db.prepare(
      "DELETE FROM stored_resources WHERE (exchange, resource_type, resource_key) IN (SELECT exchange, "
      "resource_type, resource_key FROM stored_resources WHERE exchange = ?1 AND updated < ?2 LIMIT ?3)");
  for (auto* prepared : {&insert, &find, &set_translation, &upsert_location, &upsert_replaced, &upsert_resource,
                         &prune_journal, &prune_resources})
    if (!*prepared) return prepared->error();
  store->statements_.emplace(Statements{std::move(*insert), std::move(*find), std::move(*set_translation),
                                        std::move(*upsert_location), std::move(*upsert_replaced),
                                        std::move(*upsert_resource), std::move(*prune_journal),
                                        std::move(*prune_resources)});
  store->thread_ = std::thread([s = store.get()] { s->run(); });
  return store;
}

SqliteStore::SqliteStore(SqliteOptions options, Database writer, Database reader)
    : options_(std::move(options)),
      writer_(std::move(writer)),
      reader_(std::move(reader)),
      metrics_(options_.registry ? std::make_unique<StoreMetrics>(*options_.registry) : nullptr) {}

SqliteStore::~SqliteStore() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  statements_.reset();  // statements before the connection they belong to
}

void SqliteStore::append(InboundMessage message, AppendDone done) {
  enqueue(PendingAppend{std::move(message), std::move(done)});
}

void SqliteStore::record_translations(TranslationBatch batch, WriteDone done) {
  enqueue(PendingTranslations{std::move(batch), std::move(done)});
}

void SqliteStore::prune(PruneRequest request, PruneDone done) {
  enqueue(PendingPrune{std::move(request), std::move(done)});
}

void SqliteStore::put_consent(ConsentRecord record, WriteDone done) {
  enqueue(PendingRecord{std::move(record), std::move(done)});
}

void SqliteStore::append_audit(AuditRecord record, WriteDone done) {
  enqueue(PendingRecord{std::move(record), std::move(done)});
}

void SqliteStore::enqueue(Pending pending) {
  std::unique_lock lock(mutex_);
  if (stopping_ || queue_.size() >= options_.max_pending) {
    const bool stopping = stopping_;
    lock.unlock();
    ++failures_;
    if (metrics_) metrics_->failed(stopping ? "stopping" : "busy", 1);
    Error error = make_error(stopping ? Errc::unsupported : Errc::limit_exceeded,
                             stopping ? "the store is stopping" : "the store is busy: too many writes waiting", "store");
    std::visit([&](auto& p) { p.done(error); }, pending);
    return;
  }
  queue_.push_back(std::move(pending));
  if (metrics_) metrics_->queue_depth(queue_.size());
  lock.unlock();
  wake_.notify_one();
}

void SqliteStore::run() {
  std::deque<Pending> batch;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued is committed
      const std::size_t take = std::min(queue_.size(), options_.max_batch);
      std::move(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(take), std::back_inserter(batch));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(take));
      if (metrics_) metrics_->queue_depth(queue_.size());
    }
    commit(batch);
    batch.clear();
  }
}

Result<Appended> SqliteStore::write(const InboundMessage& m) {
  const bool keyed = m.status == JournalStatus::accepted && !m.control_id.empty();
  Statement& insert = statements_->insert;
  insert.bind(1, m.exchange);
  if (!m.control_id.empty()) insert.bind(2, m.control_id);  // else NULL
  insert.bind(3, m.format);
  insert.bind(4, format_utc(m.received));
  insert.bind(5, to_string(m.status));
  insert.bind(6, m.detail);
  insert.bind_blob(7, m.payload);
  auto row = insert.step();
  const std::int64_t id = row && *row ? insert.column_int(0) : 0;
  insert.reset();
  if (!row) return row.error();
  if (*row) return Appended{id, false};
  if (!keyed) return make_error(Errc::internal, "journal insert wrote no row", "store");
  Statement& find = statements_->find_accepted;
  find.bind(1, m.exchange).bind(2, m.control_id);
  auto found = find.step();
  const std::int64_t existing = found && *found ? find.column_int(0) : 0;
  find.reset();
  if (!found) return found.error();
  return Appended{existing, true};
}

Result<PrunedRows> SqliteStore::write(const PruneRequest& request) {
  const std::string cutoff = format_utc(request.older_than);
  PrunedRows deleted;
  for (auto [stmt, count] : {std::pair{&statements_->prune_journal, &deleted.journal},
                             std::pair{&statements_->prune_resources, &deleted.stored_resources}}) {
    stmt->bind(1, request.exchange).bind(2, cutoff).bind(3, static_cast<std::int64_t>(request.batch));
    if (auto done = stmt->run(); !done) return done.error();
    *count = static_cast<std::size_t>(sqlite3_changes(writer_.handle()));
  }
  return deleted;
}

Status SqliteStore::write(const TranslationBatch& batch) {
  Statements& s = *statements_;
  const std::string now = format_utc(std::chrono::system_clock::now());
  for (const auto& t : batch.journal) {
    s.set_translation.bind(1, t.journal_id).bind(2, to_string(t.state)).bind(3, t.detail);
    if (auto done = s.set_translation.run(); !done) return done;
  }
  for (const auto& sighting : batch.sightings) {
    // The NHS number, when the message carried one, cross-references every other identifier.
    std::string nhs_number;
    for (const auto& id : sighting.identifiers)
      if (id.system == kNhsNumberSystem) nhs_number = id.value;
    for (const auto& id : sighting.identifiers) {
      s.upsert_location.bind(1, sighting.exchange).bind(2, id.system).bind(3, id.value).bind(5, now);
      if (!nhs_number.empty()) s.upsert_location.bind(4, nhs_number);
      if (auto done = s.upsert_location.run(); !done) return done;
    }
    if (sighting.identifiers.empty()) continue;
    const std::string survivor = sighting.identifiers.front().system + "|" + sighting.identifiers.front().value;
    for (const auto& id : sighting.replaced) {
      s.upsert_replaced.bind(1, sighting.exchange).bind(2, id.system).bind(3, id.value).bind(5, survivor).bind(6, now);
      if (!nhs_number.empty()) s.upsert_replaced.bind(4, nhs_number);
      if (auto done = s.upsert_replaced.run(); !done) return done;
    }
  }
  for (const auto& r : batch.resources) {
    s.upsert_resource.bind(1, r.exchange).bind(2, r.resource_type).bind(3, r.key).bind(4, r.patient_key);
    s.upsert_resource.bind(5, r.journal_id).bind(6, now).bind(7, r.json);
    if (auto done = s.upsert_resource.run(); !done) return done;
  }
  // After the sightings, so a subscriber's "held" patients include what this batch taught.
  return sqlite_events::write_events(writer_, batch.events, now);
}

void SqliteStore::commit(std::deque<Pending>& batch) {
  const auto started = std::chrono::steady_clock::now();
  std::vector<Result<Appended>> appended;  // one per PendingAppend, in order
  Status status = writer_.exec("BEGIN IMMEDIATE");
  for (auto it = batch.begin(); status && it != batch.end(); ++it) {
    if (auto* a = std::get_if<PendingAppend>(&*it)) {
      auto written = write(a->message);
      if (!written) status = written.error();
      else appended.push_back(*written);
    } else if (auto* p = std::get_if<PendingPrune>(&*it)) {
      auto deleted = write(p->request);
      if (!deleted) status = deleted.error();
      else p->deleted = *deleted;
    } else if (auto* r = std::get_if<PendingRecord>(&*it)) {
      status = write(r->record);
    } else if (auto* w = std::get_if<PendingWork>(&*it)) {
      auto counted = w->work(writer_, format_utc(std::chrono::system_clock::now()));
      if (!counted) status = counted.error();
      else w->count = *counted;
    } else {
      status = write(std::get<PendingTranslations>(*it).batch);
    }
  }
  if (status) status = writer_.exec("COMMIT");
  if (!status) {
    (void)writer_.exec("ROLLBACK");
    failures_ += batch.size();
    if (metrics_) metrics_->failed("commit_failed", batch.size());
    for (auto& p : batch) std::visit([&](auto& item) { item.done(status.error()); }, p);
    return;
  }
  const auto took = std::chrono::steady_clock::now() - started;
  last_commit_seconds_ = std::chrono::duration<double>(took).count();
  ++commits_;
  last_batch_ = batch.size();
  if (metrics_) metrics_->committed(batch.size(), took);
  std::size_t next = 0;
  for (auto& p : batch) {
    if (auto* a = std::get_if<PendingAppend>(&p)) {
      Result<Appended>& result = appended[next++];
      if (result->duplicate)
        ++duplicates_;
      else
        ++messages_;
      a->done(std::move(result));
    } else if (auto* pruned = std::get_if<PendingPrune>(&p)) {
      pruned->done(pruned->deleted);
    } else if (auto* r = std::get_if<PendingRecord>(&p)) {
      r->done(Status{});
    } else if (auto* w = std::get_if<PendingWork>(&p)) {
      w->done(w->count);
    } else {
      std::get<PendingTranslations>(p).done(Status{});
    }
  }
}

Result<std::vector<JournalRecord>> SqliteStore::read_journal(const JournalQuery& query) {
  std::lock_guard lock(reader_mutex_);
  return query_journal(reader_, query);
}

Result<std::vector<JournalRecord>> SqliteStore::pending_translations(std::size_t limit) {
  std::lock_guard lock(reader_mutex_);
  auto stmt = reader_.prepare(std::string(kSelectJournal) +
                              "WHERE status = 'accepted' AND translation = 'pending' ORDER BY id LIMIT ?2");
  if (!stmt) return stmt.error();
  stmt->bind(1, std::int64_t{1});
  stmt->bind(2, static_cast<std::int64_t>(limit));
  return collect(*stmt, true);
}

Result<PatientLocation> SqliteStore::locate(const PatientIdentity& identity) {
  std::lock_guard lock(reader_mutex_);
  PatientLocation out;
  if (identity.system == kNhsNumberSystem) {
    out.nhs_number = identity.value;
  } else {
    auto nhs = reader_.prepare(
        "SELECT nhs_number FROM patient_locations WHERE system = ?1 AND value = ?2 AND nhs_number IS NOT NULL "
        "ORDER BY last_seen DESC LIMIT 1");
    if (!nhs) return nhs.error();
    nhs->bind(1, identity.system).bind(2, identity.value);
    auto row = nhs->step();
    if (!row) return row.error();
    if (*row) out.nhs_number = nhs->column_text(0);
  }
  // Directly, or through the NHS number the identifier was seen with.
  auto stmt = reader_.prepare(
      "SELECT DISTINCT exchange FROM patient_locations WHERE (system = ?1 AND value = ?2) "
      "OR (?3 != '' AND nhs_number = ?3) ORDER BY exchange");
  if (!stmt) return stmt.error();
  stmt->bind(1, identity.system).bind(2, identity.value).bind(3, out.nhs_number);
  while (true) {
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) break;
    out.exchanges.push_back(stmt->column_text(0));
  }
  return out;
}

void SqliteStore::replace_subscriptions(SubscriptionChange change, WriteDone done) {
  enqueue(PendingWork{[change = std::move(change)](Database& db, const std::string& now) {
                        return sqlite_events::write_subscriptions(db, change, now);
                      },
                      status_done(std::move(done))});
}

void SqliteStore::settle_deliveries(std::vector<DeliverySettlement> settlements, WriteDone done) {
  enqueue(PendingWork{[settlements = std::move(settlements)](Database& db, const std::string& now) {
                        return sqlite_events::write_settlements(db, settlements, now);
                      },
                      status_done(std::move(done))});
}

void SqliteStore::replay(ReplayRequest request, CountDone done) {
  enqueue(PendingWork{[request = std::move(request)](Database& db, const std::string& now) {
                        return sqlite_events::write_replay(db, request, now);
                      },
                      std::move(done)});
}

Result<std::vector<SubscriptionRecord>> SqliteStore::subscriptions() {
  std::lock_guard lock(reader_mutex_);
  return sqlite_events::read_subscriptions(reader_);
}

Result<std::vector<DeliveryRecord>> SqliteStore::pending_deliveries(const DeliveryQuery& query) {
  std::lock_guard lock(reader_mutex_);
  return sqlite_events::read_pending(reader_, query);
}

Result<std::vector<DeliveryRecord>> SqliteStore::dead_letters(const DeliveryQuery& query) {
  std::lock_guard lock(reader_mutex_);
  return sqlite_events::read_dead_letters(reader_, query);
}

Result<std::vector<BacklogRecord>> SqliteStore::backlogs() {
  std::lock_guard lock(reader_mutex_);
  return sqlite_events::read_backlogs(reader_);
}

StoreStats SqliteStore::stats() const {
  StoreStats s;
  s.commits = commits_;
  s.messages = messages_;
  s.duplicates = duplicates_;
  s.failures = failures_;
  s.last_batch = last_batch_;
  s.last_commit_seconds = last_commit_seconds_;
  std::lock_guard lock(mutex_);
  s.pending = queue_.size();
  return s;
}

Result<std::vector<JournalRecord>> read_journal_file(const std::string& path, const JournalQuery& query) {
  auto db = open_configured(path, OpenMode::read_only);  // a missing file is an error, not a new store
  if (!db) return db.error();
  return query_journal(*db, query);
}

}  // namespace hie::store
