// Translation after ingest, against a real SQLite file: journal verdicts, the record locator,
// and the resources kept for stored-mode exchanges.
#include "broker/routing/translator.hpp"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <future>

#include "broker/metrics/exposition.hpp"
#include "broker/store/sqlite_store.hpp"
#include "tests/support/sqlite_rows.hpp"
#include "tests/support/temp_dir.hpp"

namespace hie::routing {
namespace {

using hie::testing::count_rows;
using hie::testing::TempDir;

constexpr const char* kNhs = "https://fhir.nhs.uk/Id/nhs-number";

std::string adt(const std::string& control_id, const std::string& pid3, const std::string& name,
                const std::string& event = "A08", const std::string& extra = "") {
  return "MSH|^~\\&|PAS|FAC|HIE|HIE|20240102030405+0000||ADT^" + event + "|" + control_id +
         "|P|2.5.1\rEVN|" + event + "|20240102030405+0000\rPID|1||" + pid3 + "||" + name + "||19700101|M\r" + extra;
}

config::Exchange exchange(std::string id, config::ExchangeMode mode) {
  config::Exchange e;
  e.id = std::move(id);
  e.format = "hl7v2";
  e.transport = config::Transport::mllp;
  e.mode = mode;
  e.identifier_systems = {{"HOSP", "https://hospital.example/mrn"}};
  e.default_utc_offset = "+00:00";
  return e;
}

class TranslatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::SqliteStore::open({.path = db()});
    ASSERT_TRUE(opened) << opened.error().describe();
    store_ = std::move(*opened);
    locator_ = std::make_unique<RecordLocator>(*store_, 2);
    const std::vector exchanges{exchange("north", config::ExchangeMode::stored),
                                exchange("city", config::ExchangeMode::live)};
    std::vector<std::string> problems;
    auto adapters = ExchangeAdapters::build(exchanges, adapters::all_adapters(), problems);
    ASSERT_TRUE(problems.empty()) << problems.front();
    translator_ = std::make_unique<Translator>(*store_, exchanges, std::move(adapters), &registry_, locator_.get());
  }
  std::string db() const { return dir_.path("broker.db"); }

  std::int64_t journal(const std::string& exchange, const std::string& control_id, const std::string& payload,
                       const std::string& format = "hl7v2") {
    store::InboundMessage m;
    m.exchange = exchange;
    m.control_id = control_id;
    m.format = format;
    m.payload = payload;
    std::promise<Result<store::Appended>> answer;
    auto future = answer.get_future();
    store_->append(std::move(m), [&](Result<store::Appended> r) { answer.set_value(std::move(r)); });
    auto appended = future.get();
    EXPECT_TRUE(appended);
    return appended ? appended->id : 0;
  }

  std::vector<std::string> holders(const std::string& system, const std::string& value) {
    auto found = store_->locate({system, value});
    EXPECT_TRUE(found) << found.error().describe();
    return found ? found->exchanges : std::vector<std::string>{};
  }

  TempDir dir_;
  prometheus::Registry registry_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<RecordLocator> locator_;  // two answers at most: the tests see evictions
  std::unique_ptr<Translator> translator_;
};

TEST_F(TranslatorTest, AJournaledMessageIsTranslatedAndItsPatientLocated) {
  journal("north", "C1", adt("C1", "9434765919^^^NHS^NH~M100^^^HOSP^MR", "SMITH^JOHN"));
  auto pending = store_->pending_translations(10);
  ASSERT_TRUE(pending);
  EXPECT_EQ(pending->size(), 1u);

  auto handled = translator_->run_once();
  ASSERT_TRUE(handled) << handled.error().describe();
  EXPECT_EQ(*handled, 1u);
  EXPECT_TRUE(store_->pending_translations(10)->empty());
  auto rows = store_->read_journal({});
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->front().translation, "translated");
  EXPECT_EQ(rows->front().translation_detail.rfind("1 resources, ", 0), 0u) << rows->front().translation_detail;

  EXPECT_EQ(holders(kNhs, "9434765919"), std::vector<std::string>{"north"});
  EXPECT_EQ(holders("https://hospital.example/mrn", "M100"), std::vector<std::string>{"north"});
  EXPECT_TRUE(holders(kNhs, "4010232137").empty());
  EXPECT_EQ(count_rows(db(), "nhs_number = '9434765919'", "patient_locations"), 2);
  EXPECT_NE(metrics::render_text(registry_).find(
                R"(hie_translation_messages_total{exchange="north",format="hl7v2",outcome="translated"} 1)"),
            std::string::npos);
}

TEST_F(TranslatorTest, TheNhsNumberCrossReferencesLocalIdentifiersAcrossExchanges) {
  journal("north", "C1", adt("C1", "9434765919^^^NHS^NH~M100^^^HOSP^MR", "SMITH^JOHN"));
  journal("city", "X9", adt("X9", "9434765919^^^NHS^NH~C-77^^^CITYMRN^MR", "SMITH^JOHN"));
  ASSERT_TRUE(translator_->run_once());
  const std::vector<std::string> both{"city", "north"};
  EXPECT_EQ(holders(kNhs, "9434765919"), both);
  EXPECT_EQ(holders("https://hospital.example/mrn", "M100"), both);
}

TEST_F(TranslatorTest, AStoredExchangeKeepsTheNewestVersionOfEachResource) {
  journal("north", "C1", adt("C1", "9434765919^^^NHS^NH", "SMITH^JOHN"));
  journal("north", "C2", adt("C2", "9434765919^^^NHS^NH", "SMITH-JONES^JOHN"));
  journal("city", "X1", adt("X1", "9434765919^^^NHS^NH", "SMITH^JOHN"));
  ASSERT_TRUE(translator_->run_once());
  // One Patient for north, filed by its NHS number, holding the name of the later message;
  // nothing kept for the live exchange, which answers queries itself.
  EXPECT_EQ(count_rows(db(), "resource_type = 'Patient'", "stored_resources"), 1);
  EXPECT_EQ(count_rows(db(),
                       "exchange = 'north' AND resource_key = 'https://fhir.nhs.uk/Id/nhs-number|9434765919' "
                       "AND patient_key = '9434765919' AND json LIKE '%SMITH-JONES%'",
                       "stored_resources"),
            1);
  EXPECT_EQ(count_rows(db(), "exchange = 'city'", "stored_resources"), 0);
}

TEST_F(TranslatorTest, AMergeTellsTheLocatorWhichRecordWasReplaced) {
  journal("north", "M1",
          adt("M1", "9434765919^^^NHS^NH~M100^^^HOSP^MR", "SMITH^JOHN", "A40", "MRG|M099^^^HOSP^MR\r"));
  ASSERT_TRUE(translator_->run_once());
  EXPECT_EQ(holders("https://hospital.example/mrn", "M099"), std::vector<std::string>{"north"});
  EXPECT_EQ(count_rows(db(),
                       "value = 'M099' AND replaced_by = 'https://fhir.nhs.uk/Id/nhs-number|9434765919' "
                       "AND nhs_number = '9434765919'",
                       "patient_locations"),
            1);
}

TEST_F(TranslatorTest, UnreadableOrUnknownInputIsMarkedNotRetriedForever) {
  journal("north", "BAD", "not hl7 at all");
  journal("north", "CSV", "a,b,c", "csv:nowhere");
  journal("ghost", "G1", adt("G1", "M1^^^HOSP^MR", "DOE^JANE"));
  ASSERT_TRUE(translator_->run_once());
  EXPECT_EQ(count_rows(db(), "translation = 'failed' AND control_id = 'BAD' AND translation_detail LIKE '%MSH%'"), 1);
  EXPECT_EQ(count_rows(db(), "translation = 'skipped' AND translation_detail LIKE 'no adapter%'"), 1);
  EXPECT_EQ(count_rows(db(), "translation = 'skipped' AND translation_detail LIKE '%not configured'"), 1);
  EXPECT_TRUE(store_->pending_translations(10)->empty());
  // The failure is counted by its error code's word, not by its message (which may quote the input).
  const std::string text = metrics::render_text(registry_);
  EXPECT_NE(text.find(R"(hie_translation_failures_total{exchange="north",format="hl7v2",kind="parse_error"} 1)"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("hie_translation_failures_total{exchange=\"ghost\""), std::string::npos);
}

TEST_F(TranslatorTest, TheLocatorCacheIsBoundedAndForgetsWhatATranslationChanged) {
  journal("north", "C1", adt("C1", "9434765919^^^NHS^NH~M100^^^HOSP^MR", "SMITH^JOHN"));
  ASSERT_TRUE(translator_->run_once());
  const store::PatientIdentity mrn{"https://hospital.example/mrn", "M100"};
  auto first = locator_->locate(mrn);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->exchanges, std::vector<std::string>{"north"});
  EXPECT_EQ(first->nhs_number, "9434765919");
  ASSERT_TRUE(locator_->locate(mrn));
  EXPECT_EQ(locator_->hits(), 1u);

  // Another exchange learns the same NHS number: the cached answer for the MRN, reached
  // through it, is dropped, and the next answer names both exchanges.
  journal("city", "X1", adt("X1", "9434765919^^^NHS^NH", "SMITH^JOHN"));
  ASSERT_TRUE(translator_->run_once());
  auto second = locator_->locate(mrn);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->exchanges, (std::vector<std::string>{"city", "north"}));
  EXPECT_EQ(locator_->hits(), 1u);

  // Bounded: a third identifier evicts the least recently used answer.
  ASSERT_TRUE(locator_->locate({kNhs, "9434765919"}));
  ASSERT_TRUE(locator_->locate({"https://other.example", "Z"}));
  EXPECT_EQ(locator_->cached(), 2u);
}

TEST_F(TranslatorTest, TheThreadTranslatesWhatArrivesAfterANudge) {
  translator_->start();
  journal("north", "T1", adt("T1", "9434765919^^^NHS^NH", "SMITH^JOHN"));
  translator_->nudge();
  for (int i = 0; i < 200 && count_rows(db(), "translation = 'translated'") != 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(count_rows(db(), "translation = 'translated'"), 1);
}

}  // namespace
}  // namespace hie::routing
