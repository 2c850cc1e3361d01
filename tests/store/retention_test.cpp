#include "broker/store/retention.hpp"

#include <gtest/gtest.h>

#include <future>

#include "broker/store/sqlite_store.hpp"
#include "tests/support/sqlite_rows.hpp"
#include "tests/support/temp_dir.hpp"

namespace hie::store {
namespace {

using testing::count_rows;
using testing::TempDir;
using namespace std::chrono_literals;

class RetentionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = SqliteStore::open({.path = path()});
    ASSERT_TRUE(opened) << opened.error().describe();
    store_ = std::move(*opened);
  }
  std::string path() const { return dir_.path("broker.db"); }

  std::int64_t append(const std::string& exchange, const std::string& control_id) {
    InboundMessage m;
    m.exchange = exchange;
    m.control_id = control_id;
    m.format = "hl7v2";
    m.payload = "MSH|^~\\&|A";
    std::promise<Result<Appended>> answer;
    auto future = answer.get_future();
    store_->append(std::move(m), [&](Result<Appended> r) { answer.set_value(std::move(r)); });
    return future.get()->id;
  }
  void write(TranslationBatch batch) {
    std::promise<Status> answer;
    auto future = answer.get_future();
    store_->record_translations(std::move(batch), [&](Status s) { answer.set_value(std::move(s)); });
    ASSERT_TRUE(future.get());
  }

  TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(RetentionTest, OldRowsGoInSmallBatchesButNothingWaitingForTranslation) {
  TranslationBatch translated;
  for (int i = 0; i < 5; ++i) {
    const auto id = append("north", "N" + std::to_string(i));
    translated.journal.push_back({id, TranslationState::translated, "1 resources, 0 issues"});
    translated.resources.push_back({"north", "Patient", "sys|" + std::to_string(i), "9434765919", id, "{}"});
  }
  append("north", "STILL-PENDING");
  const auto kept = append("city", "C1");
  translated.journal.push_back({kept, TranslationState::translated, ""});
  write(std::move(translated));
  const auto commits_before = store_->stats().commits;

  Retention retention(*store_, {.exchanges = {{"north", 24h * 30}}}, {.every = 1h, .batch = 2});
  // Nothing is 30 days old yet.
  auto none = retention.run_once();
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, 0u);
  EXPECT_EQ(count_rows(path()), 7);

  auto deleted = retention.run_once(std::chrono::system_clock::now() + 24h * 31);
  ASSERT_TRUE(deleted) << deleted.error().describe();
  EXPECT_EQ(*deleted, 10u);  // 5 journal rows + 5 stored resources
  EXPECT_EQ(count_rows(path(), "exchange = 'north'"), 1);
  EXPECT_EQ(count_rows(path(), "control_id = 'STILL-PENDING'"), 1);
  EXPECT_EQ(count_rows(path(), "exchange = 'city'"), 1);
  EXPECT_EQ(count_rows(path(), "1", "stored_resources"), 0);
  // Batches of 2: several short transactions, not one long one.
  EXPECT_GE(store_->stats().commits - commits_before, 4u);
}

TEST_F(RetentionTest, TheNewestJournalRowStaysSoItsIdIsNeverGivenOutAgain) {
  // Event ids are made of journal ids: a reused id would collide with an old message's events.
  TranslationBatch translated;
  std::int64_t newest = 0;
  for (int i = 0; i < 3; ++i) {
    newest = append("north", "N" + std::to_string(i));
    translated.journal.push_back({newest, TranslationState::translated, ""});
  }
  write(std::move(translated));
  Retention retention(*store_, {.exchanges = {{"north", 24h}}});
  auto deleted = retention.run_once(std::chrono::system_clock::now() + 48h);
  ASSERT_TRUE(deleted) << deleted.error().describe();
  EXPECT_EQ(*deleted, 2u);
  EXPECT_EQ(count_rows(path(), "id = " + std::to_string(newest)), 1);
  EXPECT_GT(append("north", "N3"), newest);
}

}  // namespace
}  // namespace hie::store
