// The event dispatcher over a real SQLite store and a scripted transport: order per patient,
// unreachable subscribers, retries with backoff, dead letters and their replay.

#include "broker/routing/event_dispatcher.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>

#include "adapters/registry.hpp"
#include "broker/store/sqlite_store.hpp"
#include "tests/support/temp_dir.hpp"

namespace hie::routing {
namespace {

using namespace std::chrono_literals;
constexpr const char* kNhs = "https://fhir.nhs.uk/Id/nhs-number";

/// Records every attempt and lets the test answer it.
class ScriptedTransport final : public EventTransport {
 public:
  struct Attempt {
    std::string subscriber;
    OutgoingEvent event;
    std::function<void(AttemptResult)> done;
  };

  void send(const std::string& subscriber, OutgoingEvent event, std::function<void(AttemptResult)> done) override {
    std::function<void(AttemptResult)> answer_now;
    {
      std::lock_guard lock(mutex_);
      seen_.push_back(event.id + "#" + std::to_string(event.attempt));
      if (auto_answer_) {
        answer_now = std::move(done);
      } else {
        waiting_.push_back({subscriber, std::move(event), std::move(done)});
      }
    }
    if (answer_now) answer_now(*auto_answer_);
    changed_.notify_all();
  }
  std::size_t capacity(const std::string&) const override { return 8; }

  /// Waits for `n` attempts to be waiting for an answer.
  std::vector<Attempt> take(std::size_t n) {
    std::unique_lock lock(mutex_);
    EXPECT_TRUE(changed_.wait_for(lock, 5s, [&] { return waiting_.size() >= n; })) << "attempts waiting: " << waiting_.size();
    std::vector<Attempt> out;
    while (!waiting_.empty() && out.size() < n) {
      out.push_back(std::move(waiting_.front()));
      waiting_.pop_front();
    }
    return out;
  }
  bool none_waiting_for(std::chrono::milliseconds quiet) {
    std::unique_lock lock(mutex_);
    return !changed_.wait_for(lock, quiet, [&] { return !waiting_.empty(); });
  }
  void answer_all_with(std::optional<AttemptResult> result) {
    std::lock_guard lock(mutex_);
    auto_answer_ = std::move(result);
  }
  /// Every attempt so far as "event-id#attempt".
  std::vector<std::string> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }
  bool wait_for_seen(std::size_t n) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 5s, [&] { return seen_.size() >= n; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Attempt> waiting_;
  std::vector<std::string> seen_;
  std::optional<AttemptResult> auto_answer_;
};

const AttemptResult kAck{AttemptResult::Outcome::acknowledged, ""};
const AttemptResult kNack{AttemptResult::Outcome::refused, "nack busy"};
const AttemptResult kOffline{AttemptResult::Outcome::unreachable, "no peer of this exchange is connected"};

class EventDispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::SqliteStore::open({.path = dir_.path("broker.db")});
    ASSERT_TRUE(opened) << opened.error().describe();
    store_ = std::move(*opened);
    store::SubscriptionChange change{"config", "", {}};
    change.subscriptions = {{"config:city-hie:0", "city-hie", "config", {"admission", "discharge"},
                             store::SubscriptionScope::all, {}}};
    wait([&](auto done) { store_->replace_subscriptions(change, std::move(done)); });
    city_.id = "city-hie";
    city_.format = "fhir";
    std::vector<std::string> problems;
    adapters_ = ExchangeAdapters::build({city_}, adapters::all_adapters(), problems);
    ASSERT_TRUE(problems.empty());
  }

  void start(config::Events settings = fast(), std::size_t window = 256, std::size_t per_patient = 8) {
    DispatcherOptions options;
    options.settings = settings;
    options.window = window;
    options.per_patient = per_patient;
    options.poll = 50ms;
    options.unreachable_retry = 50ms;
    dispatcher_ = std::make_unique<EventDispatcher>(*store_, std::vector{city_}, adapters_, transport_, nullptr, options);
    dispatcher_->start();
  }

  static config::Events fast() {
    config::Events e;
    e.max_attempts = 3;
    e.retry_initial = 20ms;
    e.retry_max = 40ms;
    return e;
  }

  template <class Write>
  void wait(Write&& write) {
    std::promise<Status> done;
    write([&done](Status s) { done.set_value(std::move(s)); });
    auto status = done.get_future().get();
    ASSERT_TRUE(status) << status.error().describe();
  }

  /// Events as the translator would commit them: for patients by NHS number.
  void raise(std::vector<std::pair<std::string, std::string>> id_and_nhs, std::string kind = "admission") {
    store::TranslationBatch batch;
    for (auto& [id, nhs] : id_and_nhs)
      batch.events.push_back({id, 1, "north-hie", kind, nhs, {{kNhs, nhs}}, "2026-11-26T10:00:00.000Z",
                              R"({"resourceType":"Bundle","type":"collection"})"});
    wait([&](auto done) { store_->record_translations(std::move(batch), std::move(done)); });
    if (dispatcher_) dispatcher_->nudge();
  }

  std::vector<store::DeliveryRecord> dead() {
    auto rows = store_->dead_letters({.subscriber = "city-hie"});
    EXPECT_TRUE(rows);
    return rows ? *rows : std::vector<store::DeliveryRecord>{};
  }

  std::size_t pending_in_store() {
    auto rows = store_->pending_deliveries({.subscriber = "city-hie", .limit = 1000});
    return rows ? rows->size() : 0;
  }

  testing::TempDir dir_;
  std::unique_ptr<store::SqliteStore> store_;
  config::Exchange city_;
  ExchangeAdapters adapters_;
  ScriptedTransport transport_;
  std::unique_ptr<EventDispatcher> dispatcher_;  // last: stops before the rest goes
};

TEST_F(EventDispatcherTest, EachPatientsEventsGoOneAtATimeInOrderWhileOtherPatientsProceed) {
  raise({{"ev-1-0", "9434765919"}, {"ev-2-0", "9434765919"}, {"ev-3-0", "9000000009"}, {"ev-4-0", "9434765919"}});
  start();
  auto first = transport_.take(2);  // the head of each patient's queue, at once
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].event.id, "ev-1-0");
  EXPECT_EQ(first[1].event.id, "ev-3-0");
  EXPECT_EQ(first[0].event.format, "fhir");
  EXPECT_EQ(first[0].event.kind, "admission");
  EXPECT_EQ(first[0].event.source, "north-hie");
  EXPECT_EQ(first[0].event.attempt, 1);
  EXPECT_TRUE(transport_.none_waiting_for(100ms));  // ev-2-0 waits for ev-1-0's ack
  first[0].done(kAck);
  auto second = transport_.take(1);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].event.id, "ev-2-0");
  second[0].done(kAck);
  auto third = transport_.take(1);
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0].event.id, "ev-4-0");
  third[0].done(kAck);
  first[1].done(kAck);
  for (int i = 0; i < 100 && pending_in_store() > 0; ++i) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(pending_in_store(), 0u);
  EXPECT_TRUE(dead().empty());
}

TEST_F(EventDispatcherTest, AnUnreachableSubscriberIsNotChargedAndGetsItsBacklogInOrderWhenBack) {
  transport_.answer_all_with(kOffline);
  raise({{"ev-1-0", "9434765919"}, {"ev-2-0", "9434765919"}});
  start();
  ASSERT_TRUE(transport_.wait_for_seen(3));  // tried again and again, never charged
  for (const auto& seen : transport_.seen()) EXPECT_EQ(seen, "ev-1-0#1");
  transport_.answer_all_with(std::nullopt);
  dispatcher_->reachable("city-hie");
  auto back = transport_.take(1);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].event.id, "ev-1-0");
  EXPECT_EQ(back[0].event.attempt, 1);
  back[0].done(kAck);
  auto next = transport_.take(1);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].event.id, "ev-2-0");
  next[0].done(kAck);
}

TEST_F(EventDispatcherTest, ARefusedEventIsRetriedThenDeadLetteredThenReplayedAndDelivered) {
  transport_.answer_all_with(kNack);
  raise({{"ev-1-0", "9434765919"}, {"ev-2-0", "9434765919"}});
  start();
  for (int i = 0; i < 250 && dead().empty(); ++i) std::this_thread::sleep_for(20ms);
  auto letters = dead();
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0].event.id, "ev-1-0");
  EXPECT_EQ(letters[0].attempts, 3);
  EXPECT_EQ(letters[0].last_error, "nack busy");
  auto seen = transport_.seen();
  ASSERT_GE(seen.size(), 3u);
  EXPECT_EQ(std::vector(seen.begin(), seen.begin() + 3),
            (std::vector<std::string>{"ev-1-0#1", "ev-1-0#2", "ev-1-0#3"}));  // then the patient's next
  // The subscriber recovers; an operator replays the dead letter: it goes after ev-2-0.
  transport_.answer_all_with(kAck);
  for (int i = 0; i < 250 && pending_in_store() > 0; ++i) std::this_thread::sleep_for(20ms);
  std::promise<Result<std::size_t>> replayed;
  store_->replay({store::ReplayRequest::What::dead_letters, "city-hie", 0, {}, {}},
                 [&](Result<std::size_t> n) { replayed.set_value(std::move(n)); });
  auto count = replayed.get_future().get();
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, 1u);
  dispatcher_->nudge();
  for (int i = 0; i < 250 && pending_in_store() > 0; ++i) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(pending_in_store(), 0u);
  EXPECT_TRUE(dead().empty());
  seen = transport_.seen();
  EXPECT_EQ(seen.back(), "ev-1-0#1");  // replayed with its attempts reset
}

TEST_F(EventDispatcherTest, AttemptsSurviveARestart) {
  transport_.answer_all_with(kNack);
  raise({{"ev-1-0", "9434765919"}});
  config::Events slow = fast();
  slow.retry_initial = 60s;  // the retry would be long after the restart
  slow.retry_max = 60s;
  start(slow);
  ASSERT_TRUE(transport_.wait_for_seen(1));
  for (int i = 0; i < 100; ++i) {
    auto rows = store_->pending_deliveries({.subscriber = "city-hie"});
    if (rows && !rows->empty() && (*rows)[0].attempts == 1) break;
    std::this_thread::sleep_for(20ms);
  }
  dispatcher_.reset();
  auto rows = store_->pending_deliveries({.subscriber = "city-hie"});
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].attempts, 1);
  EXPECT_EQ((*rows)[0].last_error, "nack busy");
  EXPECT_GT((*rows)[0].next_attempt, store::format_utc(std::chrono::system_clock::now() + 30s));
  // A new dispatcher honours the stored wait: nothing goes before next_attempt.
  start(slow);
  EXPECT_TRUE(transport_.none_waiting_for(300ms));
  EXPECT_EQ(transport_.seen().size(), 1u);
}

TEST_F(EventDispatcherTest, OnePatientsRetriedEventDoesNotHoldOtherPatientsBackHoweverManyItHasQueued) {
  // Patient A has ten events queued, more than the whole window; B's one comes after them.
  std::vector<std::pair<std::string, std::string>> queued;
  for (int i = 1; i <= 10; ++i) queued.push_back({"ev-" + std::to_string(i) + "-0", "9434765919"});
  queued.push_back({"ev-11-0", "9000000009"});
  raise(queued);
  config::Events slow = fast();
  slow.retry_initial = 60s;
  slow.retry_max = 60s;
  start(slow, /*window=*/8, /*per_patient=*/2);
  auto heads = transport_.take(2);  // both patients' first events at once
  ASSERT_EQ(heads.size(), 2u);
  EXPECT_EQ(heads[0].event.id, "ev-1-0");
  EXPECT_EQ(heads[1].event.id, "ev-11-0");
  heads[0].done(kNack);  // A's head now waits a minute for its retry
  heads[1].done(kAck);
  raise({{"ev-12-0", "9000000009"}});
  auto next = transport_.take(1);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].event.id, "ev-12-0");  // B goes on while A waits
  next[0].done(kAck);
  EXPECT_TRUE(transport_.none_waiting_for(200ms));  // and nothing of A's overtakes its head
}

TEST_F(EventDispatcherTest, APatientsEventsLeftOnDiskStillGoInOrderAndOnce) {
  // Interleaved patients, more of each than the window holds for one patient.
  std::vector<std::pair<std::string, std::string>> queued;
  const std::vector<std::string> patients = {"9434765919", "9000000009", "9434765919", "9434765919", "9000000009"};
  for (int i = 1; i <= 30; ++i) queued.push_back({"ev-" + std::to_string(i) + "-0", patients[i % patients.size()]});
  raise(queued);
  transport_.answer_all_with(kAck);
  start(fast(), /*window=*/4, /*per_patient=*/2);
  for (int i = 0; i < 250 && pending_in_store() > 0; ++i) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(pending_in_store(), 0u);
  auto seen = transport_.seen();
  ASSERT_EQ(seen.size(), queued.size());  // each once, at its first attempt
  std::map<std::string, int> last;  // per patient: the last event number it was sent
  for (const auto& attempt : seen) {
    ASSERT_TRUE(attempt.ends_with("#1")) << attempt;
    const int n = std::stoi(attempt.substr(3, attempt.find('-', 3) - 3));
    const std::string& patient = patients[n % patients.size()];
    EXPECT_GT(n, last[patient]) << attempt << " after event " << last[patient] << " of the same patient";
    last[patient] = n;
  }
}

}  // namespace
}  // namespace hie::routing
