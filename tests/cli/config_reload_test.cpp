#include "broker/cli/config_reload.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace hie::cli {
namespace {

config::Config two_exchanges() {
  config::Config c;
  c.listeners.http = config::HttpListener{};
  for (const char* id : {"north-hie", "city-hie"}) {
    config::Exchange e;
    e.id = id;
    e.format = "hl7v2";
    e.credentials.cert_subject_cn = id;
    c.exchanges.push_back(e);
  }
  return c;
}

bool names(const ReloadPlan& plan, const std::string& setting) {
  return std::ranges::find(plan.needs_restart, setting) != plan.needs_restart.end();
}

TEST(PlanReload, TheSameConfigurationChangesNothing) {
  auto plan = plan_reload(two_exchanges(), two_exchanges());
  EXPECT_FALSE(plan.log_level);
  EXPECT_TRUE(plan.new_credentials.empty());
  EXPECT_TRUE(plan.needs_restart.empty());
}

TEST(PlanReload, LogLevelAndCredentialsApplyAndTheRestWaitsForARestart) {
  auto next = two_exchanges();
  next.logging.level = "debug";
  next.exchanges[1].credentials.cert_sha256 = "ab12";
  next.listeners.http->port = 9090;
  next.limits.query_timeout = std::chrono::milliseconds(7000);
  next.events.max_attempts = 3;
  auto plan = plan_reload(two_exchanges(), next);
  EXPECT_TRUE(plan.log_level);
  EXPECT_EQ(plan.new_credentials, std::vector<std::size_t>{1});
  EXPECT_TRUE(names(plan, "listeners"));
  EXPECT_TRUE(names(plan, "limits"));
  EXPECT_TRUE(names(plan, "events"));
  EXPECT_FALSE(names(plan, "store"));
  auto in_force = apply_reload(two_exchanges(), next, plan);
  EXPECT_EQ(in_force.logging.level, "debug");
  EXPECT_EQ(in_force.exchanges[1].credentials.cert_sha256, "ab12");
  EXPECT_EQ(in_force.listeners.http->port, 8080);  // still what runs
  EXPECT_EQ(in_force.limits.query_timeout, std::chrono::milliseconds(5000));
  // Reloading the same file again finds only what still waits for a restart.
  auto again = plan_reload(in_force, next);
  EXPECT_FALSE(again.log_level);
  EXPECT_TRUE(again.new_credentials.empty());
  EXPECT_TRUE(names(again, "listeners"));
}

TEST(PlanReload, TheAccessLogSettingWaitsForARestart) {
  auto next = two_exchanges();
  next.logging.access_log = false;
  auto plan = plan_reload(two_exchanges(), next);
  EXPECT_FALSE(plan.log_level);
  EXPECT_TRUE(names(plan, "logging.access_log"));
  EXPECT_TRUE(apply_reload(two_exchanges(), next, plan).logging.access_log);  // still what runs
}

TEST(PlanReload, AnExchangeWhoseFormatChangedKeepsItsOldCredentialsUntilTheRestart) {
  auto next = two_exchanges();
  next.exchanges[0].format = "cda";
  next.exchanges[0].credentials.cert_sha256 = "cd34";
  auto plan = plan_reload(two_exchanges(), next);
  EXPECT_TRUE(names(plan, "exchanges[0] (north-hie)"));
  EXPECT_TRUE(plan.new_credentials.empty());
  EXPECT_TRUE(apply_reload(two_exchanges(), next, plan).exchanges[0].credentials.cert_sha256.empty());
}

TEST(PlanReload, AddingAnExchangeNeedsARestart) {
  auto next = two_exchanges();
  next.exchanges.push_back(next.exchanges[0]);
  next.exchanges.back().id = "valley-hie";
  auto plan = plan_reload(two_exchanges(), next);
  EXPECT_TRUE(names(plan, "exchanges (added or removed)"));
  EXPECT_EQ(apply_reload(two_exchanges(), next, plan).exchanges.size(), 2u);
}

}  // namespace
}  // namespace hie::cli
