#include "broker/store/sqlite_events.hpp"

#include <sqlite3.h>

#include <string_view>

#include "broker/store/journal.hpp"

namespace hie::store {

std::string_view to_string(SubscriptionScope scope) {
  switch (scope) {
    case SubscriptionScope::held: return "held";
    case SubscriptionScope::listed: return "listed";
    case SubscriptionScope::all: return "all";
  }
  return "held";
}

std::string_view to_string(DeliveryState state) {
  switch (state) {
    case DeliveryState::pending: return "pending";
    case DeliveryState::delivered: return "delivered";
    case DeliveryState::dead: return "dead";
  }
  return "pending";
}

namespace sqlite_events {
namespace {

constexpr std::string_view kNhsNumberSystem = "https://fhir.nhs.uk/Id/nhs-number";

/// Whether subscription `s` selects the event whose id is EVENT (and whose kind is KIND): the
/// kind is one it asked for, the subscriber is not the event's source, and the patient is
/// covered: any patient, one it listed, or one the record locator says it holds (by any of
/// the patient's identifiers, or through the NHS number).
std::string selects(std::string_view event, std::string_view kind, std::string_view source) {
  std::string e(event);
  return "instr(s.kinds, ' ' || " + std::string(kind) + " || ' ') > 0 AND s.subscriber != " + std::string(source) +
         " AND (s.scope = 'all'"
         " OR (s.scope = 'listed' AND EXISTS (SELECT 1 FROM subscription_patients p JOIN event_identifiers i"
         " ON i.system = p.system AND i.value = p.value WHERE p.subscription = s.id AND i.event_id = " + e + "))"
         " OR (s.scope = 'held' AND EXISTS (SELECT 1 FROM event_identifiers i JOIN patient_locations l"
         " ON l.exchange = s.subscriber AND l.system = i.system AND l.value = i.value WHERE i.event_id = " + e + "))"
         " OR (s.scope = 'held' AND EXISTS (SELECT 1 FROM event_identifiers i JOIN patient_locations l"
         " ON l.exchange = s.subscriber AND l.nhs_number = i.value WHERE i.event_id = " + e +
         " AND i.system = '" + std::string(kNhsNumberSystem) + "')))";
}

std::string joined_kinds(const std::vector<std::string>& kinds) {
  std::string out = " ";
  for (const auto& k : kinds) out += k + " ";
  return out;
}

std::vector<std::string> split_kinds(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) out.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::size_t changes(Database& db) { return static_cast<std::size_t>(sqlite3_changes(db.handle())); }

constexpr std::string_view kSelectDelivery =
    "SELECT d.seq, d.subscriber, d.state, d.attempts, d.next_attempt, d.last_error, d.enqueued, "
    "coalesce(d.settled, ''), e.id, e.journal_id, e.source, e.kind, e.patient_key, e.occurred, "
    "CASE WHEN ?1 THEN e.fhir_json ELSE '' END FROM deliveries d JOIN events e ON e.id = d.event_id ";

Result<std::vector<DeliveryRecord>> collect_deliveries(Statement& stmt) {
  std::vector<DeliveryRecord> out;
  while (true) {
    auto row = stmt.step();
    if (!row) return row.error();
    if (!*row) break;
    DeliveryRecord d;
    d.seq = stmt.column_int(0);
    d.subscriber = stmt.column_text(1);
    d.state = stmt.column_text(2);
    d.attempts = stmt.column_int(3);
    d.next_attempt = stmt.column_text(4);
    d.last_error = stmt.column_text(5);
    d.enqueued = stmt.column_text(6);
    d.settled = stmt.column_text(7);
    d.event.id = stmt.column_text(8);
    d.event.journal_id = stmt.column_int(9);
    d.event.source = stmt.column_text(10);
    d.event.kind = stmt.column_text(11);
    d.event.patient_key = stmt.column_text(12);
    d.event.occurred = stmt.column_text(13);
    d.event.fhir_json = stmt.column_text(14);
    out.push_back(std::move(d));
  }
  return out;
}

/// Moves one delivery to the end of its subscriber's queue, pending again with no attempts.
Status requeue(Database& db, std::int64_t seq, const std::string& now) {
  auto stmt = db.prepare(
      "UPDATE deliveries SET seq = (SELECT max(seq) + 1 FROM deliveries), state = 'pending', attempts = 0, "
      "next_attempt = ?2, last_error = '', settled = NULL WHERE seq = ?1");
  if (!stmt) return stmt.error();
  stmt->bind(1, seq).bind(2, now);
  return stmt->run();
}

Result<std::size_t> replay_dead(Database& db, const ReplayRequest& request, const std::string& now) {
  auto dead = db.prepare(
      "SELECT seq FROM deliveries WHERE state = 'dead' AND subscriber = ?1 AND (?2 = 0 OR seq = ?2) ORDER BY seq");
  if (!dead) return dead.error();
  dead->bind(1, request.subscriber).bind(2, request.what == ReplayRequest::What::dead_letter ? request.seq : 0);
  std::vector<std::int64_t> seqs;
  while (true) {
    auto row = dead->step();
    if (!row) return row.error();
    if (!*row) break;
    seqs.push_back(dead->column_int(0));
  }
  for (auto seq : seqs)
    if (auto done = requeue(db, seq, now); !done) return done.error();
  return seqs.size();
}

/// The events of [from, to) that the subscriber's subscriptions select, delivered again: their
/// earlier deliveries are replaced by new ones at the end of the queue, in event order.
Result<std::size_t> replay_range(Database& db, const ReplayRequest& request, const std::string& now) {
  const std::string selected = "SELECT e.id FROM events e WHERE e.occurred >= ?2 AND e.occurred < ?3 AND EXISTS "
                               "(SELECT 1 FROM subscriptions s WHERE s.subscriber = ?1 AND " +
                               selects("e.id", "e.kind", "e.source") + ")";
  auto forget = db.prepare("DELETE FROM deliveries WHERE subscriber = ?1 AND event_id IN (" + selected + ")");
  if (!forget) return forget.error();
  forget->bind(1, request.subscriber).bind(2, request.from).bind(3, request.to);
  if (auto done = forget->run(); !done) return done.error();
  auto insert = db.prepare(
      "INSERT INTO deliveries (subscriber, event_id, patient_key, state, next_attempt, enqueued) "
      "SELECT ?1, e.id, e.patient_key, 'pending', ?4, ?4 FROM events e WHERE e.id IN (" + selected +
      ") ORDER BY e.occurred, e.journal_id, e.id");
  if (!insert) return insert.error();
  insert->bind(1, request.subscriber).bind(2, request.from).bind(3, request.to).bind(4, now);
  if (auto done = insert->run(); !done) return done.error();
  return changes(db);
}

}  // namespace

Status write_events(Database& db, const std::vector<EventRecord>& events, const std::string& now) {
  if (events.empty()) return {};
  auto event = db.prepare(
      "INSERT INTO events (id, journal_id, source, kind, patient_key, occurred, fhir_json) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (id) DO NOTHING");
  auto identifier = db.prepare(
      "INSERT INTO event_identifiers (event_id, system, value) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING");
  auto deliveries = db.prepare(
      "INSERT INTO deliveries (subscriber, event_id, patient_key, state, next_attempt, enqueued) "
      "SELECT DISTINCT s.subscriber, ?1, ?2, 'pending', ?3, ?3 FROM subscriptions s WHERE " +
      selects("?1", "?4", "?5") + " ORDER BY s.subscriber ON CONFLICT (subscriber, event_id) DO NOTHING");
  for (auto* prepared : {&event, &identifier, &deliveries})
    if (!*prepared) return prepared->error();
  for (const auto& e : events) {
    event->bind(1, e.id).bind(2, e.journal_id).bind(3, e.source).bind(4, e.kind).bind(5, e.patient_key);
    event->bind(6, e.occurred).bind(7, e.fhir_json);
    if (auto done = event->run(); !done) return done;
    if (changes(db) == 0) continue;  // derived before a crash: its deliveries were made then
    for (const auto& id : e.identifiers) {
      identifier->bind(1, e.id).bind(2, id.system).bind(3, id.value);
      if (auto done = identifier->run(); !done) return done;
    }
    deliveries->bind(1, e.id).bind(2, e.patient_key).bind(3, now).bind(4, e.kind).bind(5, e.source);
    if (auto done = deliveries->run(); !done) return done;
  }
  return {};
}

Result<std::size_t> write_subscriptions(Database& db, const SubscriptionChange& change, const std::string& now) {
  const std::string which = "origin = ?1 AND (?2 = '' OR subscriber = ?2)";
  auto forget_patients = db.prepare("DELETE FROM subscription_patients WHERE subscription IN "
                                    "(SELECT id FROM subscriptions WHERE " + which + ")");
  auto forget = db.prepare("DELETE FROM subscriptions WHERE " + which);
  auto insert = db.prepare(
      "INSERT INTO subscriptions (id, subscriber, origin, kinds, scope, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  auto patient = db.prepare(
      "INSERT INTO subscription_patients (subscription, system, value) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING");
  for (auto* prepared : {&forget_patients, &forget, &insert, &patient})
    if (!*prepared) return prepared->error();
  for (auto* stmt : {&forget_patients, &forget}) {
    (*stmt)->bind(1, change.origin).bind(2, change.subscriber);
    if (auto done = (*stmt)->run(); !done) return done.error();
  }
  for (const auto& s : change.subscriptions) {
    insert->bind(1, s.id).bind(2, s.subscriber).bind(3, s.origin).bind(4, joined_kinds(s.kinds));
    insert->bind(5, to_string(s.scope)).bind(6, now);
    if (auto done = insert->run(); !done) return done.error();
    for (const auto& p : s.patients) {
      patient->bind(1, s.id).bind(2, p.system).bind(3, p.value);
      if (auto done = patient->run(); !done) return done.error();
    }
  }
  return change.subscriptions.size();
}

Result<std::size_t> write_settlements(Database& db, const std::vector<DeliverySettlement>& settlements,
                                      const std::string& now) {
  auto stmt = db.prepare(
      "UPDATE deliveries SET state = ?2, attempts = ?3, next_attempt = ?4, last_error = ?5, "
      "settled = CASE WHEN ?2 = 'pending' THEN NULL ELSE ?6 END WHERE seq = ?1 AND state = 'pending'");
  if (!stmt) return stmt.error();
  std::size_t changed = 0;
  for (const auto& s : settlements) {
    stmt->bind(1, s.seq).bind(2, to_string(s.state)).bind(3, s.attempts).bind(4, format_utc(s.next_attempt));
    stmt->bind(5, s.error).bind(6, now);
    if (auto done = stmt->run(); !done) return done.error();
    changed += changes(db);
  }
  return changed;
}

Result<std::size_t> write_replay(Database& db, const ReplayRequest& request, const std::string& now) {
  if (request.what == ReplayRequest::What::time_range) return replay_range(db, request, now);
  return replay_dead(db, request, now);
}

Result<std::vector<SubscriptionRecord>> read_subscriptions(Database& db) {
  auto stmt = db.prepare("SELECT id, subscriber, origin, kinds, scope FROM subscriptions ORDER BY subscriber, id");
  auto patients = db.prepare("SELECT system, value FROM subscription_patients WHERE subscription = ?1 "
                             "ORDER BY system, value");
  if (!stmt) return stmt.error();
  if (!patients) return patients.error();
  std::vector<SubscriptionRecord> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) break;
    SubscriptionRecord s;
    s.id = stmt->column_text(0);
    s.subscriber = stmt->column_text(1);
    s.origin = stmt->column_text(2);
    s.kinds = split_kinds(stmt->column_text(3));
    const std::string scope = stmt->column_text(4);
    s.scope = scope == "all" ? SubscriptionScope::all
              : scope == "listed" ? SubscriptionScope::listed
                                  : SubscriptionScope::held;
    out.push_back(std::move(s));
  }
  for (auto& s : out) {
    patients->bind(1, s.id);
    while (true) {
      auto row = patients->step();
      if (!row) return row.error();
      if (!*row) break;
      s.patients.push_back({patients->column_text(0), patients->column_text(1)});
    }
    patients->reset();
  }
  return out;
}

Result<std::vector<DeliveryRecord>> read_pending(Database& db, const DeliveryQuery& query) {
  auto stmt = db.prepare(std::string(kSelectDelivery) +
                         (query.patient_key.empty()
                              ? "WHERE d.subscriber = ?2 AND d.state = 'pending' AND d.seq > ?3 "
                              : "WHERE d.subscriber = ?2 AND d.patient_key = ?5 AND d.state = 'pending' AND d.seq > ?3 ") +
                         "ORDER BY d.seq LIMIT ?4");
  if (!stmt) return stmt.error();
  stmt->bind(1, std::int64_t{query.with_payload}).bind(2, query.subscriber).bind(3, query.after_seq);
  stmt->bind(4, static_cast<std::int64_t>(query.limit));
  if (!query.patient_key.empty()) stmt->bind(5, query.patient_key);
  return collect_deliveries(*stmt);
}

Result<std::vector<DeliveryRecord>> read_dead_letters(Database& db, const DeliveryQuery& query) {
  auto stmt = db.prepare(std::string(kSelectDelivery) +
                         "WHERE d.state = 'dead' AND (?2 = '' OR d.subscriber = ?2) AND (?3 = 0 OR d.seq < ?3) "
                         "ORDER BY d.seq DESC LIMIT ?4");
  if (!stmt) return stmt.error();
  stmt->bind(1, std::int64_t{query.with_payload}).bind(2, query.subscriber).bind(3, query.before_seq);
  stmt->bind(4, static_cast<std::int64_t>(query.limit));
  return collect_deliveries(*stmt);
}

Result<std::vector<BacklogRecord>> read_backlogs(Database& db) {
  auto stmt = db.prepare(
      "SELECT subscriber, sum(pending), sum(dead), coalesce(min(enqueued), '') FROM ("
      "SELECT subscriber, 1 AS pending, 0 AS dead, enqueued FROM deliveries WHERE state = 'pending' UNION ALL "
      "SELECT subscriber, 0, 1, NULL FROM deliveries WHERE state = 'dead') GROUP BY subscriber ORDER BY subscriber");
  if (!stmt) return stmt.error();
  std::vector<BacklogRecord> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back({stmt->column_text(0), stmt->column_int(1), stmt->column_int(2), stmt->column_text(3)});
  }
  return out;
}

}  // namespace sqlite_events
}  // namespace hie::store
