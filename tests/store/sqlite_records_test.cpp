// Consents, the audit trail and stored-resource reads of the SQLite store.

#include <gtest/gtest.h>

#include <future>

#include "broker/store/sqlite_store.hpp"
#include "tests/support/sqlite_rows.hpp"
#include "tests/support/temp_dir.hpp"

namespace hie::store {
namespace {

using testing::TempDir;

template <class Write>
Status write_and_wait(Write&& write) {
  std::promise<Status> answer;
  auto future = answer.get_future();
  write([&answer](Status s) { answer.set_value(std::move(s)); });
  return future.get();
}

std::unique_ptr<SqliteStore> open_store(const std::string& path) {
  auto store = SqliteStore::open({.path = path});
  EXPECT_TRUE(store) << store.error().describe();
  return store ? std::move(*store) : nullptr;
}

TEST(SqliteRecords, AConsentIsReplacedNotAddedAndSurvivesAReopen) {
  TempDir dir;
  const auto path = dir.path("broker.db");
  {
    auto store = open_store(path);
    ConsentRecord first{"9434765919", false, {"valley-hie", "city-hie", "city-hie"}, "", "patient", "{\"a\":1}"};
    ASSERT_TRUE(write_and_wait([&](auto done) { store->put_consent(first, std::move(done)); }));
    ConsentRecord second{"9434765919", true, {}, "", "operator", "{\"b\":2}"};
    ASSERT_TRUE(write_and_wait([&](auto done) { store->put_consent(second, std::move(done)); }));
    auto none = store->consent("9999999999");
    ASSERT_TRUE(none);
    EXPECT_FALSE(none->has_value());
  }
  EXPECT_EQ(testing::count_rows(path, "1", "consents"), 1);
  auto store = open_store(path);
  auto read = store->consent("9434765919");
  ASSERT_TRUE(read) << read.error().describe();
  ASSERT_TRUE(read->has_value());
  EXPECT_TRUE((*read)->opt_out);
  EXPECT_TRUE((*read)->denied_exchanges.empty());
  EXPECT_EQ((*read)->updated_by, "operator");
  EXPECT_EQ((*read)->json, "{\"b\":2}");
  EXPECT_EQ((*read)->updated.size(), std::string("2026-11-26T19:00:00.000Z").size());
}

TEST(SqliteRecords, DeniedExchangesComeBackSortedAndOnce) {
  TempDir dir;
  auto store = open_store(dir.path("broker.db"));
  ConsentRecord c{"9434765919", false, {"valley-hie", "city-hie", "city-hie"}, "", "patient", "{}"};
  ASSERT_TRUE(write_and_wait([&](auto done) { store->put_consent(c, std::move(done)); }));
  auto read = store->consent("9434765919");
  ASSERT_TRUE(read && read->has_value());
  EXPECT_EQ((*read)->denied_exchanges, (std::vector<std::string>{"city-hie", "valley-hie"}));
  EXPECT_FALSE((*read)->opt_out);
}

TEST(SqliteRecords, AuditEventsArePerPatientNewestFirstAndPaged) {
  TempDir dir;
  auto store = open_store(dir.path("broker.db"));
  for (int i = 0; i < 5; ++i) {
    AuditRecord r{0, "", i % 2 == 0 ? "9434765919" : "9999999999", "{\"n\":" + std::to_string(i) + "}"};
    ASSERT_TRUE(write_and_wait([&](auto done) { store->append_audit(r, std::move(done)); }));
  }
  auto page = store->audit_events({"9434765919", 2, 0});
  ASSERT_TRUE(page) << page.error().describe();
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].json, "{\"n\":4}");
  EXPECT_EQ((*page)[1].json, "{\"n\":2}");
  EXPECT_GT((*page)[0].id, (*page)[1].id);
  EXPECT_FALSE((*page)[0].recorded.empty());
  auto rest = store->audit_events({"9434765919", 10, (*page)[1].id});
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].json, "{\"n\":0}");
}

TEST(SqliteRecords, StoredResourcesAreReadByExchangeAndPatientKeys) {
  TempDir dir;
  auto store = open_store(dir.path("broker.db"));
  TranslationBatch batch;
  batch.resources = {
      {"north-hie", "Patient", "urn:a|1", "9434765919", 1, "{\"resourceType\":\"Patient\"}"},
      {"north-hie", "Observation", "urn:o|1", "9434765919", 1, "{\"resourceType\":\"Observation\"}"},
      {"north-hie", "Observation", "urn:o|2", "urn:mrn|77", 2, "{\"resourceType\":\"Observation\",\"n\":2}"},
      {"south-hie", "Observation", "urn:o|3", "9434765919", 3, "{}"},
  };
  ASSERT_TRUE(write_and_wait([&](auto done) { store->record_translations(batch, std::move(done)); }));
  auto found = store->stored_resources("north-hie", {"9434765919", "urn:mrn|77", "9434765919"});
  ASSERT_TRUE(found) << found.error().describe();
  ASSERT_EQ(found->size(), 3u);
  std::vector<std::string> keys;
  for (const auto& r : *found) keys.push_back(r.resource_type + " " + r.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"Observation urn:o|1", "Patient urn:a|1", "Observation urn:o|2"}));
  auto none = store->stored_resources("north-hie", {"1111111111"});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace hie::store
