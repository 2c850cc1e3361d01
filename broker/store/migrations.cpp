#include "broker/store/migrations.hpp"

#include <array>
#include <string_view>

namespace hie::store {
namespace {

// Append only: a released step never changes, a change is a new step.
constexpr std::array<std::string_view, 7> kSteps = {
    // 1: the journal. control_id is NULL for rows that had none; only accepted rows are unique
    // per (exchange, control_id), so a refused message never blocks its corrected resend.
    R"sql(
CREATE TABLE journal (
  id INTEGER PRIMARY KEY,
  exchange TEXT NOT NULL,
  control_id TEXT,
  format TEXT NOT NULL,
  received TEXT NOT NULL,
  status TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '',
  payload BLOB NOT NULL
);
CREATE UNIQUE INDEX journal_accepted_key ON journal (exchange, control_id) WHERE status = 'accepted';
CREATE INDEX journal_received ON journal (received);
)sql",
    // 2: translation of journaled messages; the record locator; resources kept for stored-mode
    // exchanges (one row per resource, the newest version, keyed by its first identifier).
    R"sql(
ALTER TABLE journal ADD COLUMN translation TEXT NOT NULL DEFAULT 'pending';
ALTER TABLE journal ADD COLUMN translation_detail TEXT NOT NULL DEFAULT '';
CREATE INDEX journal_untranslated ON journal (id) WHERE status = 'accepted' AND translation = 'pending';
CREATE TABLE patient_locations (
  exchange TEXT NOT NULL,
  system TEXT NOT NULL,
  value TEXT NOT NULL,
  nhs_number TEXT,
  replaced_by TEXT,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  PRIMARY KEY (exchange, system, value)
) WITHOUT ROWID;
CREATE INDEX patient_locations_identifier ON patient_locations (system, value);
CREATE INDEX patient_locations_nhs_number ON patient_locations (nhs_number) WHERE nhs_number IS NOT NULL;
CREATE TABLE stored_resources (
  exchange TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  resource_key TEXT NOT NULL,
  patient_key TEXT NOT NULL,
  journal_id INTEGER NOT NULL,
  updated TEXT NOT NULL,
  json TEXT NOT NULL,
  PRIMARY KEY (exchange, resource_type, resource_key)
) WITHOUT ROWID;
CREATE INDEX stored_resources_patient ON stored_resources (patient_key);
)sql",
    // 3: retention finds an exchange's oldest rows without a scan.
    R"sql(
CREATE INDEX journal_exchange_received ON journal (exchange, received);
CREATE INDEX stored_resources_exchange_updated ON stored_resources (exchange, updated);
)sql",
    // 4: patients' consents (one row per patient, replaced on change) and the audit trail
    // (append only: the broker never updates or deletes a row).
    R"sql(
CREATE TABLE consents (
  nhs_number TEXT PRIMARY KEY,
  opt_out INTEGER NOT NULL,
  denied_exchanges TEXT NOT NULL,
  updated TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  json TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE audit_events (
  id INTEGER PRIMARY KEY,
  recorded TEXT NOT NULL,
  patient_key TEXT NOT NULL,
  json TEXT NOT NULL
);
CREATE INDEX audit_events_patient ON audit_events (patient_key, id);
)sql",
    // 5: events between exchanges. `kinds` is space-delimited with a space at each end, so a
    // kind matches with instr(kinds, ' kind '). deliveries.seq orders each subscriber's queue.
    R"sql(
CREATE TABLE subscriptions (
  id TEXT PRIMARY KEY,
  subscriber TEXT NOT NULL,
  origin TEXT NOT NULL,
  kinds TEXT NOT NULL,
  scope TEXT NOT NULL,
  created TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE subscription_patients (
  subscription TEXT NOT NULL,
  system TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (subscription, system, value)
) WITHOUT ROWID;
CREATE INDEX subscription_patients_identifier ON subscription_patients (system, value);
CREATE TABLE events (
  id TEXT PRIMARY KEY,
  journal_id INTEGER NOT NULL,
  source TEXT NOT NULL,
  kind TEXT NOT NULL,
  patient_key TEXT NOT NULL,
  occurred TEXT NOT NULL,
  fhir_json TEXT NOT NULL
);
CREATE INDEX events_occurred ON events (occurred);
CREATE TABLE event_identifiers (
  event_id TEXT NOT NULL,
  system TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (event_id, system, value)
) WITHOUT ROWID;
CREATE TABLE deliveries (
  seq INTEGER PRIMARY KEY,
  subscriber TEXT NOT NULL,
  event_id TEXT NOT NULL,
  patient_key TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt TEXT NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  enqueued TEXT NOT NULL,
  settled TEXT,
  UNIQUE (subscriber, event_id)
);
CREATE INDEX deliveries_pending ON deliveries (subscriber, seq) WHERE state = 'pending';
CREATE INDEX deliveries_dead ON deliveries (subscriber, seq) WHERE state = 'dead';
)sql",
    // 6: event retention finds delivered deliveries by when they settled, and whether any
    // delivery still refers to an event, without a scan.
    R"sql(
CREATE INDEX deliveries_delivered ON deliveries (settled) WHERE state = 'delivered';
CREATE INDEX deliveries_event ON deliveries (event_id);
)sql",
    // 7: the dispatcher reads one patient's next pending deliveries (those it left on disk so
    // that one stuck patient cannot fill its window) without a scan.
    R"sql(
CREATE INDEX deliveries_pending_patient ON deliveries (subscriber, patient_key, seq) WHERE state = 'pending';
)sql",
};

}  // namespace

std::int64_t latest_schema_version() { return static_cast<std::int64_t>(kSteps.size()); }

Status migrate(Database& db) {
  auto version = db.user_version();
  if (!version) return version.error();
  if (*version > latest_schema_version())
    return make_error(Errc::unsupported,
                      "the store has schema version " + std::to_string(*version) + ", newer than this broker's " +
                          std::to_string(latest_schema_version()) + ": upgrade the broker",
                      "store");
  for (std::int64_t step = *version; step < latest_schema_version(); ++step) {
    std::string sql = "BEGIN IMMEDIATE;";
    sql += kSteps[static_cast<std::size_t>(step)];
    sql += "PRAGMA user_version = " + std::to_string(step + 1) + ";COMMIT;";
    if (auto done = db.exec(sql); !done) {
      (void)db.exec("ROLLBACK");
      return make_error(Errc::io_error,
                        "migration to schema version " + std::to_string(step + 1) + " failed: " + done.error().message(),
                        "store");
    }
  }
  return {};
}

}  // namespace hie::store
