#pragma once
// The embedded store: one SQLite file in WAL mode, written by one store thread that commits
// whatever has queued up as one transaction (group commit), so many messages share one fsync
// and the I/O threads never wait on the disk.

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "broker/store/sqlite.hpp"
#include "broker/store/store.hpp"

namespace hie::store {

struct SqliteOptions {
  std::string path;
  std::size_t max_batch = 512;       ///< messages per commit at most
  std::size_t max_pending = 10'000;  ///< appends waiting beyond this are refused (back-pressure)
};

class SqliteStore final : public Store {
 public:
  /// Opens or creates the file, sets WAL + synchronous=FULL, migrates, starts the store thread.
  static Result<std::unique_ptr<SqliteStore>> open(SqliteOptions options);
  /// Commits what is queued, then stops the store thread.
  ~SqliteStore() override;

  void append(InboundMessage message, AppendDone done) override;
  Result<std::vector<JournalRecord>> read_journal(const JournalQuery& query) override;
  StoreStats stats() const override;

 private:
  struct Pending {
    InboundMessage message;
    AppendDone done;
  };
  SqliteStore(SqliteOptions options, Database writer);
  void run();
  void commit(std::deque<Pending>& batch);
  Result<Appended> write(const InboundMessage& message);

  SqliteOptions options_;
  Database writer_;  // used by the store thread only
  std::optional<Statement> insert_;
  std::optional<Statement> find_accepted_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  bool stopping_ = false;

  std::atomic<std::uint64_t> commits_{0}, messages_{0}, duplicates_{0}, failures_{0}, last_batch_{0};
  std::atomic<double> last_commit_seconds_{0};
  std::thread thread_;
};

/// Opens `path` read-only and reads journal rows: for `hiebroker journal`, which may run while
/// the broker writes (WAL lets readers and the writer proceed together).
Result<std::vector<JournalRecord>> read_journal_file(const std::string& path, const JournalQuery& query);

}  // namespace hie::store
