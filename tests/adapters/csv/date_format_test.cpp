// Date patterns of a mapping: tokens, precision, offsets, real calendar days.

#include "adapters/csv/date_format.hpp"

#include <gtest/gtest.h>

namespace hie::adapters::csv {
namespace {

std::vector<DateFormat> formats(std::initializer_list<std::string_view> patterns) {
  std::vector<DateFormat> out;
  for (auto p : patterns) out.push_back(DateFormat::parse(p).value());
  return out;
}

TEST(DateFormat, UkDatesWithOneOrTwoDigits) {
  auto f = formats({"DD/MM/YYYY", "D/M/YYYY"});
  EXPECT_EQ(read_date("15/06/1994", f)->date, "1994-06-15");
  EXPECT_EQ(read_date("7/3/1971", f)->date, "1971-03-07");
  EXPECT_EQ(read_date("29/02/2000", f)->date, "2000-02-29");
  EXPECT_FALSE(read_date("29/02/1900", f));  // not a leap year
  EXPECT_FALSE(read_date("31/04/2020", f));
  EXPECT_FALSE(read_date("15/13/1994", f));
  EXPECT_FALSE(read_date("15/06/1994 ", f));  // all of the text, or nothing
}

TEST(DateFormat, PartialPrecision) {
  auto f = formats({"YYYY-MM", "YYYY"});
  EXPECT_EQ(read_date("1998-04", f)->date, "1998-04");
  EXPECT_EQ(read_date("2003", f)->date, "2003");
}

TEST(DateFormat, TimesAndOffsets) {
  auto f = formats({"DD/MM/YYYY hh:mm", "YYYYMMDDhhmmssTZ"});
  auto a = read_date("04/03/2025 09:12", f);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->date, "2025-03-04");
  EXPECT_EQ(a->time, "09:12:00");
  EXPECT_EQ(a->offset, "");
  auto b = read_date("20250304091200+0100", f);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->time, "09:12:00");
  EXPECT_EQ(b->offset, "+01:00");
  EXPECT_FALSE(read_date("04/03/2025 24:00", f));
}

TEST(DateFormat, Iso8601) {
  auto f = formats({"ISO8601"});
  auto a = read_date("2025-03-04T09:12:00Z", f);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->date, "2025-03-04");
  EXPECT_EQ(a->time, "09:12:00");
  EXPECT_EQ(a->offset, "Z");
  EXPECT_EQ(read_date("2025-03-04 09:12:30.250-05:00", f)->time, "09:12:30.250");
  EXPECT_EQ(read_date("2025-03", f)->date, "2025-03");
  EXPECT_FALSE(read_date("2025-03-04T09", f));
  EXPECT_FALSE(read_date("2025-3-4", f));
}

TEST(DateFormat, BadPatternsAreRefused) {
  EXPECT_FALSE(DateFormat::parse("DD/MM/YY"));       // no YYYY
  EXPECT_FALSE(DateFormat::parse("YYYY-DD"));        // day without month
  EXPECT_FALSE(DateFormat::parse("YYYY-MM hh:mm"));  // time without a full date
  EXPECT_FALSE(DateFormat::parse("YYYY-MM-DD-MM"));  // month twice
  EXPECT_TRUE(DateFormat::parse("YYYY-MM-DDThh:mm:ssTZ"));
}

}  // namespace
}  // namespace hie::adapters::csv
