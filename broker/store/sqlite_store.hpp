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
#include <variant>

#include "broker/store/sqlite.hpp"
#include "broker/store/store.hpp"

namespace prometheus {
class Registry;
}

namespace hie::store {

class StoreMetrics;

struct SqliteOptions {
  std::string path;
  std::size_t max_batch = 512;       ///< messages per commit at most
  std::size_t max_pending = 10'000;  ///< appends waiting beyond this are refused (back-pressure)
  /// Where the hie_store_* write metrics go (store_metrics.hpp); none when null. Outlives the store.
  prometheus::Registry* registry = nullptr;
};

class SqliteStore final : public Store {
 public:
  /// Opens or creates the file, sets WAL + synchronous=FULL, migrates, starts the store thread.
  static Result<std::unique_ptr<SqliteStore>> open(SqliteOptions options);
  /// Commits what is queued, then stops the store thread.
  ~SqliteStore() override;

  void append(InboundMessage message, AppendDone done) override;
  Result<std::vector<JournalRecord>> read_journal(const JournalQuery& query) override;
  Result<std::vector<JournalRecord>> pending_translations(std::size_t limit) override;
  void record_translations(TranslationBatch batch, WriteDone done) override;
  Result<PatientLocation> locate(const PatientIdentity& identity) override;
  void prune(PruneRequest request, PruneDone done) override;
  Result<std::vector<StoredResource>> stored_resources(const std::string& exchange,
                                                       const std::vector<std::string>& patient_keys) override;
  Result<std::optional<ConsentRecord>> consent(const std::string& nhs_number) override;
  void put_consent(ConsentRecord record, WriteDone done) override;
  void append_audit(AuditRecord record, WriteDone done) override;
  Result<std::vector<AuditRecord>> audit_events(const AuditQuery& query) override;
  void replace_subscriptions(SubscriptionChange change, WriteDone done) override;
  Result<std::vector<SubscriptionRecord>> subscriptions() override;
  Result<std::vector<DeliveryRecord>> pending_deliveries(const DeliveryQuery& query) override;
  Result<std::vector<DeliveryRecord>> dead_letters(const DeliveryQuery& query) override;
  void settle_deliveries(std::vector<DeliverySettlement> settlements, WriteDone done) override;
  Result<std::vector<BacklogRecord>> backlogs() override;
  void replay(ReplayRequest request, CountDone done) override;
  void prune_events(EventPruneRequest request, EventPruneDone done) override;  // sqlite_event_retention.cpp
  StoreStats stats() const override;

 private:
  struct PendingAppend {
    InboundMessage message;
    AppendDone done;
  };
  struct PendingTranslations {
    TranslationBatch batch;
    WriteDone done;
  };
  struct PendingPrune {
    PruneRequest request;
    PruneDone done;
    PrunedRows deleted{};
  };
  /// A consent or an audit row: written in the next commit like everything else.
  struct PendingRecord {
    std::variant<ConsentRecord, AuditRecord> record;
    WriteDone done;
  };
  /// Any other write: run in the next commit, `done` gets what it counted.
  struct PendingWork {
    std::move_only_function<Result<std::size_t>(Database&, const std::string& now)> work;
    CountDone done;
    std::size_t count = 0;
  };
  using Pending = std::variant<PendingAppend, PendingTranslations, PendingPrune, PendingRecord, PendingWork>;
  /// The writer's prepared statements, made once.
  struct Statements {
    Statement insert, find_accepted, set_translation, upsert_location, upsert_replaced, upsert_resource;
    Statement prune_journal, prune_resources;
  };

  SqliteStore(SqliteOptions options, Database writer, Database reader);
  void enqueue(Pending pending);
  void run();
  void commit(std::deque<Pending>& batch);
  Result<Appended> write(const InboundMessage& message);
  Status write(const TranslationBatch& batch);
  Result<PrunedRows> write(const PruneRequest& request);
  Status write(const std::variant<ConsentRecord, AuditRecord>& record);

  SqliteOptions options_;
  Database writer_;  // used by the store thread only
  std::optional<Statements> statements_;
  std::mutex reader_mutex_;
  Database reader_;  // lookups from other threads, one at a time

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  bool stopping_ = false;

  std::atomic<std::uint64_t> commits_{0}, messages_{0}, duplicates_{0}, failures_{0}, last_batch_{0};
  std::atomic<double> last_commit_seconds_{0};
  std::unique_ptr<StoreMetrics> metrics_;  // null without a registry
  std::thread thread_;
};

/// Opens `path` read-only and reads journal rows: for `hiebroker journal`, which may run while
/// the broker writes (WAL lets readers and the writer proceed together).
Result<std::vector<JournalRecord>> read_journal_file(const std::string& path, const JournalQuery& query);

}  // namespace hie::store
