#include "tools/hie-sim/mllp_messages.hpp"

#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"

namespace hie::sim {
namespace {

const std::string kA01 =
    "MSH|^~\\&|PAS|NORTH|HIE|HIE|20240102030405||ADT^A01|CTRL-1|P|2.5.1\rPID|1||M1^^^HOSP^MR\r";
const std::string kA08 =
    "MSH|^~\\&|PAS|NORTH|HIE|HIE|20240102030405||ADT^A08|CTRL-2|P|2.5.1\rPID|1||M2^^^HOSP^MR\r";

TEST(MllpMessages, TheControlIdGetsASuffix) {
  EXPECT_EQ(*with_control_id_suffix(kA01, "-R2"),
            "MSH|^~\\&|PAS|NORTH|HIE|HIE|20240102030405||ADT^A01|CTRL-1-R2|P|2.5.1\rPID|1||M1^^^"
            "HOSP^MR\r");
  // Other separators and a byte order mark.
  EXPECT_EQ(*with_control_id_suffix("\xEF\xBB\xBFMSH#^~\\&#A#B#C#D#2024##ADT^A01#X#P#2.3\n", "-R3"),
            "\xEF\xBB\xBFMSH#^~\\&#A#B#C#D#2024##ADT^A01#X-R3#P#2.3\n");
  EXPECT_EQ(
      with_control_id_suffix("MSH|^~\\&|A|B|C|D|2024||ADT^A01||P|2.3\r", "-R2").error().describe(),
      "MSH-10: MSH-10 (control id) is empty");
  EXPECT_FALSE(with_control_id_suffix("PID|1\r", "-R2"));
}

TEST(MllpMessages, FilesAreSplitIntoMessagesAndRoundsGetTheirOwnIds) {
  auto messages = mllp_messages({{"two.hl7", kA01 + kA08}, {"one.hl7", kA01}}, 2);
  ASSERT_TRUE(messages) << messages.error().describe();
  ASSERT_EQ(messages->size(), 6u);
  std::vector<std::string> ids;
  for (const auto& m : *messages) ids.push_back(m.file + " " + m.control_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"two.hl7 CTRL-1", "two.hl7 CTRL-2", "one.hl7 CTRL-1",
                                           "two.hl7 CTRL-1-R2", "two.hl7 CTRL-2-R2",
                                           "one.hl7 CTRL-1-R2"}));
  EXPECT_EQ((*messages)[1].text, kA08);
  EXPECT_NE((*messages)[4].text.find("|ADT^A08|CTRL-2-R2|"), std::string::npos);
}

TEST(MllpMessages, ABatchFileLosesItsEnvelope) {
  const std::string batch = "FHS|^~\\&\rBHS|^~\\&\r" + kA01 + kA08 + "BTS|2\rFTS|1\r";
  auto messages = mllp_messages({{"batch.hl7", batch}}, 1);
  ASSERT_TRUE(messages) << messages.error().describe();
  ASSERT_EQ(messages->size(), 2u);
  EXPECT_EQ((*messages)[0].text, kA01);
  EXPECT_EQ((*messages)[1].text, kA08);
}

TEST(MllpMessages, AFileWithoutMessagesIsNamed) {
  auto none = mllp_messages({{"empty.hl7", "hello\r"}}, 1);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().location().rfind("empty.hl7", 0), 0u) << none.error().describe();
  auto missing = load_mllp_messages({"/nonexistent/x.hl7"}, 1);
  EXPECT_EQ(missing.error().describe(), "/nonexistent/x.hl7: file not found");
}

TEST(MllpMessages, LoadsTheNorthDataset) {
  testing::TempDir dir;
  const std::string root = std::string(HIE_SOURCE_DIR) + "/config/sim/data/north/";
  auto messages = load_mllp_messages({root + "adt_a01.hl7", root + "ADT01-23.hl7"}, 1);
  ASSERT_TRUE(messages) << messages.error().describe();
  ASSERT_EQ(messages->size(), 2u);
  EXPECT_EQ((*messages)[0].control_id, "7");
  EXPECT_EQ((*messages)[1].control_id, "599102");
  EXPECT_EQ((*messages)[1].file, "ADT01-23.hl7");
}

TEST(MllpMessages, ReadsMsaOfAnAck) {
  auto ack =
      read_ack("MSH|^~\\&|HIE|HIE|PAS|NORTH|20240102030405||ACK^A01|B1|P|2.5.1\rMSA|CA|CTRL-1\r");
  ASSERT_TRUE(ack) << ack.error().describe();
  EXPECT_EQ(ack->code, "CA");
  EXPECT_EQ(ack->control_id, "CTRL-1");
  EXPECT_TRUE(is_accepted("AA"));
  EXPECT_TRUE(is_accepted("CA"));
  EXPECT_FALSE(is_accepted("AR"));
  EXPECT_FALSE(is_accepted("AE"));
  EXPECT_EQ(read_ack("MSH|^~\\&|HIE|HIE|PAS|NORTH|2024||ACK|B1|P|2.5.1\r").error().describe(),
            "an ACK without MSA");
}

}  // namespace
}  // namespace hie::sim
