#include "tools/hie-sim/event_log.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/temp_dir.hpp"

namespace hie::sim {
namespace {

rapidjson::Document json(std::string_view text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  EXPECT_FALSE(doc.HasParseError()) << text;
  return doc;
}

std::string line_of(std::string_view event) {
  auto line = event_line(json(event));
  return line ? *line : "error: " + line.error().message();
}

TEST(EventLine, KeepsTheEventsMembersInAFixedOrder) {
  EXPECT_EQ(
      line_of(
          R"({"payload":"MSH|x\r","attempt":3,"type":"event","occurred":"2026-11-26T23:10:04Z",)"
          R"("source":"north-hie","format":"hl7v2","kind":"discharge","id":"ev-7-1","extra":1})"),
      R"({"id":"ev-7-1","kind":"discharge","format":"hl7v2","source":"north-hie",)"
      R"("occurred":"2026-11-26T23:10:04Z","attempt":3,"payload":"MSH|x\r"})");
}

TEST(EventLine, MissingOrOddMetadataIsNull) {
  EXPECT_EQ(line_of(R"({"id":"e","kind":"merge","format":"fhir","payload":"{}","attempt":-1,)"
                    R"("source":7})"),
            R"({"id":"e","kind":"merge","format":"fhir","source":null,"occurred":null,)"
            R"("attempt":null,"payload":"{}"})");
}

TEST(EventLine, NeedsIdKindFormatAndPayload) {
  EXPECT_EQ(line_of(R"({"id":"e","format":"fhir","payload":"{}"})"),
            R"(error: an event needs a string "kind")");
  EXPECT_EQ(line_of(R"({"id":"e","kind":"merge","format":"fhir","payload":{}})"),
            R"(error: an event needs a string "payload")");
  EXPECT_EQ(line_of("[1]"), "error: an event is a JSON object");
}

TEST(EventLog, AppendsLinesToWhatIsThere) {
  const testing::TempDir dir;
  const auto path = dir.file("events.jsonl", "{\"before\":1}\n");
  {
    auto log = EventLog::open(path);
    ASSERT_TRUE(log) << log.error().describe();
    EXPECT_TRUE(log->append(R"({"id":"a"})"));
    // Flushed at once: a reader sees the line while the log is still open.
    EXPECT_EQ(dir.read("events.jsonl"), "{\"before\":1}\n{\"id\":\"a\"}\n");
    EXPECT_TRUE(log->append(R"({"id":"b"})"));
  }
  EXPECT_EQ(dir.read("events.jsonl"), "{\"before\":1}\n{\"id\":\"a\"}\n{\"id\":\"b\"}\n");
}

TEST(EventLog, AFileThatCannotBeOpenedIsAnError) {
  auto log = EventLog::open("/nonexistent-dir/events.jsonl");
  ASSERT_FALSE(log);
  EXPECT_EQ(log.error().message(),
            "--events-out: cannot open /nonexistent-dir/events.jsonl: No such file or directory");
}

TEST(EventLog, WritingToAFullDeviceFails) {
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  auto log = EventLog::open("/dev/full");
  ASSERT_TRUE(log) << log.error().describe();
  EXPECT_FALSE(log->append(R"({"id":"a"})"));
}

}  // namespace
}  // namespace hie::sim
