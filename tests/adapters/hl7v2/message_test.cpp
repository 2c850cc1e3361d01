#include "adapters/hl7v2/message.hpp"

#include <gtest/gtest.h>

#include "adapters/hl7v2/batch.hpp"

namespace hie::adapters::hl7v2 {
namespace {

constexpr std::string_view kAdt =
    "MSH|^~\\&|SENDAPP|SENDFAC|RECVAPP|RECVFAC|20240102030405+0100||ADT^A01^ADT_A01|CTRL123|P|2.5.1\r"
    "EVN|A01|20240102030405\r"
    "PID|1||943476591^^^NHS^NH~MRN7^^^HOSP^MR||SMITH^JOHN^^^MR||19700101|M\r"
    "ZXX|custom^value\r";

TEST(Hl7Message, ReadsSegmentsFieldsAndHeader) {
  auto m = Message::parse(kAdt);
  ASSERT_TRUE(m) << m.error().describe();
  EXPECT_EQ(m->segments().size(), 4u);
  EXPECT_EQ(m->message_code(), "ADT");
  EXPECT_EQ(m->trigger_event(), "A01");
  EXPECT_EQ(m->message_structure(), "ADT_A01");
  EXPECT_EQ(m->control_id(), "CTRL123");
  EXPECT_EQ(m->version(), "2.5.1");
  EXPECT_EQ(m->msh().field(1), "|");
  EXPECT_EQ(m->msh().field(2), "^~\\&");
  EXPECT_EQ(m->msh().field(3), "SENDAPP");
  const Segment* pid = m->find("PID");
  ASSERT_NE(pid, nullptr);
  EXPECT_EQ(pid->number(), 3u);
  EXPECT_EQ(raw_value(*pid, m->delimiters(), {"PID", 3, 2, 1}), "MRN7");
  EXPECT_EQ(raw_value(*pid, m->delimiters(), {"PID", 3, 1, 5}), "NH");
  EXPECT_EQ(raw_value(*pid, m->delimiters(), {"PID", 5, 1, 2}), "JOHN");
  EXPECT_EQ(raw_value(*pid, m->delimiters(), {"PID", 99}), "");
  EXPECT_EQ(m->find("ZXX")->field(1), "custom^value");
  EXPECT_EQ((Address{"PID", 11, 2, 4}).to_string(), "PID-11[2].4");
}

TEST(Hl7Message, FieldCountsAreKnownBeforeAndAfterTheFirstRead) {
  // Fields are split on first read: counts come from the parse, values from the split.
  auto m = Message::parse("MSH|^~\\&|A||B\rZZZ\rPID|1|||||\rOBX|1|NM|||5.5  ");
  ASSERT_TRUE(m) << m.error().describe();
  const auto& s = m->segments();
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].field_count(), 5u);  // MSH-1 is the separator itself
  EXPECT_EQ(s[1].field_count(), 0u);
  EXPECT_EQ(s[1].id(), "ZZZ");
  EXPECT_EQ(s[1].field(1), "");
  EXPECT_EQ(s[2].field_count(), 6u);
  EXPECT_EQ(s[2].field(6), "");
  EXPECT_EQ(s[2].field(1), "1");
  EXPECT_EQ(s[2].field_count(), 6u);
  EXPECT_EQ(s[3].field(5), "5.5");  // trailing blanks end the segment
  EXPECT_EQ(s[3].field(6), "");
  EXPECT_EQ(s[0].field(5), "B");
  EXPECT_EQ(s[0].field(4), "");
}

TEST(Hl7Message, EncodingCharactersComeFromTheMessage) {
  auto m = Message::parse("MSH!@#$%!APP!FAC\rPID!1!!ID1@@@AUTH#ID2@@@AUTH2!!DOE@JANE");
  ASSERT_TRUE(m) << m.error().describe();
  const auto& d = m->delimiters();
  EXPECT_EQ(d.field, '!');
  EXPECT_EQ(d.component, '@');
  EXPECT_EQ(d.repetition, '#');
  EXPECT_EQ(d.escape, '$');
  EXPECT_EQ(d.subcomponent, '%');
  const Segment* pid = m->find("PID");
  EXPECT_EQ(raw_value(*pid, d, {"PID", 3, 2, 4}), "AUTH2");
  EXPECT_EQ(raw_value(*pid, d, {"PID", 5, 1, 2}), "JANE");
}

TEST(Hl7Message, TruncationCharacterOfV27) {
  auto m = Message::parse("MSH|^~\\&#|APP\rPID|1");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->delimiters().truncation, '#');
}

TEST(Hl7Message, EveryTerminatorStyleGivesTheSameSegments) {
  for (std::string_view sep : {"\r", "\n", "\r\n"}) {
    std::string text = "MSH|^~\\&|A";
    text += sep;
    text += "PID|1||X";
    text += sep;
    auto m = Message::parse(text);
    ASSERT_TRUE(m);
    ASSERT_EQ(m->segments().size(), 2u);
    EXPECT_EQ(m->segments()[1].field(3), "X");
  }
  auto mixed = Message::parse("MSH|^~\\&|A\rEVN|A01\r\nPID|1||X\nPV1|1|I");
  ASSERT_TRUE(mixed);
  EXPECT_EQ(mixed->segments().size(), 4u);
  EXPECT_EQ(mixed->segments()[3].field(2), "I");
}

TEST(Hl7Message, BomBlankLinesAndTrailingSpaces) {
  auto m = Message::parse("\xEF\xBB\xBFMSH|^~\\&|A   \r\n\r\n  \nPID|1||X  \r\n ");
  ASSERT_TRUE(m) << m.error().describe();
  ASSERT_EQ(m->segments().size(), 2u);
  EXPECT_EQ(m->msh().field(3), "A");
  EXPECT_EQ(m->segments()[1].field(3), "X");
}

TEST(Hl7Message, ExplicitNullIsNotEmpty) {
  auto m = Message::parse("MSH|^~\\&|A\rPID|1||\"\"|");
  ASSERT_TRUE(m);
  EXPECT_TRUE(is_explicit_null(m->find("PID")->field(3)));
  EXPECT_FALSE(is_explicit_null(m->find("PID")->field(4)));
  EXPECT_EQ(m->find("PID")->field(4), "");
}

TEST(Hl7Message, DoubledEscapeInMsh2IsToleratedWithANote) {
  auto m = Message::parse("MSH|^~\\\\&|SE050\rEVN||2012");
  ASSERT_TRUE(m) << m.error().describe();
  EXPECT_EQ(m->delimiters().escape, '\\');
  EXPECT_EQ(m->delimiters().subcomponent, '&');
  ASSERT_EQ(m->notes().size(), 1u);
  EXPECT_EQ(m->notes()[0].location, "MSH-2");
}

TEST(Hl7Message, CharsetFromMsh18) {
  auto latin = Message::parse("MSH|^~\\&|A||||||ADT^A01|1|P|2.5||||||8859/1");
  ASSERT_TRUE(latin);
  EXPECT_EQ(latin->charset(), Charset::latin1);
  auto utf8 = Message::parse("MSH|^~\\&|A||||||ADT^A01|1|P|2.5||||||UNICODE UTF-8");
  ASSERT_TRUE(utf8);
  EXPECT_EQ(utf8->charset(), Charset::utf8);
  auto other = Message::parse("MSH|^~\\&|A||||||ADT^A01|1|P|2.5||||||ISO IR87");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().location(), "MSH-18");
}

struct Malformed {
  const char* name;
  std::string input;
  const char* location;
};

TEST(Hl7Message, MalformedInputsAreErrorsWithALocation) {
  std::vector<Malformed> cases = {
      {"empty", "", "segment 1"},
      {"no MSH", "PID|1||X\r", "segment 1"},
      {"MSH only", "MSH", "MSH-1"},
      {"missing MSH-2", "MSH||APP|FAC", "MSH-2"},
      {"short MSH-2", "MSH|^~|APP", "MSH-2"},
      {"repeated delimiter", "MSH|^^\\&|APP", "MSH-2"},
      {"letter delimiter", "MSH|^~\\A|APP", "MSH-2"},
      {"binary junk", std::string("MSH|^~\\&|A\r\x01\x02\xff\xfe junk\r", 18), "segment 2"},
      {"lower-case id", "MSH|^~\\&|A\rpid|1", "segment 2"},
      {"two messages", "MSH|^~\\&|A\rMSH|^~\\&|B", "segment 2"},
  };
  for (const auto& c : cases) {
    auto m = Message::parse(c.input);
    ASSERT_FALSE(m) << c.name;
    EXPECT_EQ(m.error().location(), c.location) << c.name << ": " << m.error().describe();
    EXPECT_FALSE(m.error().message().empty());
  }
}

TEST(Hl7Message, HugeFieldAndManySegmentsParseInLinearTime) {
  std::string big = "MSH|^~\\&|A\rOBX|1|TX|||" + std::string(10 * 1024 * 1024, 'x') + "\r";
  auto m = Message::parse(big);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->find("OBX")->field(5).size(), 10u * 1024 * 1024);

  std::string many = "MSH|^~\\&|A\r";
  for (int i = 0; i < 100000; ++i) many += "OBX|" + std::to_string(i) + "|NM|||1\r";
  auto n = Message::parse(many);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->segments().size(), 100001u);
  EXPECT_EQ(n->segments().back().field(1), "99999");
}

TEST(Hl7Batch, SplitsBatchesAndBackToBackMessages) {
  auto split = split_messages(
      "FHS|^~\\&|F\rBHS|^~\\&|B\rMSH|^~\\&|A|1\rPID|1\rMSH|^~\\&|A|2\rPID|2\r\nBTS|2\rFTS|1\r");
  ASSERT_TRUE(split);
  ASSERT_EQ(split->messages.size(), 2u);
  EXPECT_TRUE(split->had_batch_envelope);
  EXPECT_EQ(split->declared_count, 2u);
  EXPECT_EQ(split->messages[0], "MSH|^~\\&|A|1\rPID|1\r");
  auto second = Message::parse(split->messages[1]);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->msh().field(4), "2");

  auto plain = split_messages("\xEF\xBB\xBFMSH|^~\\&|A\nPID|1\nMSH|^~\\&|B\nPID|2\n");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->messages.size(), 2u);
  EXPECT_FALSE(plain->had_batch_envelope);
  EXPECT_FALSE(split_messages("no hl7 here"));
}

}  // namespace
}  // namespace hie::adapters::hl7v2
