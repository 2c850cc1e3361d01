// Event settings: exchanges' subscriptions and mllp_delivery, and the top-level events.
#include <gtest/gtest.h>

#include "tests/config/config_text.hpp"

namespace hie::config {
namespace {

using testing::error_lines;
using testing::parse_text;

TEST(EventSettings, SubscriptionsAndDeliveryAreRead) {
  auto config = parse_text(R"({"exchanges": [
  {"id": "gp", "format": "hl7v2", "transport": "mllp", "mllp_delivery": {"host": "127.0.0.1", "port": 2576},
   "subscriptions": [{"events": ["admission", "discharge"]},
                     {"events": ["new-result"], "patients": "listed", "nhs_numbers": ["9434765919"]}]},
  {"id": "city", "format": "fhir", "subscriptions": [{"events": ["merge"], "patients": "all"}]}],
  "events": {"ack_timeout_ms": 2000, "max_attempts": 4, "retry_initial_ms": 100, "retry_max_ms": 1000,
             "backlog_alert": 50, "in_flight": 8}})");
  ASSERT_TRUE(config) << error_lines(config).front();
  const auto& gp = config->exchanges[0];
  ASSERT_EQ(gp.subscriptions.size(), 2u);
  EXPECT_EQ(gp.subscriptions[0].events, (std::vector<std::string>{"admission", "discharge"}));
  EXPECT_EQ(gp.subscriptions[0].patients, "held");
  EXPECT_EQ(gp.subscriptions[1].nhs_numbers, (std::vector<std::string>{"9434765919"}));
  ASSERT_TRUE(gp.mllp_delivery);
  EXPECT_EQ(gp.mllp_delivery->port, 2576);
  EXPECT_EQ(config->exchanges[1].subscriptions[0].patients, "all");
  EXPECT_EQ(config->events.ack_timeout.count(), 2000);
  EXPECT_EQ(config->events.max_attempts, 4u);
  EXPECT_EQ(config->events.backlog_alert, 50u);
}

TEST(EventSettings, WhatCannotWorkIsRefusedWithItsPlace) {
  auto config = parse_text(R"({"exchanges": [
  {"id": "gp", "format": "hl7v2", "transport": "mllp", "subscriptions": [{"events": ["admission"]}]},
  {"id": "city", "format": "fhir", "subscriptions": [{"events": ["arrival"]}, {"events": ["merge"], "patients": "listed"},
   {"events": ["merge"], "patients": "listed", "nhs_numbers": ["9434765918"]}]},
  {"id": "west", "format": "fhir", "transport": "fhir-rest", "credentials": {"base_url": "https://w.example/fhir"},
   "subscriptions": [{"events": ["admission"]}]}],
  "events": {"max_attempts": 0}})");
  EXPECT_EQ(error_lines(config),
            (std::vector<std::string>{
                "broker.json:2: exchanges[0].subscriptions: an mllp exchange receives events over MLLP: set "
                "mllp_delivery (host, port)",
                "broker.json:3: exchanges[1].subscriptions[0].events: unknown event kind \"arrival\" (admission, "
                "discharge, transfer, demographics-update, merge, new-result, new-document)",
                "broker.json:3: exchanges[1].subscriptions[1].nhs_numbers: patients \"listed\" needs the NHS numbers "
                "to list",
                "broker.json:4: exchanges[1].subscriptions[2].nhs_numbers: \"9434765918\" is not a valid NHS number",
                "broker.json:6: exchanges[2].subscriptions: a fhir-rest exchange cannot receive events: the broker "
                "does not write to FHIR servers",
                "broker.json:7: events.max_attempts: must be from 1 to 1000"}));
}

TEST(EventSettings, DeliveredRetentionDefaultsToAWeekAndZeroKeepsForever) {
  auto defaults = parse_text(R"({"exchanges": []})");
  ASSERT_TRUE(defaults) << error_lines(defaults).front();
  EXPECT_EQ(defaults->events.delivered_retention_hours, 168u);
  auto forever = parse_text(R"({"events": {"delivered_retention_hours": 0}})");
  ASSERT_TRUE(forever) << error_lines(forever).front();
  EXPECT_EQ(forever->events.delivered_retention_hours, 0u);
  auto longest = parse_text(R"({"events": {"delivered_retention_hours": 876000}})");
  ASSERT_TRUE(longest) << error_lines(longest).front();
  EXPECT_EQ(longest->events.delivered_retention_hours, 876'000u);
}

TEST(EventSettings, DeliveredRetentionOutOfRangeNamesTheLine) {
  EXPECT_EQ(error_lines(parse_text("{\"events\": {\n  \"delivered_retention_hours\": 876001}}")),
            (std::vector<std::string>{
                "broker.json:2: events.delivered_retention_hours: must be from 0 (keep forever) to 876000"}));
  EXPECT_EQ(error_lines(parse_text(R"({"events": {"delivered_retention_hours": "a week"}})")),
            (std::vector<std::string>{"broker.json:1: events.delivered_retention_hours: expected an integer from 0 to "
                                      "1099511627776"}));
}

}  // namespace
}  // namespace hie::config
