// Reading a receiver's ACK for a message the broker sent (broker/peers/mllp_reply).
#include "broker/peers/mllp_reply.hpp"

#include <gtest/gtest.h>

namespace hie::peers {
namespace {

const std::string kMsh =
    "MSH|^~\\&|PAS|NORTHFAC|HIEBROKER|HIE|20240101120000||ACK^A01^ACK|ACK1|P|2.5.1";

TEST(MllpReply, ReadsCodeControlIdAndText) {
  auto reply = read_mllp_reply(kMsh + "\rMSA|AA|MSG-1|Message accepted", "MSG-1");
  ASSERT_TRUE(reply) << reply.error().describe();
  EXPECT_EQ(reply->code, "AA");
  EXPECT_EQ(reply->control_id, "MSG-1");
  EXPECT_EQ(reply->text, "Message accepted");
}

TEST(MllpReply, ReadsEveryAcknowledgementCode) {
  for (const char* code : {"AA", "AE", "AR", "CA", "CE", "CR"}) {
    auto reply = read_mllp_reply(kMsh + "\rMSA|" + code + "|MSG-1", "MSG-1");
    ASSERT_TRUE(reply) << code;
    EXPECT_EQ(reply->code, code);
  }
}

TEST(MllpReply, TextIsDecodedOnOneLine) {
  auto reply =
      read_mllp_reply(kMsh + "\rMSA|AE|MSG-1|  bad \\F\\ field\\.br\\second\tline  ", "MSG-1");
  ASSERT_TRUE(reply) << reply.error().describe();
  EXPECT_EQ(reply->text, "bad | field second line");
}

TEST(MllpReply, TextIsCutAt200BytesOutsideAUtf8Sequence) {
  // 199 ASCII bytes then "é" (2 bytes): byte 200 would split it, so the cut comes before it.
  auto reply = read_mllp_reply(
      kMsh + "||||||UNICODE UTF-8\rMSA|AE|MSG-1|" + std::string(199, 'x') + "\xC3\xA9" + "tail",
      "MSG-1");
  ASSERT_TRUE(reply) << reply.error().describe();
  EXPECT_EQ(reply->text, std::string(199, 'x'));
  auto ascii = read_mllp_reply(kMsh + "\rMSA|AE|MSG-1|" + std::string(300, 'y'), "MSG-1");
  ASSERT_TRUE(ascii);
  EXPECT_EQ(ascii->text, std::string(kMaxReplyText, 'y'));
}

TEST(MllpReply, WithoutMsa3TheTextIsTheFirstErr8) {
  auto reply = read_mllp_reply(kMsh +
                                   "\rMSA|AR|MSG-1\rERR||PID^1^3|101^Required field "
                                   "missing^HL70357|E||||Patient id missing\r"
                                   "ERR||PID^1^5|101|E||||second",
                               "MSG-1");
  ASSERT_TRUE(reply) << reply.error().describe();
  EXPECT_EQ(reply->code, "AR");
  EXPECT_EQ(reply->text, "Patient id missing");
}

TEST(MllpReply, ANonHl7ReplyIsAParseError) {
  auto reply = read_mllp_reply("OK", "MSG-1");
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code(), Errc::parse_error);
  EXPECT_EQ(reply.error().message(),
            "the reply is not an HL7 v2 message: segment 1: the message does not start with an MSH "
            "segment");
}

TEST(MllpReply, AMessageWithoutMsaIsNotAnAck) {
  auto reply = read_mllp_reply(kMsh + "\rEVN|A01", "MSG-1");
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code(), Errc::parse_error);
  EXPECT_EQ(reply.error().message(), "the reply has no MSA segment: not an HL7 ACK");
}

TEST(MllpReply, AnUnknownCodeIsAParseError) {
  for (const char* code : {"", "OK", "aa", "AA^x"}) {
    auto reply = read_mllp_reply(kMsh + "\rMSA|" + code + "|MSG-1", "MSG-1");
    ASSERT_FALSE(reply) << code;
    EXPECT_EQ(reply.error().code(), Errc::parse_error);
    EXPECT_EQ(reply.error().location(), "MSA-1");
  }
}

TEST(MllpReply, AnAckForAnotherMessageIsAValidationError) {
  auto reply = read_mllp_reply(kMsh + "\rMSA|AA|MSG-2", "MSG-1");
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code(), Errc::validation_error);
  EXPECT_EQ(reply.error().describe(),
            "MSA-2: the ACK answers another message: MSA-2 'MSG-2', the message's MSH-10 'MSG-1'");
  auto missing = read_mllp_reply(kMsh + "\rMSA|AA", "MSG-1");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), Errc::validation_error);
}

TEST(MllpReply, ControlIdsInErrorsAreCutAndPrintable) {
  auto reply = read_mllp_reply(kMsh + "\rMSA|AA|" + std::string(60, 'Z') + "\x01", "MSG-1");
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().message(), "the ACK answers another message: MSA-2 '" +
                                         std::string(40, 'Z') + "', the message's MSH-10 'MSG-1'");
  auto control = read_mllp_reply(kMsh +
                                     "\rMSA|AA|A\x01"
                                     "B",
                                 "MSG-1");
  ASSERT_FALSE(control);
  EXPECT_EQ(control.error().message(),
            "the ACK answers another message: MSA-2 'A?B', the message's MSH-10 'MSG-1'");
}

}  // namespace
}  // namespace hie::peers
