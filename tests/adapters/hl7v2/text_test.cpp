#include "adapters/hl7v2/text.hpp"

#include <gtest/gtest.h>

namespace hie::adapters::hl7v2 {
namespace {

const Delimiters kStd{};

std::string decode(std::string_view raw, std::vector<TextNote>* notes = nullptr, Charset cs = Charset::utf8) {
  return decode_text(raw, kStd, cs, notes);
}

TEST(Hl7Text, DelimiterEscapes) {
  EXPECT_EQ(decode("a\\F\\b"), "a|b");
  EXPECT_EQ(decode("a\\S\\b"), "a^b");
  EXPECT_EQ(decode("Fish \\T\\ Chips"), "Fish & Chips");
  EXPECT_EQ(decode("a\\R\\b"), "a~b");
  EXPECT_EQ(decode("C:\\E\\temp"), "C:\\temp");
  EXPECT_EQ(decode("\\F\\\\F\\"), "||");  // back to back, as in CaseLab_002
}

TEST(Hl7Text, TruncationEscapeOnlyWithATruncationCharacter) {
  Delimiters v27 = kStd;
  v27.truncation = '#';
  EXPECT_EQ(decode_text("a\\P\\b", v27, Charset::utf8), "a#b");
  std::vector<TextNote> notes;
  EXPECT_EQ(decode("a\\P\\b", &notes), "a\\P\\b");
  EXPECT_EQ(notes.size(), 1u);
}

TEST(Hl7Text, HexEscapes) {
  EXPECT_EQ(decode("line1\\X0D\\\\X0A\\line2"), "line1\r\nline2");
  EXPECT_EQ(decode("\\XC2B5\\g"), "\xC2\xB5g");  // µ as UTF-8 bytes
}

TEST(Hl7Text, FormattingCommands) {
  std::vector<TextNote> notes;
  EXPECT_EQ(decode("one\\.br\\two\\.sp2\\three", &notes), "one\ntwo\n\nthree");
  EXPECT_TRUE(notes.empty());
  EXPECT_EQ(decode("\\.in+4\\x\\.ce\\y", &notes), "xy");
  EXPECT_EQ(notes.size(), 2u);
}

TEST(Hl7Text, AOneLetterFormattingCommandIsKeptLiterally) {
  // Found by mllp_reply_fuzz: "\.b\" made the argument's substr(3) throw std::out_of_range.
  std::vector<TextNote> notes;
  EXPECT_EQ(decode("a\\.b\\c", &notes), "a\\.b\\c");
  EXPECT_EQ(notes.size(), 1u);
  EXPECT_EQ(decode("\\.\\"), "\\.\\");
}

TEST(Hl7Text, HighlightingDroppedAndNoted) {
  std::vector<TextNote> notes;
  EXPECT_EQ(decode("\\H\\IMPORTANT\\N\\ text", &notes), "IMPORTANT text");
  EXPECT_EQ(notes.size(), 2u);
}

TEST(Hl7Text, CharacterSetSwitchesAndUnknownEscapesKeptAndNoted) {
  std::vector<TextNote> notes;
  EXPECT_EQ(decode("a\\C2842\\b", &notes), "a\\C2842\\b");
  EXPECT_EQ(decode("a\\M2442\\b", &notes), "a\\M2442\\b");
  EXPECT_EQ(decode("a\\Zlocal\\b", &notes), "a\\Zlocal\\b");
  EXPECT_EQ(decode("a\\Q\\b", &notes), "a\\Q\\b");
  EXPECT_EQ(decode("unterminated \\F", &notes), "unterminated \\F");
  EXPECT_EQ(notes.size(), 5u);
}

TEST(Hl7Text, Latin1BecomesUtf8) {
  EXPECT_EQ(decode("Se\xF1or", nullptr, Charset::latin1), "Se\xC3\xB1or");
  std::vector<TextNote> notes;
  EXPECT_EQ(decode("Se\xF1or", &notes, Charset::unspecified), "Se\xC3\xB1or");
  EXPECT_EQ(notes.size(), 1u);
  EXPECT_EQ(decode("\xC2\xB5g/L", nullptr, Charset::unspecified), "\xC2\xB5g/L");  // raw UTF-8 kept
}

TEST(Hl7Text, EncodeRoundTrips) {
  for (std::string_view text : {"a|b^c~d\\e&f", "line1\nline2", "tab\there", "plain"}) {
    EXPECT_EQ(decode(encode_text(text, kStd)), text) << text;
  }
  EXPECT_EQ(encode_text("a|b", kStd), "a\\F\\b");
  EXPECT_EQ(encode_text("x\r\ny", kStd), "x\\.br\\y");
}

TEST(Hl7Text, Utf8Check) {
  EXPECT_TRUE(is_utf8("plain \xC2\xB5 \xE2\x80\xA0"));
  EXPECT_FALSE(is_utf8("\xC2"));
  EXPECT_FALSE(is_utf8("\xED\xA0\x80"));  // a surrogate
  EXPECT_FALSE(is_utf8("\xC0\x80"));      // overlong
}

}  // namespace
}  // namespace hie::adapters::hl7v2
