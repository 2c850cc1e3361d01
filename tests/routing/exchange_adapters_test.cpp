// Each exchange's adapter, built once from its format and mapping file.

#include "broker/routing/exchange_adapters.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/temp_dir.hpp"

namespace hie::routing {
namespace {

using hie::testing::TempDir;

config::Exchange exchange(std::string id, std::string format, std::string mapping = {}) {
  config::Exchange e;
  e.id = std::move(id);
  e.format = std::move(format);
  e.mapping = std::move(mapping);
  return e;
}

TEST(ExchangeAdapters, FindsTheRegisteredAdapterOfEachExchangesFormat) {
  std::vector<std::string> problems;
  auto adapters = ExchangeAdapters::build({exchange("north", "hl7v2")}, adapters::all_adapters(), problems);
  EXPECT_TRUE(problems.empty());
  ASSERT_NE(adapters.find("north", "hl7v2"), nullptr);
  EXPECT_EQ(adapters.find("north", "hl7v2"), adapters::all_adapters().find("hl7v2"));
  // A row journaled under another format (the exchange's format changed since) uses that format.
  EXPECT_EQ(adapters.find("north", "no-such-format"), nullptr);
  EXPECT_EQ(adapters.find("ghost", "hl7v2"), adapters::all_adapters().find("hl7v2"));
}

TEST(ExchangeAdapters, AnUnknownFormatIsAProblemNamingTheExchangeAndTheKnownFormats) {
  std::vector<std::string> problems;
  auto adapters = ExchangeAdapters::build({exchange("north", "hl7v2"), exchange("odd", "edifact")},
                                          adapters::all_adapters(), problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("exchanges[1] (odd): format: no adapter named 'edifact'"), std::string::npos)
      << problems[0];
  EXPECT_NE(problems[0].find("hl7v2"), std::string::npos) << problems[0];
  EXPECT_EQ(adapters.find("odd", "edifact"), nullptr);
}

TEST(ExchangeAdapters, AMappingForAFormatThatTakesNoneOrAMissingFileIsAProblem) {
  TempDir dir;
  const std::string mapping = dir.path("mapping.json");
  std::ofstream(mapping) << "{}";
  std::vector<std::string> problems;
  ExchangeAdapters::build({exchange("north", "hl7v2", mapping), exchange("south", "hl7v2", dir.path("absent.json"))},
                          adapters::all_adapters(), problems);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].find("exchanges[0] (north): mapping: "), std::string::npos) << problems[0];
  EXPECT_NE(problems[0].find("takes no mapping"), std::string::npos) << problems[0];
  EXPECT_NE(problems[1].find("exchanges[1] (south): mapping: "), std::string::npos) << problems[1];
  EXPECT_NE(problems[1].find("cannot read the mapping file"), std::string::npos) << problems[1];
}

}  // namespace
}  // namespace hie::routing
