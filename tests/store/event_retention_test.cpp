// Event retention: delivered deliveries and the events nothing refers to any more go once older
// than the retention, in bounded steps; pending deliveries and dead letters stay with their events.

#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <sqlite3.h>

#include <future>

#include "broker/store/retention.hpp"
#include "broker/store/sqlite_store.hpp"
#include "tests/support/sqlite_rows.hpp"
#include "tests/support/temp_dir.hpp"

namespace hie::store {
namespace {

using testing::count_rows;
using testing::TempDir;
using namespace std::chrono_literals;

constexpr const char* kNhs = "https://fhir.nhs.uk/Id/nhs-number";

class EventRetention : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = SqliteStore::open({.path = path()});
    ASSERT_TRUE(opened) << opened.error().describe();
    store_ = std::move(*opened);
    // city takes admissions and discharges, gp admissions only; nobody takes new results.
    SubscriptionChange change{"config", "", {}};
    change.subscriptions = {
        {"config:city-hie:0",
         "city-hie",
         "config",
         {"admission", "discharge"},
         SubscriptionScope::all,
         {}},
        {"config:gp-hie:0", "gp-hie", "config", {"admission"}, SubscriptionScope::all, {}}};
    ASSERT_TRUE(
        wait<Status>([&](auto done) { store_->replace_subscriptions(change, std::move(done)); }));
  }

  std::string path() const { return dir_.path("broker.db"); }

  template <class T, class Call>
  static T wait(Call&& call) {
    std::promise<T> answer;
    auto future = answer.get_future();
    call([&answer](T r) { answer.set_value(std::move(r)); });
    return future.get();
  }

  void write_event(const std::string& id, const std::string& kind,
                   std::chrono::system_clock::time_point occurred, std::int64_t journal_id = 7) {
    EventRecord e;
    e.id = id;
    e.journal_id = journal_id;
    e.source = "north-hie";
    e.kind = kind;
    e.patient_key = "9434765919";
    e.identifiers = {{kNhs, "9434765919"}, {"https://north.example/mrn", "N-1"}};
    e.occurred = format_utc(occurred);
    e.fhir_json = R"({"resourceType":"Bundle","type":"collection"})";
    TranslationBatch batch;
    batch.events = {e};
    ASSERT_TRUE(wait<Status>(
        [&](auto done) { store_->record_translations(std::move(batch), std::move(done)); }));
  }

  /// The seq of `subscriber`'s pending delivery of `event_id`; 0 when there is none.
  std::int64_t seq_of(const std::string& subscriber, const std::string& event_id) {
    auto rows = store_->pending_deliveries({.subscriber = subscriber, .limit = 1000});
    EXPECT_TRUE(rows) << rows.error().describe();
    for (const auto& r : rows ? *rows : std::vector<DeliveryRecord>{})
      if (r.event.id == event_id) return r.seq;
    return 0;
  }

  /// Settles the delivery as `state`, settled at `when` (written with plain SQLite, the store
  /// itself only settles at the present).
  void settle(const std::string& subscriber, const std::string& event_id, DeliveryState state,
              std::optional<std::chrono::system_clock::time_point> when = std::nullopt) {
    const auto seq = seq_of(subscriber, event_id);
    ASSERT_NE(seq, 0) << subscriber << " " << event_id;
    ASSERT_TRUE(wait<Status>([&](auto done) {
      store_->settle_deliveries({{seq, state, 1, {}, state == DeliveryState::dead ? "nack" : ""}},
                                std::move(done));
    }));
    if (when)
      execute("UPDATE deliveries SET settled = '" + format_utc(*when) +
              "' WHERE seq = " + std::to_string(seq));
  }

  void execute(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << sql;
  }

  std::int64_t deliveries(const std::string& where = "1") {
    return count_rows(path(), where, "deliveries");
  }
  std::int64_t events(const std::string& where = "1") {
    return count_rows(path(), where, "events");
  }
  std::int64_t identifiers(const std::string& where = "1") {
    return count_rows(path(), where, "event_identifiers");
  }

  EventPruneStep prune_step(std::chrono::system_clock::time_point older_than, std::size_t batch,
                            EventPruneCursor after = {}) {
    auto step = wait<Result<EventPruneStep>>([&](auto done) {
      store_->prune_events({older_than, batch, std::move(after)}, std::move(done));
    });
    EXPECT_TRUE(step) << step.error().describe();
    return step ? *step : EventPruneStep{};
  }

  const std::chrono::system_clock::time_point now_ = std::chrono::system_clock::now();
  TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(EventRetention, DeliveredGoesAfterTheRetentionButPendingAndDeadStayWithTheirEvents) {
  const auto old = now_ - 24h * 10, settled_old = now_ - 24h * 9;
  write_event("ev-1-0", "admission", old);  // delivered to both long ago: goes, with its event
  settle("city-hie", "ev-1-0", DeliveryState::delivered, settled_old);
  settle("gp-hie", "ev-1-0", DeliveryState::delivered, settled_old);
  write_event("ev-2-0", "admission", old);  // gp's is still pending: the event stays
  settle("city-hie", "ev-2-0", DeliveryState::delivered, settled_old);
  write_event("ev-3-0", "admission", old);  // city's is a dead letter: the event stays
  settle("city-hie", "ev-3-0", DeliveryState::dead, settled_old);
  settle("gp-hie", "ev-3-0", DeliveryState::delivered, settled_old);
  write_event("ev-4-0", "discharge", old);  // delivered yesterday: within the retention
  settle("city-hie", "ev-4-0", DeliveryState::delivered, now_ - 24h);
  write_event("ev-5-0", "new-result", old);        // nobody subscribed: no delivery ever, old
  write_event("ev-6-0", "new-result", now_ - 1h);  // nobody subscribed, recent
  ASSERT_EQ(deliveries(), 7);
  ASSERT_EQ(events(), 6);

  Retention retention(*store_, {.delivered_events = 168h}, {.every = 1h, .batch = 500});
  auto deleted = retention.run_once(now_);
  ASSERT_TRUE(deleted) << deleted.error().describe();
  EXPECT_EQ(*deleted, 6u);  // 4 deliveries, 2 events
  EXPECT_EQ(deliveries(), 3);
  EXPECT_EQ(deliveries("event_id = 'ev-2-0' AND subscriber = 'gp-hie' AND state = 'pending'"), 1);
  EXPECT_EQ(deliveries("event_id = 'ev-3-0' AND subscriber = 'city-hie' AND state = 'dead'"), 1);
  EXPECT_EQ(deliveries("event_id = 'ev-4-0' AND state = 'delivered'"), 1);
  EXPECT_EQ(events(), 4);
  EXPECT_EQ(events("id IN ('ev-1-0', 'ev-5-0')"), 0);
  EXPECT_EQ(identifiers(), 8);  // two for each event left
  EXPECT_EQ(identifiers("event_id IN ('ev-1-0', 'ev-5-0')"), 0);
  // What stays can still be sent and replayed, with its payload.
  auto pending = store_->pending_deliveries({.subscriber = "gp-hie", .with_payload = true});
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].event.fhir_json, R"({"resourceType":"Bundle","type":"collection"})");
  auto dead = store_->dead_letters({.subscriber = "city-hie", .with_payload = true});
  ASSERT_TRUE(dead);
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ((*dead)[0].event.id, "ev-3-0");
  // A second pass finds nothing more.
  EXPECT_EQ(*retention.run_once(now_), 0u);
}

TEST_F(EventRetention, EachStepDeletesAtMostOneBatchAndTheScanGoesOnWhereItStopped) {
  const auto old = now_ - 24h * 10;
  write_event("ev-1-0", "admission", old);  // gp's pending: looked at, kept
  settle("city-hie", "ev-1-0", DeliveryState::delivered, old);
  for (int i = 2; i <= 6; ++i) {
    write_event("ev-" + std::to_string(i) + "-0", "discharge", old + std::chrono::minutes(i));
    settle("city-hie", "ev-" + std::to_string(i) + "-0", DeliveryState::delivered, old);
  }
  write_event("ev-9-0", "discharge", now_);  // the newest delivery, pending
  const auto cutoff = now_ - 168h;

  // Six delivered deliveries, two per step.
  for (std::int64_t left : {4, 2, 0}) {
    auto step = prune_step(cutoff, 2);
    EXPECT_EQ(step.deliveries, 2u);
    EXPECT_EQ(step.looked_at, 0u);
    EXPECT_EQ(deliveries("state = 'delivered'"), left);
  }
  // Then the old events, two looked at per step: ev-1 is still owed to gp.
  auto step = prune_step(cutoff, 2);
  EXPECT_EQ(step.deliveries, 0u);
  EXPECT_EQ(step.looked_at, 2u);
  EXPECT_EQ(step.events, 1u);
  EXPECT_EQ(events("id IN ('ev-1-0', 'ev-2-0')"), 1);
  EXPECT_EQ(events("id = 'ev-1-0'"), 1);
  for (std::size_t gone : {2u, 2u}) {
    step = prune_step(cutoff, 2, step.next);
    EXPECT_EQ(step.looked_at, 2u);
    EXPECT_EQ(step.events, gone);
  }
  step = prune_step(cutoff, 2, step.next);
  EXPECT_EQ(step.looked_at, 0u);
  EXPECT_EQ(step.events, 0u);
  EXPECT_EQ(events(), 2);  // ev-1-0 and the recent ev-9-0
  EXPECT_EQ(identifiers(), 4);
  EXPECT_EQ(deliveries(), 2);  // gp's pending ev-1-0 and city's pending ev-9-0
}

TEST_F(EventRetention, APassLoopsInSmallTransactionsUntilNothingIsLeft) {
  const auto old = now_ - 24h * 10;
  for (int i = 1; i <= 5; ++i) {
    write_event("ev-" + std::to_string(i) + "-0", "discharge", old);
    settle("city-hie", "ev-" + std::to_string(i) + "-0", DeliveryState::delivered, old);
  }
  write_event("ev-9-0", "discharge", now_);
  const auto commits_before = store_->stats().commits;
  prometheus::Registry registry;
  Retention retention(*store_, {.delivered_events = 168h},
                      {.every = 1h, .batch = 2, .metrics = &registry});
  auto deleted = retention.run_once(now_);
  ASSERT_TRUE(deleted) << deleted.error().describe();
  EXPECT_EQ(*deleted, 10u);
  EXPECT_EQ(deliveries(), 1);
  EXPECT_EQ(events(), 1);
  // 3 steps of deliveries (2, 2, 1), 3 of events (2, 2, 1), one that finds nothing: one commit
  // each.
  EXPECT_EQ(store_->stats().commits - commits_before, 7u);
  auto text = prometheus::TextSerializer().Serialize(registry.Collect());
  EXPECT_NE(text.find(R"(hie_store_pruned_total{what="deliveries"} 5)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(hie_store_pruned_total{what="events"} 5)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(hie_store_pruned_total{what="journal"} 0)"), std::string::npos) << text;
}

TEST_F(EventRetention, TheNewestDeliveryStaysSoItsSeqIsNeverGivenOutAgain) {
  const auto old = now_ - 24h * 10;
  write_event("ev-1-0", "discharge", old);
  const auto first = seq_of("city-hie", "ev-1-0");
  settle("city-hie", "ev-1-0", DeliveryState::delivered, old);
  Retention retention(*store_, {.delivered_events = 168h});
  EXPECT_EQ(*retention.run_once(now_), 0u);
  EXPECT_EQ(deliveries(), 1);
  write_event("ev-2-0", "discharge", now_);
  EXPECT_GT(seq_of("city-hie", "ev-2-0"), first);
  EXPECT_EQ(*retention.run_once(now_), 2u);  // now ev-1's delivery, then the event
  EXPECT_EQ(events("id = 'ev-1-0'"), 0);
}

TEST_F(EventRetention, KeepingForeverPrunesNothing) {
  write_event("ev-1-0", "discharge", now_ - 24h * 400);
  settle("city-hie", "ev-1-0", DeliveryState::delivered, now_ - 24h * 400);
  write_event("ev-2-0", "discharge", now_);
  Retention retention(*store_, {.delivered_events = 0h});
  EXPECT_EQ(*retention.run_once(now_), 0u);
  EXPECT_EQ(deliveries(), 2);
  EXPECT_EQ(events(), 2);
}

TEST_F(EventRetention, AnEventOutlivesItsPrunedJournalRow) {
  // The journal row of a pending event goes with its exchange's retention_days; the event holds
  // its own payload (no foreign key to the journal), so delivery and replay carry on.
  auto append = [&](const std::string& control_id) {
    InboundMessage m;
    m.exchange = "north-hie";
    m.control_id = control_id;
    m.format = "hl7v2";
    m.payload = "MSH|";
    m.received = now_ - 24h * 40;
    auto appended =
        wait<Result<Appended>>([&](auto done) { store_->append(std::move(m), std::move(done)); });
    EXPECT_TRUE(appended);
    return appended ? appended->id : 0;
  };
  const auto journal_id = append("N1");
  const auto newest = append("N2");  // the newest journal row, which retention keeps
  TranslationBatch translated;
  translated.journal = {{journal_id, TranslationState::translated, ""},
                        {newest, TranslationState::translated, ""}};
  ASSERT_TRUE(wait<Status>(
      [&](auto done) { store_->record_translations(std::move(translated), std::move(done)); }));
  write_event("ev-" + std::to_string(journal_id) + "-0", "discharge", now_ - 24h * 40, journal_id);

  Retention retention(*store_, {.exchanges = {{"north-hie", 24h * 30}}, .delivered_events = 168h});
  EXPECT_EQ(*retention.run_once(now_),
            1u);  // the journal row; the pending delivery keeps its event
  EXPECT_EQ(count_rows(path(), "id = " + std::to_string(journal_id)), 0);
  auto pending = store_->pending_deliveries({.subscriber = "city-hie", .with_payload = true});
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].event.journal_id, journal_id);
  EXPECT_EQ((*pending)[0].event.fhir_json, R"({"resourceType":"Bundle","type":"collection"})");
  settle("city-hie", "ev-" + std::to_string(journal_id) + "-0", DeliveryState::delivered);
  auto replayed = wait<Result<std::size_t>>([&](auto done) {
    store_->replay({ReplayRequest::What::time_range, "city-hie", 0, format_utc(now_ - 24h * 41),
                    format_utc(now_)},
                   std::move(done));
  });
  ASSERT_TRUE(replayed);
  EXPECT_EQ(*replayed, 1u);
}

}  // namespace
}  // namespace hie::store
