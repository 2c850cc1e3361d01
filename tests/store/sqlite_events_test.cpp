// Events in the SQLite store: which subscriptions select an event, the delivery queue, its
// settlements, dead letters and replays.

#include <gtest/gtest.h>

#include <future>

#include "broker/store/sqlite_store.hpp"
#include "tests/support/sqlite_rows.hpp"
#include "tests/support/temp_dir.hpp"

namespace hie::store {
namespace {

using testing::TempDir;

constexpr const char* kNhs = "https://fhir.nhs.uk/Id/nhs-number";

template <class Write>
Status write_and_wait(Write&& write) {
  std::promise<Status> answer;
  auto future = answer.get_future();
  write([&answer](Status s) { answer.set_value(std::move(s)); });
  return future.get();
}

std::size_t replay_and_wait(Store& store, ReplayRequest request) {
  std::promise<Result<std::size_t>> answer;
  auto future = answer.get_future();
  store.replay(std::move(request), [&answer](Result<std::size_t> r) { answer.set_value(std::move(r)); });
  auto counted = future.get();
  EXPECT_TRUE(counted) << counted.error().describe();
  return counted ? *counted : 0;
}

SubscriptionRecord subscription(std::string id, std::string subscriber, std::vector<std::string> kinds,
                                SubscriptionScope scope, std::vector<PatientIdentity> patients = {}) {
  return {std::move(id), std::move(subscriber), "config", std::move(kinds), scope, std::move(patients)};
}

EventRecord event(std::string id, std::string kind, std::string nhs, std::string source = "north-hie",
                  std::string occurred = "2026-11-26T10:00:00.000Z") {
  EventRecord e;
  e.id = std::move(id);
  e.journal_id = 7;
  e.source = std::move(source);
  e.kind = std::move(kind);
  e.patient_key = nhs;
  e.identifiers = {{kNhs, nhs}, {"https://north.example/mrn", "N-" + nhs}};
  e.occurred = std::move(occurred);
  e.fhir_json = R"({"resourceType":"Bundle","type":"collection"})";
  return e;
}

class SqliteEvents : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = SqliteStore::open({.path = dir_.path("broker.db")});
    ASSERT_TRUE(opened) << opened.error().describe();
    store_ = std::move(*opened);
    // city holds the patient under its own MRN, cross-referenced to the NHS number; valley
    // listed the patient; ops takes everything; north (the source) holds it too.
    TranslationBatch sightings;
    sightings.sightings.push_back({"city-hie", {{kNhs, "9434765919"}, {"https://city.example/mrn", "C-1"}}, {}});
    sightings.sightings.push_back({"north-hie", {{kNhs, "9434765919"}}, {}});
    ASSERT_TRUE(write_and_wait([&](auto done) { store_->record_translations(sightings, std::move(done)); }));
    SubscriptionChange change{"config", "", {}};
    change.subscriptions = {
        subscription("config:city-hie:0", "city-hie", {"admission", "discharge"}, SubscriptionScope::held),
        subscription("config:valley-hie:0", "valley-hie", {"admission"}, SubscriptionScope::listed,
                     {{kNhs, "9434765919"}}),
        subscription("config:ops:0", "ops", {"new-result"}, SubscriptionScope::all),
        subscription("config:north-hie:0", "north-hie", {"admission"}, SubscriptionScope::all),
    };
    ASSERT_TRUE(write_and_wait([&](auto done) { store_->replace_subscriptions(change, std::move(done)); }));
  }

  void write_events(std::vector<EventRecord> events) {
    TranslationBatch batch;
    batch.events = std::move(events);
    ASSERT_TRUE(write_and_wait([&](auto done) { store_->record_translations(std::move(batch), std::move(done)); }));
  }

  std::vector<DeliveryRecord> pending(const std::string& subscriber, std::int64_t after = 0) {
    auto rows = store_->pending_deliveries({.subscriber = subscriber, .after_seq = after, .limit = 100,
                                            .with_payload = true});
    EXPECT_TRUE(rows) << rows.error().describe();
    return rows ? *rows : std::vector<DeliveryRecord>{};
  }

  static std::vector<std::string> event_ids(const std::vector<DeliveryRecord>& rows) {
    std::vector<std::string> ids;
    for (const auto& r : rows) ids.push_back(r.event.id);
    return ids;
  }

  TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(SqliteEvents, AnEventGoesToEachSubscriptionThatSelectsItButNotBackToItsSource) {
  write_events({event("ev-7-0", "admission", "9434765919"), event("ev-7-1", "new-result", "9434765919")});
  EXPECT_EQ(event_ids(pending("city-hie")), (std::vector<std::string>{"ev-7-0"}));    // held, via the NHS number
  EXPECT_EQ(event_ids(pending("valley-hie")), (std::vector<std::string>{"ev-7-0"}));  // listed
  EXPECT_EQ(event_ids(pending("ops")), (std::vector<std::string>{"ev-7-1"}));         // all, its kind only
  EXPECT_TRUE(pending("north-hie").empty());                                          // the source
  auto city = pending("city-hie");
  ASSERT_EQ(city.size(), 1u);
  EXPECT_EQ(city[0].state, "pending");
  EXPECT_EQ(city[0].attempts, 0);
  EXPECT_EQ(city[0].event.kind, "admission");
  EXPECT_EQ(city[0].event.source, "north-hie");
  EXPECT_EQ(city[0].event.patient_key, "9434765919");
  EXPECT_EQ(city[0].event.fhir_json, R"({"resourceType":"Bundle","type":"collection"})");
}

TEST_F(SqliteEvents, AnotherPatientReachesOnlyTheSubscriptionsThatCoverIt) {
  write_events({event("ev-8-0", "admission", "9000000009")});
  EXPECT_TRUE(pending("city-hie").empty());
  EXPECT_TRUE(pending("valley-hie").empty());
  EXPECT_TRUE(pending("ops").empty());  // ops takes new-result only
}

TEST_F(SqliteEvents, AnEventDerivedAgainAfterACrashIsNotDeliveredTwice) {
  write_events({event("ev-7-0", "admission", "9434765919")});
  write_events({event("ev-7-0", "admission", "9434765919")});
  EXPECT_EQ(pending("city-hie").size(), 1u);
  EXPECT_EQ(testing::count_rows(dir_.path("broker.db"), "1", "events"), 1);
}

TEST_F(SqliteEvents, SettlementsRetryDeliverAndDeadLetter) {
  write_events({event("ev-7-0", "admission", "9434765919"), event("ev-7-1", "discharge", "9434765919"),
                event("ev-7-2", "admission", "9434765919")});
  auto queue = pending("city-hie");
  ASSERT_EQ(event_ids(queue), (std::vector<std::string>{"ev-7-0", "ev-7-1", "ev-7-2"}));
  const auto later = std::chrono::system_clock::now() + std::chrono::minutes(5);
  std::vector<DeliverySettlement> settled = {
      {queue[0].seq, DeliveryState::delivered, 1, {}, ""},
      {queue[1].seq, DeliveryState::pending, 2, later, "no ack within 10000 ms"},
      {queue[2].seq, DeliveryState::dead, 8, {}, "nack busy"},
  };
  ASSERT_TRUE(write_and_wait([&](auto done) { store_->settle_deliveries(settled, std::move(done)); }));
  auto left = pending("city-hie");
  ASSERT_EQ(event_ids(left), (std::vector<std::string>{"ev-7-1"}));
  EXPECT_EQ(left[0].attempts, 2);
  EXPECT_EQ(left[0].last_error, "no ack within 10000 ms");
  EXPECT_EQ(left[0].next_attempt, format_utc(later));
  auto dead = store_->dead_letters({.subscriber = "city-hie"});
  ASSERT_TRUE(dead);
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ((*dead)[0].event.id, "ev-7-2");
  EXPECT_EQ((*dead)[0].attempts, 8);
  EXPECT_EQ((*dead)[0].last_error, "nack busy");
  EXPECT_FALSE((*dead)[0].settled.empty());
  auto backlogs = store_->backlogs();
  ASSERT_TRUE(backlogs);
  ASSERT_EQ(backlogs->size(), 2u);  // city (1 pending, 1 dead) and valley (2 admissions pending)
  EXPECT_EQ((*backlogs)[0].subscriber, "city-hie");
  EXPECT_EQ((*backlogs)[0].pending, 1);
  EXPECT_EQ((*backlogs)[0].dead, 1);
  EXPECT_EQ((*backlogs)[1].subscriber, "valley-hie");
  EXPECT_EQ((*backlogs)[1].pending, 2);
  // A settled delivery is not settled again (a late ack after a dead letter changes nothing).
  ASSERT_TRUE(write_and_wait([&](auto done) {
    store_->settle_deliveries({{queue[2].seq, DeliveryState::delivered, 9, {}, ""}}, std::move(done));
  }));
  EXPECT_EQ(store_->dead_letters({.subscriber = "city-hie"})->size(), 1u);
}

TEST_F(SqliteEvents, AReplayedDeadLetterGoesToTheEndOfTheQueueWithNoAttempts) {
  write_events({event("ev-7-0", "admission", "9434765919"), event("ev-7-1", "discharge", "9434765919")});
  auto queue = pending("city-hie");
  ASSERT_TRUE(write_and_wait([&](auto done) {
    store_->settle_deliveries({{queue[0].seq, DeliveryState::dead, 8, {}, "no ack"}}, std::move(done));
  }));
  EXPECT_EQ(replay_and_wait(*store_, {ReplayRequest::What::dead_letter, "city-hie", queue[0].seq, {}, {}}), 1u);
  auto again = pending("city-hie");
  ASSERT_EQ(event_ids(again), (std::vector<std::string>{"ev-7-1", "ev-7-0"}));
  EXPECT_GT(again[1].seq, queue[1].seq);
  EXPECT_EQ(again[1].attempts, 0);
  EXPECT_EQ(again[1].last_error, "");
  EXPECT_TRUE(store_->dead_letters({.subscriber = "city-hie"})->empty());
  EXPECT_EQ(replay_and_wait(*store_, {ReplayRequest::What::dead_letters, "city-hie", 0, {}, {}}), 0u);
}

TEST_F(SqliteEvents, ATimeRangeIsDeliveredAgainAsTheSubscriptionsSelectIt) {
  write_events({event("ev-7-0", "admission", "9434765919", "north-hie", "2026-11-25T10:00:00.000Z"),
                event("ev-7-1", "discharge", "9434765919", "north-hie", "2026-11-26T10:00:00.000Z"),
                event("ev-7-2", "new-result", "9434765919", "north-hie", "2026-11-26T11:00:00.000Z"),
                event("ev-7-3", "admission", "9434765919", "north-hie", "2026-11-27T10:00:00.000Z")});
  auto queue = pending("city-hie");
  std::vector<DeliverySettlement> delivered;
  for (const auto& d : queue) delivered.push_back({d.seq, DeliveryState::delivered, 1, {}, ""});
  ASSERT_TRUE(write_and_wait([&](auto done) { store_->settle_deliveries(delivered, std::move(done)); }));
  ASSERT_TRUE(pending("city-hie").empty());
  // new-result is not a kind city subscribed to, so only the discharge comes back.
  EXPECT_EQ(replay_and_wait(*store_, {ReplayRequest::What::time_range, "city-hie", 0, "2026-11-26T00:00:00.000Z",
                                      "2026-11-27T00:00:00.000Z"}),
            1u);
  EXPECT_EQ(event_ids(pending("city-hie")), (std::vector<std::string>{"ev-7-1"}));
}

TEST_F(SqliteEvents, ReplacingOneOriginsSubscriptionsLeavesTheOthers) {
  SubscriptionChange peer{"peer", "city-hie", {}};
  peer.subscriptions = {{"peer:city-hie", "city-hie", "peer", {"new-result"}, SubscriptionScope::held, {}}};
  ASSERT_TRUE(write_and_wait([&](auto done) { store_->replace_subscriptions(peer, std::move(done)); }));
  SubscriptionChange config{"config", "", {}};
  config.subscriptions = {subscription("config:ops:0", "ops", {"merge"}, SubscriptionScope::all)};
  ASSERT_TRUE(write_and_wait([&](auto done) { store_->replace_subscriptions(config, std::move(done)); }));
  auto all = store_->subscriptions();
  ASSERT_TRUE(all) << all.error().describe();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, "peer:city-hie");
  EXPECT_EQ((*all)[0].kinds, (std::vector<std::string>{"new-result"}));
  EXPECT_EQ((*all)[1].id, "config:ops:0");
  EXPECT_EQ((*all)[1].scope, SubscriptionScope::all);
  EXPECT_EQ(testing::count_rows(dir_.path("broker.db"), "1", "subscription_patients"), 0);
}

}  // namespace
}  // namespace hie::store
