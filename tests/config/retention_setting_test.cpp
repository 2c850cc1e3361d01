// exchanges[].retention_days: how long an exchange's journal and stored resources are kept.

#include <gtest/gtest.h>

#include "broker/config/load_config.hpp"

namespace hie::config {
namespace {

TEST(RetentionSetting, DefaultsToForeverAndReadsDays) {
  auto config = parse_config(R"({"exchanges": [
    {"id": "north", "format": "hl7v2"},
    {"id": "south", "format": "hl7v2", "retention_days": 400}]})",
                             "broker.json", {}, "/etc/hiebroker");
  ASSERT_TRUE(config);
  EXPECT_EQ(config->exchanges[0].retention_days, 0u);
  EXPECT_EQ(config->exchanges[1].retention_days, 400u);
}

TEST(RetentionSetting, OutOfRangeNamesTheLine) {
  auto config = parse_config("{\"exchanges\": [\n  {\"id\": \"north\", \"format\": \"hl7v2\", \"retention_days\": 40000}]}",
                             "broker.json", {}, "/etc/hiebroker");
  ASSERT_FALSE(config);
  ASSERT_EQ(config.error().errors.size(), 1u);
  EXPECT_EQ(config.error().errors[0].describe(),
            "broker.json:2: exchanges[0].retention_days: must be from 0 (keep forever) to 36500");
}

}  // namespace
}  // namespace hie::config
