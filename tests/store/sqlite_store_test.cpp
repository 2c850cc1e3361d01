#include "broker/store/sqlite_store.hpp"

#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <sqlite3.h>

#include <filesystem>
#include <future>
#include <set>
#include <thread>

#include "broker/metrics/exposition.hpp"
#include "broker/store/migrations.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/sqlite_rows.hpp"

namespace hie::store {
namespace {

using testing::TempDir;
using testing::count_rows;

InboundMessage message(std::string exchange, std::string control_id, std::string payload = "MSH|^~\\&|A") {
  InboundMessage m;
  m.exchange = std::move(exchange);
  m.control_id = std::move(control_id);
  m.format = "hl7v2";
  m.payload = std::move(payload);
  m.received = std::chrono::system_clock::time_point(std::chrono::milliseconds(1'790'000'000'123));
  return m;
}

/// Appends and waits for the store thread's answer.
Result<Appended> append_and_wait(Store& store, InboundMessage m) {
  std::promise<Result<Appended>> answer;
  auto future = answer.get_future();
  store.append(std::move(m), [&answer](Result<Appended> r) { answer.set_value(std::move(r)); });
  return future.get();
}

std::unique_ptr<SqliteStore> open_store(const std::string& path, std::size_t max_pending = 10'000) {
  auto store = SqliteStore::open({.path = path, .max_pending = max_pending});
  EXPECT_TRUE(store) << store.error().describe();
  return store ? std::move(*store) : nullptr;
}

TEST(SqliteStore, AnAcceptedMessageIsInTheFileWhenTheCallbackRuns) {
  TempDir dir;
  const auto path = dir.path("broker.db");
  auto store = open_store(path);
  auto appended = append_and_wait(*store, message("gp-north", "CTRL-1", "MSH|^~\\&|APP\rPID|1"));
  ASSERT_TRUE(appended) << appended.error().describe();
  EXPECT_FALSE(appended->duplicate);
  EXPECT_GT(appended->id, 0);
  // Read by another connection while the store is open: the commit is visible, not cached.
  EXPECT_EQ(count_rows(path, "exchange = 'gp-north' AND control_id = 'CTRL-1' AND status = 'accepted'"), 1);

  JournalQuery with_payload;
  with_payload.with_payload = true;
  auto rows = read_journal_file(path, with_payload);
  ASSERT_TRUE(rows) << rows.error().describe();
  ASSERT_EQ(rows->size(), 1u);
  const JournalRecord& r = rows->front();
  EXPECT_EQ(r.id, appended->id);
  EXPECT_EQ(r.exchange, "gp-north");
  EXPECT_EQ(r.control_id, "CTRL-1");
  EXPECT_EQ(r.format, "hl7v2");
  EXPECT_EQ(r.received, "2026-09-21T14:13:20.123Z");
  EXPECT_EQ(r.status, "accepted");
  EXPECT_EQ(r.bytes, 18);
  EXPECT_EQ(r.payload, "MSH|^~\\&|APP\rPID|1");
}

TEST(SqliteStore, AResentControlIdIsStoredOnceAndAnsweredAsDuplicate) {
  TempDir dir;
  const auto path = dir.path("broker.db");
  auto store = open_store(path);
  auto first = append_and_wait(*store, message("gp-north", "CTRL-1"));
  auto again = append_and_wait(*store, message("gp-north", "CTRL-1"));
  auto other_exchange = append_and_wait(*store, message("hospital", "CTRL-1"));
  ASSERT_TRUE(first && again && other_exchange);
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->id, first->id);
  EXPECT_FALSE(other_exchange->duplicate);
  EXPECT_EQ(count_rows(path), 2);
  EXPECT_EQ(store->stats().duplicates, 1u);
}

TEST(SqliteStore, RejectedMessagesAreKeptAndNeverBlockTheCorrectedResend) {
  TempDir dir;
  const auto path = dir.path("broker.db");
  auto store = open_store(path);
  auto refused = message("gp-north", "CTRL-7");
  refused.status = JournalStatus::rejected;
  refused.detail = "MSH-9: message type not accepted";
  auto no_id = message("gp-north", "");
  no_id.status = JournalStatus::rejected;
  ASSERT_TRUE(append_and_wait(*store, refused));
  ASSERT_TRUE(append_and_wait(*store, no_id));
  ASSERT_TRUE(append_and_wait(*store, no_id));
  auto accepted = append_and_wait(*store, message("gp-north", "CTRL-7"));
  ASSERT_TRUE(accepted);
  EXPECT_FALSE(accepted->duplicate);
  EXPECT_EQ(count_rows(path, "status = 'rejected'"), 3);
  EXPECT_EQ(count_rows(path, "control_id IS NULL"), 2);
  auto rows = read_journal_file(path, {});
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->front().detail, "MSH-9: message type not accepted");
  EXPECT_FALSE(rows->front().payload.has_value());
}

TEST(SqliteStore, ManyWritersAllGetTheirRowsAndShareCommits) {
  TempDir dir;
  const auto path = dir.path("broker.db");
  auto store = open_store(path);
  constexpr int kThreads = 4, kEach = 250;
  std::mutex mutex;
  std::set<std::int64_t> ids;
  std::atomic<int> done{0}, failed{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t)
    writers.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i)
        store->append(message("ex" + std::to_string(t), std::to_string(i)), [&](Result<Appended> r) {
          if (!r) ++failed;
          else {
            std::lock_guard lock(mutex);
            ids.insert(r->id);
          }
          ++done;
        });
    });
  for (auto& w : writers) w.join();
  store.reset();  // drains the queue, then stops
  EXPECT_EQ(done, kThreads * kEach);
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kThreads * kEach));
  EXPECT_EQ(count_rows(path), kThreads * kEach);
}

TEST(SqliteStore, StatsCountCommitsAndBatches) {
  TempDir dir;
  auto store = open_store(dir.path("broker.db"));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(append_and_wait(*store, message("ex", std::to_string(i))));
  const StoreStats s = store->stats();
  EXPECT_EQ(s.messages, 3u);
  EXPECT_EQ(s.commits, 3u);  // each waited for: nothing to share a commit with
  EXPECT_EQ(s.last_batch, 1u);
  EXPECT_EQ(s.pending, 0u);
}

TEST(SqliteStore, AFullQueueRefusesAtOnceInsteadOfGrowing) {
  TempDir dir;
  auto store = open_store(dir.path("broker.db"), /*max_pending=*/0);
  auto refused = append_and_wait(*store, message("ex", "1"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), Errc::limit_exceeded);
  EXPECT_EQ(store->stats().failures, 1u);
}

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

TEST(SqliteStore, EachCommitIsTimedAndItsBatchSizeRecorded) {
  TempDir dir;
  prometheus::Registry registry;
  auto opened = SqliteStore::open({.path = dir.path("broker.db"), .registry = &registry});
  ASSERT_TRUE(opened) << opened.error().describe();
  auto store = std::move(*opened);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(append_and_wait(*store, message("ex", std::to_string(i))));
  const std::string text = metrics::render_text(registry);
  EXPECT_TRUE(has_line(text, "hie_store_commit_seconds_count 3")) << text;
  EXPECT_TRUE(has_line(text, "hie_store_commit_batch_size_count 3")) << text;
  EXPECT_TRUE(has_line(text, "hie_store_commit_batch_size_sum 3")) << text;  // one write each
  EXPECT_TRUE(has_line(text, R"(hie_store_commit_batch_size_bucket{le="1"} 3)")) << text;
  EXPECT_TRUE(has_line(text, "hie_store_queue_depth 0")) << text;
  EXPECT_TRUE(has_line(text, R"(hie_store_write_failures_total{reason="busy"} 0)")) << text;
}

TEST(SqliteStore, RefusedWritesAreCountedByReason) {
  TempDir dir;
  prometheus::Registry registry;
  auto opened = SqliteStore::open({.path = dir.path("broker.db"), .max_pending = 0, .registry = &registry});
  ASSERT_TRUE(opened) << opened.error().describe();
  ASSERT_FALSE(append_and_wait(**opened, message("ex", "1")));
  const std::string text = metrics::render_text(registry);
  EXPECT_TRUE(has_line(text, R"(hie_store_write_failures_total{reason="busy"} 1)")) << text;
  EXPECT_TRUE(has_line(text, R"(hie_store_write_failures_total{reason="commit_failed"} 0)")) << text;
  EXPECT_TRUE(has_line(text, "hie_store_commit_seconds_count 0")) << text;
}

TEST(SqliteStore, SurvivesReopenAndKeepsDeduplicating) {
  TempDir dir;
  const auto path = dir.path("broker.db");
  std::int64_t id = 0;
  {
    auto store = open_store(path);
    auto a = append_and_wait(*store, message("ex", "A"));
    ASSERT_TRUE(a);
    id = a->id;
  }
  auto store = open_store(path);
  auto again = append_and_wait(*store, message("ex", "A"));
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->id, id);
}

TEST(SqliteStore, AStoreFromANewerBrokerIsRefused) {
  TempDir dir;
  const auto path = dir.path("broker.db");
  { auto store = open_store(path); }
  {
    auto db = Database::open(path);
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->exec("PRAGMA user_version = " + std::to_string(latest_schema_version() + 1)));
  }
  auto store = SqliteStore::open({.path = path});
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().message().find("newer than this broker"), std::string::npos);
}

TEST(SqliteStore, ReadingAMissingFileIsAnErrorAndCreatesNothing) {
  TempDir dir;
  const auto path = dir.path("absent.db");
  auto rows = read_journal_file(path, {});
  EXPECT_FALSE(rows);
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(SqliteStore, AnUnwritableLocationIsAnErrorNamingTheFile) {
  TempDir dir;
  auto store = SqliteStore::open({.path = dir.path("no-such-folder/broker.db")});
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().message().find("no-such-folder/broker.db"), std::string::npos);
}

}  // namespace
}  // namespace hie::store
