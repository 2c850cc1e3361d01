#include "adapters/hl7v2/ack.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "adapters/hl7v2/batch.hpp"
#include "adapters/hl7v2/text.hpp"

namespace hie::adapters::hl7v2 {
namespace {

const AckOptions kOptions{"ACK0001", "20260101120000"};

std::string read_data(const std::string& relative) {
  std::ifstream in(std::string(HIE_SOURCE_DIR) + "/tests/data/hl7v2/" + relative, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

constexpr std::string_view kAdt251 =
    "MSH|^~\\&|SENDAPP|SENDFAC|RECVAPP|RECVFAC|20240102030405+0100||ADT^A01^ADT_A01|CTRL123|P|2.5.1\r"
    "EVN|A01|20240102030405\r"
    "PID|1||943476591^^^NHS^NH~MRN7^^^HOSP^MR||SMITH^JOHN^^^MR||19700101|M\r"
    "OBX|1|ST|X||a\rOBX|2|ST|X||b\rOBX|3|ST|X||c\r";

TEST(Hl7Ack, AcceptForSampleAdtExactBytes) {
  const std::string bytes = read_data("fhir-converter/ADT01-23.hl7");
  auto split = split_messages(bytes);
  ASSERT_TRUE(split) << split.error().describe();
  ASSERT_FALSE(split->messages.empty());
  auto m = Message::parse(split->messages.front());
  ASSERT_TRUE(m) << m.error().describe();
  EXPECT_EQ(ack_mode(*m), AckMode::original);
  EXPECT_TRUE(commit_ack_wanted(*m, AckCode::accept));
  EXPECT_EQ(build_ack(*m, AckCode::accept, {}, kOptions),
            "MSH|^~\\&|||AccMgr|1|20260101120000||ACK^A01^ACK|ACK0001|P|2.3\rMSA|AA|599102");
}

TEST(Hl7Ack, ErrorBeforeV25UsesErr1AndMsa3) {
  const std::string bytes = read_data("fhir-converter/ADT01-23.hl7");
  auto split = split_messages(bytes);
  ASSERT_TRUE(split);
  auto m = Message::parse(split->messages.front());
  ASSERT_TRUE(m);
  std::string ack = build_ack(*m, AckCode::error, {{"PID-3[2].1", "bad id", "102"}, {"segment 4", "odd", "207"}},
                              kOptions);
  EXPECT_EQ(ack,
            "MSH|^~\\&|||AccMgr|1|20260101120000||ACK^A01^ACK|ACK0001|P|2.3\r"
            "MSA|AE|599102|bad id; odd\r"
            "ERR|PID^1^3^102&Data type error&HL70357~NK1^1^^207&Application internal error&HL70357");
  EXPECT_TRUE(Message::parse(ack));
}

TEST(Hl7Ack, ErrorWithErr2Location) {
  auto m = Message::parse(kAdt251);
  ASSERT_TRUE(m);
  std::string ack = build_ack(*m, AckCode::error,
                              {{"PID-3[2].1", "identifier is not valid", "102"}, {"OBX[3]-5", "too long", "207"},
                               {"somewhere", "unknown place", "207"}},
                              kOptions);
  EXPECT_EQ(ack,
            "MSH|^~\\&|RECVAPP|RECVFAC|SENDAPP|SENDFAC|20260101120000||ACK^A01^ACK|ACK0001|P|2.5.1\r"
            "MSA|AE|CTRL123\r"
            "ERR||PID^1^3^2^1|102^Data type error^HL70357|E||||identifier is not valid\r"
            "ERR||OBX^3^5^1|207^Application internal error^HL70357|E||||too long\r"
            "ERR|||207^Application internal error^HL70357|E|||somewhere|unknown place");
  auto parsed = Message::parse(ack);
  ASSERT_TRUE(parsed) << parsed.error().describe();
  const Segment* err = parsed->find("ERR");
  ASSERT_NE(err, nullptr);
  EXPECT_EQ(err->field(2), "PID^1^3^2^1");
  EXPECT_EQ(raw_value(*err, parsed->delimiters(), {"ERR", 3, 1, 1}), "102");
  EXPECT_EQ(err->field(4), "E");
}

TEST(Hl7Ack, WarningsOnAnAcceptAreSeverityW) {
  auto m = Message::parse(kAdt251);
  ASSERT_TRUE(m);
  std::string ack = build_ack(*m, AckCode::accept, {{"MSH-2", "odd encoding", "207"}}, kOptions);
  auto parsed = Message::parse(ack);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->find("MSA")->field(1), "AA");
  EXPECT_EQ(parsed->find("ERR")->field(2), "MSH^1^2^1");
  EXPECT_EQ(parsed->find("ERR")->field(4), "W");
}

TEST(Hl7Ack, ReasonWithDelimitersIsEscaped) {
  auto m = Message::parse(kAdt251);
  ASSERT_TRUE(m);
  std::string ack = build_ack(*m, AckCode::reject, {{"PID-5", "bad | value ^ here", "101"}}, kOptions);
  auto parsed = Message::parse(ack);
  ASSERT_TRUE(parsed) << parsed.error().describe();
  const Segment* err = parsed->find("ERR");
  ASSERT_NE(err, nullptr);
  EXPECT_EQ(err->field(8), "bad \\F\\ value \\S\\ here");
  EXPECT_EQ(decode_text(err->field(8), parsed->delimiters(), parsed->charset()), "bad | value ^ here");
  EXPECT_EQ(parsed->find("MSA")->field(1), "AR");
}

TEST(Hl7Ack, ParsesBackWithOriginalControlId) {
  auto m = Message::parse(kAdt251);
  ASSERT_TRUE(m);
  for (AckCode code : {AckCode::accept, AckCode::error, AckCode::reject}) {
    std::string ack = build_ack(*m, code, {{"PID-3", "x"}}, kOptions);
    EXPECT_EQ(ack.find('\n'), std::string::npos);
    EXPECT_NE(ack.back(), '\r');
    auto parsed = Message::parse(ack);
    ASSERT_TRUE(parsed) << parsed.error().describe();
    EXPECT_EQ(parsed->find("MSA")->field(2), m->control_id());
    EXPECT_EQ(parsed->control_id(), "ACK0001");
    EXPECT_EQ(parsed->message_code(), "ACK");
    EXPECT_EQ(parsed->trigger_event(), "A01");
    EXPECT_EQ(parsed->message_structure(), "ACK");
    EXPECT_EQ(parsed->version(), "2.5.1");
  }
}

TEST(Hl7Ack, EnhancedModeCommitAck) {
  auto al = Message::parse("MSH|^~\\&|A|B|C|D|20240101||ADT^A01|C1|P|2.5.1|||AL|NE\rPID|1");
  ASSERT_TRUE(al);
  EXPECT_EQ(ack_mode(*al), AckMode::enhanced);
  EXPECT_TRUE(commit_ack_wanted(*al, AckCode::accept));
  EXPECT_TRUE(commit_ack_wanted(*al, AckCode::reject));
  auto ack = build_ack(*al, AckCode::accept, {}, kOptions);
  EXPECT_EQ(ack, "MSH|^~\\&|C|D|A|B|20260101120000||ACK^A01^ACK|ACK0001|P|2.5.1\rMSA|CA|C1");
  auto parsed = Message::parse(ack);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(ack_mode(*parsed), AckMode::original);  // the ACK itself asks for no acknowledgement
  EXPECT_EQ(Message::parse(build_ack(*al, AckCode::error, {}, kOptions))->find("MSA")->field(1), "CE");
  EXPECT_EQ(Message::parse(build_ack(*al, AckCode::reject, {}, kOptions))->find("MSA")->field(1), "CR");

  auto ne = Message::parse("MSH|^~\\&|A|B|C|D|20240101||ADT^A01|C1|P|2.5.1|||NE|AL\rPID|1");
  ASSERT_TRUE(ne);
  EXPECT_EQ(ack_mode(*ne), AckMode::enhanced);
  EXPECT_FALSE(commit_ack_wanted(*ne, AckCode::accept));
  EXPECT_FALSE(commit_ack_wanted(*ne, AckCode::reject));
  AckOptions application = kOptions;
  application.application_ack = true;
  EXPECT_EQ(Message::parse(build_ack(*ne, AckCode::accept, {}, application))->find("MSA")->field(1), "AA");
  EXPECT_EQ(Message::parse(build_ack(*ne, AckCode::error, {}, application))->find("MSA")->field(1), "AE");

  auto er = Message::parse("MSH|^~\\&|A|B|C|D|20240101||ADT^A01|C1|P|2.5.1|||ER|AL\rPID|1");
  ASSERT_TRUE(er);
  EXPECT_FALSE(commit_ack_wanted(*er, AckCode::accept));
  EXPECT_TRUE(commit_ack_wanted(*er, AckCode::error));
  auto su = Message::parse("MSH|^~\\&|A|B|C|D|20240101||ADT^A01|C1|P|2.5.1|||SU\rPID|1");
  ASSERT_TRUE(su);
  EXPECT_TRUE(commit_ack_wanted(*su, AckCode::accept));
  EXPECT_FALSE(commit_ack_wanted(*su, AckCode::reject));
  auto only16 = Message::parse("MSH|^~\\&|A|B|C|D|20240101||ADT^A01|C1|P|2.5.1||||AL\rPID|1");
  ASSERT_TRUE(only16);
  EXPECT_EQ(ack_mode(*only16), AckMode::enhanced);
  EXPECT_TRUE(commit_ack_wanted(*only16, AckCode::accept));
}

TEST(Hl7Ack, UnusualDelimitersAreReused) {
  auto m = Message::parse("MSH!@#$%!APP!FAC!RAPP!RFAC!20240101!!ADT@A04!C9!P!2.5.1\rPID!1!!ID1@@@AUTH");
  ASSERT_TRUE(m) << m.error().describe();
  std::string ack = build_ack(*m, AckCode::error, {{"PID-3[1].4", "a!b@c", "103"}}, kOptions);
  EXPECT_EQ(ack,
            "MSH!@#$%!RAPP!RFAC!APP!FAC!20260101120000!!ACK@A04@ACK!ACK0001!P!2.5.1\r"
            "MSA!AE!C9\r"
            "ERR!!PID@1@3@1@4!103@Table value not found@HL70357!E!!!!a$F$b$S$c");
  auto parsed = Message::parse(ack);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->delimiters().field, '!');
  EXPECT_EQ(parsed->delimiters().escape, '$');
  EXPECT_EQ(parsed->find("MSA")->field(2), "C9");
}

TEST(Hl7Ack, NonAsciiReasonFollowsCharset) {
  auto latin = Message::parse("MSH|^~\\&|A|B|C|D|20240101||ADT^A01|C1|P|2.5.1||||||8859/1\rPID|1");
  ASSERT_TRUE(latin);
  std::string ack = build_ack(*latin, AckCode::error, {{"PID-5", "Müller \xE2\x82\xAC"}}, kOptions);
  auto parsed = Message::parse(ack);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->msh().field(18), "8859/1");
  EXPECT_EQ(parsed->find("ERR")->field(8), "M\xFCller ?");
}

TEST(Hl7Ack, RejectForJunk) {
  std::string ack = build_reject_for_unparsed("\x01\x02garbage", {"segment 1", "not HL7 v2", "100"}, kOptions);
  EXPECT_EQ(ack,
            "MSH|^~\\&|||||20260101120000||ACK|ACK0001|P|2.5.1\r"
            "MSA|AR\r"
            "ERR|||100^Segment sequence error^HL70357|E|||segment 1|not HL7 v2");
  auto parsed = Message::parse(ack);
  ASSERT_TRUE(parsed) << parsed.error().describe();
  EXPECT_EQ(parsed->find("MSA")->field(1), "AR");
}

TEST(Hl7Ack, RejectForMissingMsh2RecoversHeader) {
  const std::string bytes = read_data("malformed/msh_present_but_missing_msh-2.hl7");
  ASSERT_FALSE(bytes.empty());
  auto failed = Message::parse(bytes);
  ASSERT_FALSE(failed);
  std::string ack = build_reject_for_unparsed(bytes, {failed.error().location(), failed.error().message(), "207"},
                                              kOptions);
  auto parsed = Message::parse(ack);
  ASSERT_TRUE(parsed) << parsed.error().describe();
  EXPECT_EQ(parsed->find("MSA")->field(1), "AR");
  EXPECT_EQ(parsed->find("MSA")->field(2), "111111");
  EXPECT_EQ(parsed->msh().field(3), "Receiver Application^0.0.0.0.0.0.0.0^ISO");
  EXPECT_EQ(parsed->msh().field(4), "Receiver Facility^receiver.test.com^DNS");
  EXPECT_EQ(parsed->msh().field(5), "Sender Application^sender.test.com^DNS");
  EXPECT_EQ(parsed->msh().field(6), "Sender Facility^0.0.0.0.0.0.0.0^ISO");
  EXPECT_EQ(parsed->msh().field(9), "ACK^O01^ACK");
  EXPECT_EQ(parsed->msh().field(11), "D");
  EXPECT_EQ(parsed->version(), "2.5.1");
  EXPECT_EQ(parsed->find("ERR")->field(2), "MSH^1^2^1");
}

TEST(Hl7Ack, RejectRecoversThroughOtherDelimiters) {
  // Unparsable (a second MSH) but the header is readable, with its own delimiters.
  std::string ack = build_reject_for_unparsed("MSH!@#$%!APP@X!FAC!R|APP!RFAC!2024!!ADT@A04!C|9!P!2.4\rMSH!x",
                                              {"segment 2", "second MSH"}, kOptions);
  auto parsed = Message::parse(ack);
  ASSERT_TRUE(parsed) << parsed.error().describe();
  EXPECT_EQ(parsed->msh().field(3), "R\\F\\APP");
  EXPECT_EQ(parsed->msh().field(5), "APP^X");
  EXPECT_EQ(parsed->find("MSA")->field(2), "C\\F\\9");
  EXPECT_EQ(parsed->version(), "2.4");
  EXPECT_EQ(parsed->find("MSA")->field(3), "second MSH");
  EXPECT_EQ(parsed->find("ERR")->field(1), "^^^207&Application internal error&HL70357");
}

TEST(Hl7Ack, RejectForRandomBytesAlwaysParses) {
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 120);
  const std::string_view alphabet = "MSH|^~\\&!@#$%\r\n 0123ABC.";
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  for (int i = 0; i < 10000; ++i) {
    std::string junk;
    if (i % 2 == 0) junk = "MSH";
    const int n = length(rng);
    for (int k = 0; k < n; ++k)
      junk += (i % 3 == 0) ? static_cast<char>(byte(rng)) : alphabet[pick(rng)];
    std::string ack = build_reject_for_unparsed(junk, {junk.substr(0, 10), junk.substr(0, 30)}, kOptions);
    auto parsed = Message::parse(ack);
    ASSERT_TRUE(parsed) << "input " << i << ": " << parsed.error().describe();
    ASSERT_NE(parsed->find("MSA"), nullptr);
    ASSERT_EQ(parsed->find("MSA")->field(1), "AR");
    ASSERT_NE(parsed->find("ERR"), nullptr);
  }
}

}  // namespace
}  // namespace hie::adapters::hl7v2
