#include "broker/core/result.hpp"

#include <gtest/gtest.h>

namespace hie {
namespace {

Result<int> parse_digit(char c) {
  if (c < '0' || c > '9') return make_error(Errc::parse_error, "not a digit", "PID-3[2].1");
  return c - '0';
}

TEST(Result, CarriesValue) {
  auto r = parse_digit('7');
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, 7);
}

TEST(Result, CarriesErrorWithCodeMessageAndLocation) {
  auto r = parse_digit('x');
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error().code(), Errc::parse_error);
  EXPECT_EQ(r.error().message(), "not a digit");
  EXPECT_EQ(r.error().location(), "PID-3[2].1");
  EXPECT_EQ(r.error().describe(), "PID-3[2].1: not a digit");
}

TEST(Result, ValueOnErrorThrowsWithDescription) {
  auto r = parse_digit('x');
  try {
    (void)r.value();
    FAIL() << "value() on an error must throw";
  } catch (const ErrorException& e) {
    EXPECT_STREQ(e.what(), "PID-3[2].1: not a digit");
    EXPECT_EQ(e.error().code(), Errc::parse_error);
  }
}

TEST(Result, WithinPrefixesLocation) {
  Error inner(Errc::validation_error, "missing", "/resource/code");
  EXPECT_EQ(inner.within("/entry/3").location(), "/entry/3/resource/code");
}

TEST(Result, StatusForVoid) {
  Status ok;
  EXPECT_TRUE(ok.has_value());
  Status bad = make_error(Errc::io_error, "disk full");
  EXPECT_EQ(bad.error().code(), Errc::io_error);
  EXPECT_EQ(to_string(bad.error().code()), "io_error");
}

}  // namespace
}  // namespace hie
