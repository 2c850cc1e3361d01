#include "broker/config/json_source.hpp"

#include <gtest/gtest.h>

namespace hie::config {
namespace {

TEST(JsonSource, RecordsLinesOfKeysAndArrayElements) {
  auto source = JsonSource::parse("{\n \"a\": {\n  \"b\": 1\n },\n \"list\": [\n  {\"id\": \"x\"},\n  {\"id\": \"y\"}\n ]\n}",
                                  "f.json");
  ASSERT_TRUE(source);
  EXPECT_EQ(source->location_of("a"), "f.json:2");
  EXPECT_EQ(source->location_of("a.b"), "f.json:3");
  EXPECT_EQ(source->location_of("list[1]"), "f.json:7");
  EXPECT_EQ(source->location_of("list[1].id"), "f.json:7");
  EXPECT_EQ(source->location_of("a.b.c"), "f.json:3");  // unknown child: nearest known ancestor
}

TEST(JsonSource, OverrideValueTypes) {
  auto source = JsonSource::parse("{}", "f.json");
  ASSERT_TRUE(source);
  ASSERT_TRUE(source->apply_override("n=8080"));
  ASSERT_TRUE(source->apply_override("b=true"));
  ASSERT_TRUE(source->apply_override("s=plain words"));
  ASSERT_TRUE(source->apply_override("o={\"k\": [1, 2]}"));
  ASSERT_TRUE(source->apply_override("quoted=\"8080\""));
  const auto& d = source->document();
  EXPECT_TRUE(d["n"].IsUint());
  EXPECT_TRUE(d["b"].GetBool());
  EXPECT_STREQ(d["s"].GetString(), "plain words");
  EXPECT_EQ(d["o"]["k"].Size(), 2u);
  EXPECT_STREQ(d["quoted"].GetString(), "8080");
  EXPECT_EQ(source->location_of("n"), "--set n=8080");
}

TEST(JsonSource, OverrideThroughScalarIsAnError) {
  auto source = JsonSource::parse("{\"a\": 1}", "f.json");
  ASSERT_TRUE(source);
  auto applied = source->apply_override("a.b=2");
  ASSERT_FALSE(applied);
  EXPECT_EQ(applied.error().describe(), "--set a.b=2: a is not an object");
}

TEST(JsonSource, TopLevelMustBeObject) {
  auto source = JsonSource::parse("[1, 2]", "f.json");
  ASSERT_FALSE(source);
  EXPECT_EQ(source.error().location(), "f.json:1");
}

}  // namespace
}  // namespace hie::config

namespace hie::config {
namespace {

TEST(JsonSource, MultiLineArrayElementsAreLocatedAtTheirStart) {
  auto source = JsonSource::parse("{\"list\": [\n  {\n    \"id\": \"x\"\n  },\n  [\n    1\n  ]\n]}", "f.json");
  ASSERT_TRUE(source);
  EXPECT_EQ(source->location_of("list[0]"), "f.json:2");
  EXPECT_EQ(source->location_of("list[1]"), "f.json:5");
  EXPECT_EQ(source->location_of("list[1][0]"), "f.json:6");
}

TEST(JsonSource, OverrideForgetsOnlyTheLocationsUnderIt) {
  auto source = JsonSource::parse("{\"limits\": {\n\"max_connections\": 1,\n\"max_connections_per_exchange\": 2\n}}",
                                  "f.json");
  ASSERT_TRUE(source);
  ASSERT_TRUE(source->apply_override("limits.max_connections=5"));
  EXPECT_EQ(source->location_of("limits.max_connections"), "--set limits.max_connections=5");
  EXPECT_EQ(source->location_of("limits.max_connections_per_exchange"), "f.json:3");
}

TEST(JsonSource, ElementIdWinsOverIndex) {
  auto source = JsonSource::parse(R"({"x": [{"id": "a", "v": 0}, {"id": "b", "v": 0}, {"id": "1", "v": 0}]})", "f.json");
  ASSERT_TRUE(source);
  ASSERT_TRUE(source->apply_override("x.1.v=7"));
  ASSERT_TRUE(source->apply_override("x.0.v=3"));
  EXPECT_EQ(source->document()["x"][2]["v"].GetInt(), 7);  // the element with id "1"
  EXPECT_EQ(source->document()["x"][0]["v"].GetInt(), 3);  // index 0: no element has id "0"
  EXPECT_FALSE(source->apply_override("x.99999999999.v=1"));
}

}  // namespace
}  // namespace hie::config
