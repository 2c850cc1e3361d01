#include "broker/store/sqlite_store.hpp"

#include <chrono>

#include "broker/store/migrations.hpp"

namespace hie::store {
namespace {

// synchronous=FULL: in WAL mode every commit syncs the WAL, so a message that was ACKed
// survives power loss, not only a crash of the broker (NORMAL would only guarantee the latter).
// Group commit pays that fsync once per batch. busy_timeout lets `hiebroker journal` and a
// backup read while the broker writes.
constexpr std::string_view kPragmas =
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;";

Result<std::vector<JournalRecord>> query_journal(Database& db, const JournalQuery& query) {
  auto stmt = db.prepare(
      "SELECT id, exchange, control_id, format, received, status, detail, length(payload), "
      "CASE WHEN ?1 THEN payload END FROM journal "
      "WHERE id > ?2 AND (?3 = '' OR exchange = ?3) ORDER BY id LIMIT ?4");
  if (!stmt) return stmt.error();
  stmt->bind(1, std::int64_t{query.with_payload});
  stmt->bind(2, query.after_id);
  stmt->bind(3, query.exchange);
  stmt->bind(4, static_cast<std::int64_t>(query.limit));
  std::vector<JournalRecord> rows;
  while (true) {
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) break;
    JournalRecord r;
    r.id = stmt->column_int(0);
    r.exchange = stmt->column_text(1);
    r.control_id = stmt->column_text(2);
    r.format = stmt->column_text(3);
    r.received = stmt->column_text(4);
    r.status = stmt->column_text(5);
    r.detail = stmt->column_text(6);
    r.bytes = stmt->column_int(7);
    if (query.with_payload) r.payload = stmt->column_text(8);
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(SqliteOptions options) {
  auto db = Database::open(options.path);
  if (!db) return db.error();
  if (auto set = db->exec(kPragmas); !set) return set.error();
  if (auto migrated = migrate(*db); !migrated) return migrated.error();
  std::unique_ptr<SqliteStore> store(new SqliteStore(std::move(options), std::move(*db)));
  auto insert = store->writer_.prepare(
      "INSERT INTO journal (exchange, control_id, format, received, status, detail, payload) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
      "ON CONFLICT (exchange, control_id) WHERE status = 'accepted' DO NOTHING RETURNING id");
  if (!insert) return insert.error();
  auto find = store->writer_.prepare(
      "SELECT id FROM journal WHERE exchange = ?1 AND control_id = ?2 AND status = 'accepted'");
  if (!find) return find.error();
  store->insert_.emplace(std::move(*insert));
  store->find_accepted_.emplace(std::move(*find));
  store->thread_ = std::thread([s = store.get()] { s->run(); });
  return store;
}

SqliteStore::SqliteStore(SqliteOptions options, Database writer)
    : options_(std::move(options)), writer_(std::move(writer)) {}

SqliteStore::~SqliteStore() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  // Statements before the connection they belong to.
  insert_.reset();
  find_accepted_.reset();
}

void SqliteStore::append(InboundMessage message, AppendDone done) {
  std::unique_lock lock(mutex_);
  if (stopping_ || queue_.size() >= options_.max_pending) {
    const bool stopping = stopping_;
    lock.unlock();
    ++failures_;
    done(make_error(stopping ? Errc::unsupported : Errc::limit_exceeded,
                    stopping ? "the store is stopping" : "the store is busy: too many messages waiting", "store"));
    return;
  }
  queue_.push_back({std::move(message), std::move(done)});
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
    }
    commit(batch);
    batch.clear();
  }
}

Result<Appended> SqliteStore::write(const InboundMessage& m) {
  const bool keyed = m.status == JournalStatus::accepted && !m.control_id.empty();
  Statement& insert = *insert_;
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
  Statement& find = *find_accepted_;
  find.bind(1, m.exchange).bind(2, m.control_id);
  auto found = find.step();
  const std::int64_t existing = found && *found ? find.column_int(0) : 0;
  find.reset();
  if (!found) return found.error();
  return Appended{existing, true};
}

void SqliteStore::commit(std::deque<Pending>& batch) {
  const auto started = std::chrono::steady_clock::now();
  std::vector<Result<Appended>> results;
  results.reserve(batch.size());
  Status status = writer_.exec("BEGIN IMMEDIATE");
  if (status) {
    for (const Pending& p : batch) {
      auto written = write(p.message);
      if (!written) {
        status = written.error();
        break;
      }
      results.push_back(*written);
    }
  }
  if (status) status = writer_.exec("COMMIT");
  if (!status) {
    (void)writer_.exec("ROLLBACK");
    failures_ += batch.size();
    for (Pending& p : batch) p.done(status.error());
    return;
  }
  last_commit_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ++commits_;
  last_batch_ = batch.size();
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (results[i]->duplicate)
      ++duplicates_;
    else
      ++messages_;
    batch[i].done(std::move(results[i]));
  }
}

Result<std::vector<JournalRecord>> SqliteStore::read_journal(const JournalQuery& query) {
  return read_journal_file(options_.path, query);
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
  auto db = Database::open(path, OpenMode::read_only);  // a missing file is an error, not a new store
  if (!db) return db.error();
  if (auto set = db->exec("PRAGMA busy_timeout=5000;"); !set) return set.error();
  return query_journal(*db, query);
}

}  // namespace hie::store
