#pragma once
// The durable store: the one place the broker's state lives. Backends (SQLite embedded, later
// PostgreSQL) hide behind this interface so nothing else knows which one runs.

#include <chrono>
#include <functional>
#include <optional>
#include <vector>

#include "broker/core/result.hpp"
#include "broker/store/events.hpp"
#include "broker/store/journal.hpp"
#include "broker/store/patient_identity.hpp"

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

/// Where a patient's records are, as the record locator knows it.
struct PatientLocation {
  std::vector<std::string> exchanges;  ///< sorted
  std::string nhs_number;              ///< the NHS number the identifier is cross-referenced to, if any
};

/// What the record locator learns from one patient in one translated message.
struct PatientSighting {
  std::string exchange;
  std::vector<PatientIdentity> identifiers;  ///< the patient's, as the message carried them
  std::vector<PatientIdentity> replaced;     ///< records this patient replaces (a merge)
};

/// A translated resource kept for a stored-mode exchange; a newer one with the same key replaces it.
struct StoredResource {
  std::string exchange;
  std::string resource_type;
  std::string key;          ///< its first identifier "system|value", else its id
  std::string patient_key;  ///< the subject's NHS number or first identifier "system|value"
  std::int64_t journal_id = 0;
  std::string json;
};

/// A patient's sharing choice; a patient without one shares with every exchange.
struct ConsentRecord {
  std::string nhs_number;
  bool opt_out = false;                       ///< share nothing with anyone
  std::vector<std::string> denied_exchanges;  ///< exchanges whose records are not shared; sorted
  std::string updated;                        ///< instant, set by the store on write
  std::string updated_by;                     ///< "patient", or "operator"; never a name
  std::string json;                           ///< the Consent resource as recorded
};

/// One AuditEvent as written; the store assigns `id` and never changes a row.
struct AuditRecord {
  std::int64_t id = 0;
  std::string recorded;     ///< instant
  std::string patient_key;  ///< the NHS number queried, else "system|value"; "" when none
  std::string json;         ///< the AuditEvent resource
};

/// Audit rows of one patient, newest first, `limit` at most, older than `before_id` when set.
struct AuditQuery {
  std::string patient_key;
  std::size_t limit = 100;
  std::int64_t before_id = 0;
};

/// The fate of one journaled message's translation.
enum class TranslationState { pending, translated, failed, skipped };
std::string_view to_string(TranslationState state);

struct JournalTranslation {
  std::int64_t journal_id = 0;
  TranslationState state = TranslationState::translated;
  std::string detail;  ///< "3 issues", "no adapter for format x"; never patient data
};

/// Everything one round of translation writes, committed together.
struct TranslationBatch {
  std::vector<JournalTranslation> journal;
  std::vector<PatientSighting> sightings;
  std::vector<StoredResource> resources;
  /// Events derived from the messages; each gets one delivery per matching subscription.
  std::vector<EventRecord> events;
};

/// One bounded step of retention: rows of one exchange older than a moment.
struct PruneRequest {
  std::string exchange;
  std::chrono::system_clock::time_point older_than;
  std::size_t batch = 500;  ///< rows per table at most, so one transaction stays short
};

/// Rows one step of an exchange's retention deleted.
struct PrunedRows {
  std::size_t journal = 0;
  std::size_t stored_resources = 0;
};

class Store {
 public:
  using AppendDone = std::move_only_function<void(Result<Appended>)>;
  using WriteDone = std::move_only_function<void(Status)>;
  using PruneDone = std::move_only_function<void(Result<PrunedRows>)>;
  using EventPruneDone = std::move_only_function<void(Result<EventPruneStep>)>;
  using CountDone = std::move_only_function<void(Result<std::size_t>)>;

  virtual ~Store() = default;

  /// Queues `message` for the journal. `done` runs once, on the store's own thread, after the
  /// message is durable (or with the error that stopped it: I/O failure, store stopping, queue
  /// full). Never blocks; callable from any thread.
  virtual void append(InboundMessage message, AppendDone done) = 0;

  /// Journal rows in id order. Blocking: not for I/O threads.
  virtual Result<std::vector<JournalRecord>> read_journal(const JournalQuery& query) = 0;

  /// Accepted messages not yet translated, oldest first, with their payloads. Blocking.
  virtual Result<std::vector<JournalRecord>> pending_translations(std::size_t limit) = 0;
  /// Commits a round of translation in one transaction, in order with appends; `done` runs on
  /// the store's thread.
  virtual void record_translations(TranslationBatch batch, WriteDone done) = 0;
  /// Exchanges known to hold the patient with this identifier, directly or through the NHS
  /// number another of the patient's identifiers was seen with. Blocking.
  virtual Result<PatientLocation> locate(const PatientIdentity& identity) = 0;
  /// Resources kept for the stored-mode `exchange` filed under any of `patient_keys`, in key
  /// order. Blocking.
  virtual Result<std::vector<StoredResource>> stored_resources(const std::string& exchange,
                                                               const std::vector<std::string>& patient_keys) = 0;
  /// The patient's consent, if one was recorded. Blocking.
  virtual Result<std::optional<ConsentRecord>> consent(const std::string& nhs_number) = 0;
  /// Replaces the patient's consent; `done` runs on the store's thread once it is durable.
  virtual void put_consent(ConsentRecord record, WriteDone done) = 0;
  /// Appends an AuditEvent; `done` runs on the store's thread once it is durable.
  virtual void append_audit(AuditRecord record, WriteDone done) = 0;
  /// Blocking.
  virtual Result<std::vector<AuditRecord>> audit_events(const AuditQuery& query) = 0;
  /// Deletes at most `batch` journal rows (never one still waiting for translation, nor the
  /// newest row, whose id would otherwise be given out again) and `batch` stored resources of
  /// the exchange older than `older_than`, in one short transaction queued with the appends;
  /// `done` gets the rows deleted.
  virtual void prune(PruneRequest request, PruneDone done) = 0;

  // Events (events.hpp). Writes are committed in order with everything else; `done` runs on
  // the store's thread. Reads are blocking.

  /// Replaces the subscriptions `change` names.
  virtual void replace_subscriptions(SubscriptionChange change, WriteDone done) = 0;
  virtual Result<std::vector<SubscriptionRecord>> subscriptions() = 0;
  /// Pending deliveries of one subscriber after `after_seq`, in seq order, with their events.
  virtual Result<std::vector<DeliveryRecord>> pending_deliveries(const DeliveryQuery& query) = 0;
  /// Dead letters of one subscriber (every subscriber when empty), newest first.
  virtual Result<std::vector<DeliveryRecord>> dead_letters(const DeliveryQuery& query) = 0;
  virtual void settle_deliveries(std::vector<DeliverySettlement> settlements, WriteDone done) = 0;
  /// Pending and dead deliveries per subscriber that has any.
  virtual Result<std::vector<BacklogRecord>> backlogs() = 0;
  /// Puts deliveries back in line at the end of the subscriber's queue; `done` gets how many.
  virtual void replay(ReplayRequest request, CountDone done) = 0;
  /// One step of event retention (EventPruneRequest), one short transaction queued with the
  /// appends.
  virtual void prune_events(EventPruneRequest request, EventPruneDone done) = 0;

  virtual StoreStats stats() const = 0;
};

}  // namespace hie::store
