#include "broker/security/base64url.hpp"

#include <gtest/gtest.h>

namespace hie::security {
namespace {

TEST(Base64url, EncodesWithoutPaddingInTheUrlAlphabet) {
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
  EXPECT_EQ(base64url_encode("\xfb\xff\xbf"), "-_-_");  // base64 would write +/+/
  EXPECT_EQ(base64url_encode(R"({"alg":"ES256"})"), "eyJhbGciOiJFUzI1NiJ9");
}

TEST(Base64url, DecodesWhatItEncodes) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (std::size_t n = 0; n <= all.size(); n += 37)
    EXPECT_EQ(base64url_decode(base64url_encode(all.substr(0, n))), all.substr(0, n));
  EXPECT_EQ(base64url_decode("eyJhbGciOiJFUzI1NiJ9"), R"({"alg":"ES256"})");
}

TEST(Base64url, RefusesPaddingOtherAlphabetsAndLoneCharacters) {
  EXPECT_EQ(base64url_decode("Zg=="), std::nullopt);   // padding
  EXPECT_EQ(base64url_decode("+/+/"), std::nullopt);   // standard base64 alphabet
  EXPECT_EQ(base64url_decode("Zm9 v"), std::nullopt);  // whitespace
  EXPECT_EQ(base64url_decode("Zm9vY"), std::nullopt);  // 5 characters: a lone 6 bits
  EXPECT_EQ(base64url_decode(std::string_view("Zm\0v", 4)), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9v\xc3\xa9"), std::nullopt);
}

TEST(Base64url, RefusesNonCanonicalTrailingBits) {
  EXPECT_EQ(base64url_decode("Zg"), "f");
  EXPECT_EQ(base64url_decode("Zh"), std::nullopt);  // same byte, low bits set
  EXPECT_EQ(base64url_decode("Zm8"), "fo");
  EXPECT_EQ(base64url_decode("Zm9"), std::nullopt);
}

}  // namespace
}  // namespace hie::security
