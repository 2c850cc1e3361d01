#include "broker/logging/log.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

namespace hie::log {
namespace {

class LogTest : public ::testing::Test {
 protected:
  std::ostringstream out_;
  void use(std::string_view level, bool json) {
    configure(level, json, std::make_shared<spdlog::sinks::ostream_sink_mt>(out_));
  }
  std::vector<std::string> lines() const {
    std::vector<std::string> result;
    std::istringstream in(out_.str());
    for (std::string line; std::getline(in, line);) result.push_back(line);
    return result;
  }
};

TEST_F(LogTest, JsonLinesCarryIdsFieldsAndEscapes) {
  use("info", true);
  write(Level::info, {"c7", "c7-2"}, "a \"quoted\"\nmessage", {{"route", "/healthz"}, {"status", 200}});
  auto all = lines();
  ASSERT_EQ(all.size(), 1u);
  rapidjson::Document d;
  d.Parse(all[0].c_str());
  ASSERT_FALSE(d.HasParseError()) << all[0];
  EXPECT_STREQ(d["level"].GetString(), "info");
  EXPECT_STREQ(d["msg"].GetString(), "a \"quoted\"\nmessage");
  EXPECT_STREQ(d["conn"].GetString(), "c7");
  EXPECT_STREQ(d["req"].GetString(), "c7-2");
  EXPECT_STREQ(d["route"].GetString(), "/healthz");
  EXPECT_EQ(d["status"].GetInt(), 200);
  EXPECT_EQ(std::string(d["time"].GetString()).back(), 'Z');
}

TEST_F(LogTest, JsonLinesCarryExchangeAndQueryIds) {
  use("info", true);
  write(Level::info, {.request = "c3-1", .exchange = "north-hie", .query = "5f3a-2c"}, "query finished",
        {{"exchanges", 2}, {"ms", 12.5}});
  auto all = lines();
  ASSERT_EQ(all.size(), 1u);
  rapidjson::Document d;
  d.Parse(all[0].c_str());
  ASSERT_FALSE(d.HasParseError()) << all[0];
  EXPECT_FALSE(d.HasMember("conn"));  // empty parts are left out
  EXPECT_STREQ(d["req"].GetString(), "c3-1");
  EXPECT_STREQ(d["exchange"].GetString(), "north-hie");
  EXPECT_STREQ(d["query"].GetString(), "5f3a-2c");
  EXPECT_EQ(d["exchanges"].GetInt(), 2);
  EXPECT_DOUBLE_EQ(d["ms"].GetDouble(), 12.5);
}

TEST_F(LogTest, FieldsKnownOnlyAtRunTime) {
  use("info", false);
  std::vector<Field> fields;
  fields.emplace_back("answered", 2);
  fields.emplace_back("timed_out", 1);
  write(Level::info, {.exchange = "south", .query = "q1"}, "query finished", fields);
  EXPECT_NE(out_.str().find(" info query finished answered=2 timed_out=1 exchange=south query=q1"), std::string::npos)
      << out_.str();
}

TEST_F(LogTest, TextLinesCarryIdsAndFields) {
  use("info", false);
  info({"c1", {}}, "listening on {}", 8080);
  write(Level::warn, {"c2", "c2-9"}, "refused", {{"reason", "timeout"}});
  auto all = lines();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_NE(all[0].find(" info listening on 8080 conn=c1"), std::string::npos) << all[0];
  EXPECT_NE(all[1].find(" warning refused reason=timeout conn=c2 req=c2-9"), std::string::npos) << all[1];
}

TEST_F(LogTest, LevelFiltersDebug) {
  use("info", false);
  debug({}, "payload {}", "MSH|^~\\&|...");
  EXPECT_TRUE(out_.str().empty());
  EXPECT_FALSE(enabled(Level::debug));
  use("debug", false);
  debug({}, "payload {}", "x");
  EXPECT_NE(out_.str().find("payload x"), std::string::npos);
}

}  // namespace
}  // namespace hie::log
