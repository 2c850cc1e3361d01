// The RFC 4180 tokenizer and the text decoding under it: quoting, dialects, line ends, BOM,
// encodings, and bad records reported by row and column while the others are read.

#include "adapters/csv/csv_reader.hpp"

#include <gtest/gtest.h>

#include "adapters/csv/text_encoding.hpp"

namespace hie::adapters::csv {
namespace {

using Fields = std::vector<std::string>;

TEST(CsvReader, QuotedFieldsDoubledQuotesAndEmbeddedDelimiters) {
  auto r = read_records("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\n", {});
  ASSERT_TRUE(r.errors.empty());
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[1].fields, (Fields{"x, y", "say \"hi\"", ""}));
  EXPECT_EQ(r.records[1].row, 2u);
}

TEST(CsvReader, EmbeddedNewlinesKeepTheRowOfTheRecordsFirstLine) {
  auto r = read_records("h1,h2\r\n\"line 1\r\nline 2\",x\r\n\"a\nb\rc\",y\r\nlast,z", {});
  ASSERT_TRUE(r.errors.empty());
  ASSERT_EQ(r.records.size(), 4u);
  EXPECT_EQ(r.records[1].fields, (Fields{"line 1\r\nline 2", "x"}));
  EXPECT_EQ(r.records[1].row, 2u);
  EXPECT_EQ(r.records[2].fields, (Fields{"a\nb\rc", "y"}));
  EXPECT_EQ(r.records[2].row, 4u);                        // line 2 + its embedded CRLF
  EXPECT_EQ(r.records[3].row, 7u);                        // LF and lone CR each end a line
  EXPECT_EQ(r.records[3].fields, (Fields{"last", "z"}));  // no final line end
}

TEST(CsvReader, LineEndsLfCrlfCrAndEmptyLines) {
  auto r = read_records("a\n\nb\r\n\r\nc\rd\n", {});
  ASSERT_TRUE(r.errors.empty());
  ASSERT_EQ(r.records.size(), 4u);
  EXPECT_EQ(r.records[0].row, 1u);
  EXPECT_EQ(r.records[1].row, 3u);
  EXPECT_EQ(r.records[2].row, 5u);
  EXPECT_EQ(r.records[3].row, 6u);
}

TEST(CsvReader, ByteOrderMarkIsSkipped) {
  auto r = read_records("\xEF\xBB\xBFnhs_number,name\n1,2\n", {});
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[0].fields[0], "nhs_number");
}

TEST(CsvReader, SemicolonAndTabDialects) {
  auto semi = read_records("a;b\n\"1;2\";3,4\n", {';', '"'});
  ASSERT_EQ(semi.records.size(), 2u);
  EXPECT_EQ(semi.records[1].fields, (Fields{"1;2", "3,4"}));
  auto tab = read_records("a\tb\n\"x\"\t y \n", {'\t', '\0'});
  ASSERT_EQ(tab.records.size(), 2u);
  EXPECT_EQ(tab.records[1].fields, (Fields{"\"x\"", " y "}));  // no quoting: quotes are text
}

TEST(CsvReader, QuoteInsideAnUnquotedFieldIsText) {
  auto r = read_records("height\n5'11\"\n", {});
  ASSERT_TRUE(r.errors.empty());
  EXPECT_EQ(r.records[1].fields[0], "5'11\"");
}

TEST(CsvReader, UnterminatedQuoteIsReportedAndTheFollowingLinesAreStillRead) {
  auto r = read_records("a,b\n1,\"open\n2,3\n4,5\n", {});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].row, 2u);
  EXPECT_EQ(r.errors[0].column, 2u);
  EXPECT_NE(r.errors[0].message.find("not closed"), std::string::npos);
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.records[1].row, 3u);
  EXPECT_EQ(r.records[1].fields, (Fields{"2", "3"}));
}

TEST(CsvReader, TextAfterAClosingQuoteSkipsTheRecordOnly) {
  auto r = read_records("a,b,c\n1,\"x\"y,3\n4,5,6\n", {});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].row, 2u);
  EXPECT_EQ(r.errors[0].column, 2u);
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[1].fields, (Fields{"4", "5", "6"}));
  // Blanks after the closing quote are fine.
  EXPECT_TRUE(read_records("\"x\"  ,y\n", {}).errors.empty());
}

TEST(CsvReader, RaggedRowsAreReadAsTheyAre) {
  // The reader keeps every field; the adapter compares the count with the header.
  auto r = read_records("a,b,c\n1,2\n1,2,3,4\n", {});
  ASSERT_TRUE(r.errors.empty());
  EXPECT_EQ(r.records[1].fields.size(), 2u);
  EXPECT_EQ(r.records[2].fields.size(), 4u);
}

TEST(CsvReader, BoundsOnFieldsAndFieldSize) {
  Dialect d;
  d.max_fields = 3;
  d.max_field_bytes = 8;
  auto r = read_records("1,2,3,4\n123456789,x\n\"123456789\"\nok\n", d);
  ASSERT_EQ(r.errors.size(), 3u);
  EXPECT_EQ(r.errors[0].row, 1u);
  EXPECT_EQ(r.errors[0].column, 4u);
  EXPECT_EQ(r.errors[1].row, 2u);
  EXPECT_EQ(r.errors[1].column, 1u);
  EXPECT_EQ(r.errors[2].row, 3u);
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.records[0].fields[0], "ok");
}

TEST(CsvReader, Locations) {
  EXPECT_EQ(location(7, 3), "row 7, column 3");
  EXPECT_EQ(location(7, 0), "row 7");
}

TEST(TextEncoding, Latin1AndWindows1252ToUtf8) {
  EXPECT_EQ(to_utf8("Zo\xEB", Encoding::latin1), "Zo\xC3\xAB");
  EXPECT_EQ(to_utf8("\x80 \x93x\x94", Encoding::windows1252),
            "\xE2\x82\xAC \xE2\x80\x9Cx\xE2\x80\x9D");
  EXPECT_EQ(to_utf8("\x80", Encoding::latin1), "\xC2\x80");
  EXPECT_EQ(to_utf8("caf\xC3\xA9", Encoding::utf8), "caf\xC3\xA9");
  EXPECT_EQ(encoding_named("ISO-8859-1"), Encoding::latin1);
  EXPECT_EQ(encoding_named("UTF8"), Encoding::utf8);
  EXPECT_EQ(encoding_named("ebcdic"), std::nullopt);
}

}  // namespace
}  // namespace hie::adapters::csv
