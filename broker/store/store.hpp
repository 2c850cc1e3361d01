#pragma once
// The durable store: the one place the broker's state lives. Backends (SQLite embedded, later
// PostgreSQL) hide behind this interface so nothing else knows which one runs.

#include <functional>
#include <vector>

#include "broker/core/result.hpp"
#include "broker/store/journal.hpp"

namespace hie::store {

/// Counters for /metrics and the dashboard; a snapshot, read from any thread.
struct StoreStats {
  std::uint64_t commits = 0;
  std::uint64_t messages = 0;    ///< rows written (duplicates excluded)
  std::uint64_t duplicates = 0;
  std::uint64_t failures = 0;    ///< appends answered with an error
  std::uint64_t last_batch = 0;  ///< messages in the last commit
  double last_commit_seconds = 0;
  std::size_t pending = 0;       ///< waiting for the next commit
};

class Store {
 public:
  using AppendDone = std::move_only_function<void(Result<Appended>)>;

  virtual ~Store() = default;

  /// Queues `message` for the journal. `done` runs once, on the store's own thread, after the
  /// message is durable (or with the error that stopped it: I/O failure, store stopping, queue
  /// full). Never blocks; callable from any thread.
  virtual void append(InboundMessage message, AppendDone done) = 0;

  /// Journal rows in id order. Blocking: not for I/O threads.
  virtual Result<std::vector<JournalRecord>> read_journal(const JournalQuery& query) = 0;

  virtual StoreStats stats() const = 0;
};

}  // namespace hie::store
