#include "broker/model/nhs_number.hpp"

#include <gtest/gtest.h>

namespace hie::model {
namespace {

TEST(NhsNumber, AcceptsValidNumbers) {
  // 9434765919: 9*10+4*9+3*8+4*7+7*6+6*5+5*4+9*3+1*2 = 299; 299 % 11 = 2; 11 - 2 = 9.
  auto n = NhsNumber::parse("9434765919");
  ASSERT_TRUE(n) << n.error().describe();
  EXPECT_EQ(n->value(), "9434765919");
  EXPECT_EQ(n->formatted(), "943 476 5919");
  // 9434765870: sum 9*10+4*9+3*8+4*7+7*6+6*5+5*4+8*3+7*2 = 308; 308 % 11 = 0; 11 -> 0.
  EXPECT_TRUE(NhsNumber::parse("9434765870"));
  EXPECT_EQ(NhsNumber::system, "https://fhir.nhs.uk/Id/nhs-number");
}

TEST(NhsNumber, AcceptsSpacesOrDashesIn334GroupingOnly) {
  auto n = NhsNumber::parse("943 476 5919");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->value(), "9434765919");
  auto dashed = NhsNumber::parse("943-476-5919");
  ASSERT_TRUE(dashed) << dashed.error().describe();
  EXPECT_EQ(dashed->value(), "9434765919");
  for (auto bad : {" 9434765919 ", "9434765919 ", "94 34765919", "9434 765 919", "943 4765919",
                   "943 476-5919", "943  476 5919", "9 4 3 4 7 6 5 9 1 9", "943_476_5919"}) {
    EXPECT_FALSE(NhsNumber::parse(bad)) << bad;
  }
}

TEST(NhsNumber, RejectsTenIdenticalDigits) {
  // Both pass Modulus 11 (sum 0 -> check 0; 9 * 54 = 486, 486 % 11 = 2 -> check 9).
  for (auto placeholder : {"0000000000", "9999999999", "000 000 0000"}) {
    auto n = NhsNumber::parse(placeholder);
    ASSERT_FALSE(n) << placeholder;
    EXPECT_EQ(n.error().code(), Errc::invalid_argument);
  }
}

TEST(NhsNumber, RejectsWrongCheckDigit) {
  auto n = NhsNumber::parse("9434765918");
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error().code(), Errc::invalid_argument);
  EXPECT_FALSE(NhsNumber::parse("9434765871"));
}

TEST(NhsNumber, RejectsNumbersWhoseCheckWouldBeTen) {
  // 123456789x: 1*10+2*9+3*8+4*7+5*6+6*5+7*4+8*3+9*2 = 210; 210 % 11 = 1; 11 - 1 = 10.
  for (char last = '0'; last <= '9'; ++last) {
    EXPECT_FALSE(NhsNumber::parse(std::string("123456789") + last)) << last;
  }
}

TEST(NhsNumber, RejectsWrongLengthAndCharacters) {
  EXPECT_FALSE(NhsNumber::parse(""));
  EXPECT_FALSE(NhsNumber::parse("943476591"));
  EXPECT_FALSE(NhsNumber::parse("94347659190"));
  EXPECT_FALSE(NhsNumber::parse("943-476-591"));
  EXPECT_FALSE(NhsNumber::parse("943476591X"));
  EXPECT_FALSE(NhsNumber::parse("9434765919x"));
}

}  // namespace
}  // namespace hie::model
