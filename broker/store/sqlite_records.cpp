// SqliteStore's patient-facing records: stored resources read for queries, consents and the
// audit trail. Writes run on the store thread inside its group commit; reads use the reader.

#include <sqlite3.h>

#include <algorithm>

#include "broker/store/sqlite_store.hpp"

namespace hie::store {
namespace {

// Exchange ids never hold a newline (config checks them), so one column can list them.
std::string join_lines(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : "\n") + item;
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

Status SqliteStore::write(const std::variant<ConsentRecord, AuditRecord>& record) {
  const std::string now = format_utc(std::chrono::system_clock::now());
  if (const auto* consent = std::get_if<ConsentRecord>(&record)) {
    auto stmt = writer_.prepare(
        "INSERT INTO consents (nhs_number, opt_out, denied_exchanges, updated, updated_by, json) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (nhs_number) DO UPDATE SET opt_out = excluded.opt_out, "
        "denied_exchanges = excluded.denied_exchanges, updated = excluded.updated, "
        "updated_by = excluded.updated_by, json = excluded.json");
    if (!stmt) return stmt.error();
    std::vector<std::string> denied = consent->denied_exchanges;
    std::sort(denied.begin(), denied.end());
    denied.erase(std::unique(denied.begin(), denied.end()), denied.end());
    stmt->bind(1, consent->nhs_number).bind(2, std::int64_t{consent->opt_out ? 1 : 0}).bind(3, join_lines(denied));
    stmt->bind(4, now).bind(5, consent->updated_by).bind(6, consent->json);
    return stmt->run();
  }
  const auto& audit = std::get<AuditRecord>(record);
  auto stmt = writer_.prepare("INSERT INTO audit_events (recorded, patient_key, json) VALUES (?1, ?2, ?3)");
  if (!stmt) return stmt.error();
  stmt->bind(1, audit.recorded.empty() ? now : audit.recorded).bind(2, audit.patient_key).bind(3, audit.json);
  return stmt->run();
}

Result<std::vector<StoredResource>> SqliteStore::stored_resources(const std::string& exchange,
                                                                  const std::vector<std::string>& patient_keys) {
  std::lock_guard lock(reader_mutex_);
  auto stmt = reader_.prepare(
      "SELECT resource_type, resource_key, patient_key, journal_id, json FROM stored_resources "
      "WHERE exchange = ?1 AND patient_key = ?2 ORDER BY resource_type, resource_key");
  if (!stmt) return stmt.error();
  std::vector<StoredResource> out;
  std::vector<std::string> keys = patient_keys;
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  for (const auto& key : keys) {
    stmt->bind(1, exchange).bind(2, key);
    while (true) {
      auto row = stmt->step();
      if (!row) return row.error();
      if (!*row) break;
      out.push_back({exchange, stmt->column_text(0), stmt->column_text(1), stmt->column_text(2),
                     stmt->column_int(3), stmt->column_text(4)});
    }
    stmt->reset();
  }
  return out;
}

Result<std::optional<ConsentRecord>> SqliteStore::consent(const std::string& nhs_number) {
  std::lock_guard lock(reader_mutex_);
  auto stmt = reader_.prepare(
      "SELECT opt_out, denied_exchanges, updated, updated_by, json FROM consents WHERE nhs_number = ?1");
  if (!stmt) return stmt.error();
  stmt->bind(1, nhs_number);
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return std::optional<ConsentRecord>{};
  return std::optional<ConsentRecord>{ConsentRecord{nhs_number, stmt->column_int(0) != 0,
                                                    split_lines(stmt->column_text(1)), stmt->column_text(2),
                                                    stmt->column_text(3), stmt->column_text(4)}};
}

Result<std::vector<AuditRecord>> SqliteStore::audit_events(const AuditQuery& query) {
  std::lock_guard lock(reader_mutex_);
  auto stmt = reader_.prepare(
      "SELECT id, recorded, patient_key, json FROM audit_events WHERE patient_key = ?1 "
      "AND (?2 = 0 OR id < ?2) ORDER BY id DESC LIMIT ?3");
  if (!stmt) return stmt.error();
  stmt->bind(1, query.patient_key).bind(2, query.before_id).bind(3, static_cast<std::int64_t>(query.limit));
  std::vector<AuditRecord> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back({stmt->column_int(0), stmt->column_text(1), stmt->column_text(2), stmt->column_text(3)});
  }
  return out;
}

}  // namespace hie::store
