// The settings handed to an exchange's adapter: identifier_systems (top level and per exchange)
// and exchanges[].default_utc_offset.

#include <gtest/gtest.h>

#include "broker/config/load_config.hpp"

namespace hie::config {
namespace {

using Outcome = boost::system::result<Config, ConfigErrors>;

Outcome parse(std::string_view text, std::vector<std::string> overrides = {}) {
  return parse_config(text, "broker.json", overrides, "/etc/hiebroker");
}

std::vector<std::string> errors_of(const Outcome& outcome) {
  std::vector<std::string> seen;
  if (outcome) return seen;
  for (const auto& e : outcome.error().errors) seen.push_back(e.describe());
  return seen;
}

const std::string kNotAUri =
    "expected an absolute URI: http(s)://HOST..., urn:oid:DOTTED.DIGITS or urn:uuid:UUID";

constexpr const char* kTables = R"({
  "identifier_systems": {
    "HOSP": "https://region.example/mrn",
    "PAS": "urn:oid:2.16.840.1.113883.2.1.3.2.4.18.48"
  },
  "exchanges": [
    { "id": "north", "format": "hl7v2", "default_utc_offset": "+01:00",
      "identifier_systems": { "HOSP": "https://north.example/mrn", "PI": "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e" } },
    { "id": "south", "format": "hl7v2", "default_utc_offset": "Z" },
    { "id": "west", "format": "hl7v2" }
  ]
})";

TEST(ExchangeAdapterSettings, ExchangesInheritTheTopLevelTableAndOverrideByAuthority) {
  auto config = parse(kTables);
  ASSERT_TRUE(config) << errors_of(config).front();
  ASSERT_EQ(config->exchanges.size(), 3u);
  EXPECT_EQ(config->exchanges[0].identifier_systems,
            (IdentifierSystems{{"HOSP", "https://north.example/mrn"},  // its own entry wins
                               {"PAS", "urn:oid:2.16.840.1.113883.2.1.3.2.4.18.48"},  // inherited
                               {"PI", "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e"}}));
  EXPECT_EQ(config->exchanges[1].identifier_systems,
            (IdentifierSystems{{"HOSP", "https://region.example/mrn"},
                               {"PAS", "urn:oid:2.16.840.1.113883.2.1.3.2.4.18.48"}}));
  EXPECT_EQ(config->exchanges[0].default_utc_offset, "+01:00");
  EXPECT_EQ(config->exchanges[1].default_utc_offset, "Z");
  // None: times sent without an offset stay dates.
  EXPECT_EQ(config->exchanges[2].default_utc_offset, "");
}

TEST(ExchangeAdapterSettings, NoTablesMeansEmptyTables) {
  auto config = parse(R"({"exchanges": [{"id": "a", "format": "hl7v2"}]})");
  ASSERT_TRUE(config);
  EXPECT_TRUE(config->exchanges[0].identifier_systems.empty());
}

TEST(ExchangeAdapterSettings, BadEntriesNameFileLineAndAuthorityInFileOrder) {
  auto config = parse(R"({
  "identifier_systems": {
    "HOSP": "hospital-mrn",
    "": "https://empty.example"
  },
  "exchanges": [
    { "id": "north", "format": "hl7v2",
      "default_utc_offset": "+0100",
      "identifier_systems": {
        "PAS": "urn:oid:2.16.840.01",
        "NHS": 42,
        "OK": "https://fine.example/id"
      } }
  ]
})");
  EXPECT_EQ(errors_of(config),
            (std::vector<std::string>{
                "broker.json:3: identifier_systems.HOSP: " + kNotAUri + " (got \"hospital-mrn\")",
                "broker.json:4: identifier_systems.: the assigning authority (or identifier type) "
                "must not be empty",
                "broker.json:8: exchanges[0].default_utc_offset: expected Z or +HH:MM / -HH:MM, at "
                "most 14:00 (got \"+0100\")",
                "broker.json:10: exchanges[0].identifier_systems.PAS: " + kNotAUri +
                    " (got \"urn:oid:2.16.840.01\")",
                "broker.json:11: exchanges[0].identifier_systems.NHS: expected a string",
            }));
}

TEST(ExchangeAdapterSettings, TableMustBeAnObject) {
  auto config =
      parse(R"({"exchanges": [{"id": "a", "format": "hl7v2", "identifier_systems": ["HOSP"]}]})");
  EXPECT_EQ(errors_of(config),
            (std::vector<std::string>{"broker.json:1: exchanges[0].identifier_systems: "
                                      "expected an object of strings"}));
}

TEST(ExchangeAdapterSettings, OverridesReachOneEntryOrTheWholeTable) {
  auto config = parse(kTables, {"exchanges.south.identifier_systems.HOSP=https://south.example/mrn",
                                "identifier_systems={\"LAB\": \"http://lab.example/id\"}",
                                "exchanges.west.default_utc_offset=-05:00"});
  ASSERT_TRUE(config) << errors_of(config).front();
  EXPECT_EQ(
      config->exchanges[1].identifier_systems,
      (IdentifierSystems{{"HOSP", "https://south.example/mrn"}, {"LAB", "http://lab.example/id"}}));
  EXPECT_EQ(config->exchanges[2].default_utc_offset, "-05:00");

  auto bad = parse(kTables, {"exchanges.west.identifier_systems.X=not a uri"});
  EXPECT_EQ(errors_of(bad),
            (std::vector<std::string>{"--set exchanges.west.identifier_systems.X=not a uri: "
                                      "exchanges[2].identifier_systems.X: " +
                                      kNotAUri + " (got \"not a uri\")"}));
}

TEST(ExchangeAdapterSettings, MisspeltSettingIsSuggested) {
  auto config =
      parse(R"({"exchanges": [{"id": "a", "format": "hl7v2", "identifier_system": {}}]})");
  EXPECT_EQ(errors_of(config),
            (std::vector<std::string>{"broker.json:1: exchanges[0].identifier_system: unknown "
                                      "setting (did you mean exchanges[0].identifier_systems?)"}));
}

}  // namespace
}  // namespace hie::config
