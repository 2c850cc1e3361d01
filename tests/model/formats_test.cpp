#include "broker/model/formats.hpp"

#include <gtest/gtest.h>

#include <string_view>

#include "broker/model/decimal.hpp"

namespace hie::model {
namespace {

TEST(Formats, Date) {
  for (auto ok : {"2018", "1973-06", "1905-08-23", "2000-02-29"}) EXPECT_TRUE(is_date(ok)) << ok;
  for (auto bad : {"", "0000", "18", "2018-13", "2018-00", "2019-02-29", "2018-04-31", "2018-1-1",
                   "2018-01-01T00:00:00Z", "2018-01-01 "}) {
    EXPECT_FALSE(is_date(bad)) << bad;
  }
}

TEST(Formats, DateTimeKeepsPrecisionAndNeedsOffsetWithTime) {
  for (auto ok :
       {"2018", "1973-06", "1905-08-23", "2015-02-07T13:28:17-05:00", "2017-01-01T00:00:00.000Z",
        "2013-04-02T09:30:10+14:00", "2016-12-31T23:59:60Z"}) {
    EXPECT_TRUE(is_date_time(ok)) << ok;
  }
  for (auto bad : {"2015-02-07T13:28:17", "2015-02-07T13:28Z", "2015-02T13:28:17Z",
                   "2015-02-07T24:00:00Z", "2015-02-07T13:28:17+15:00", "2015-02-07T13:28:17+0500",
                   "2015-02-07T13:28:17.Z", "2015-02-07X13:28:17Z"}) {
    EXPECT_FALSE(is_date_time(bad)) << bad;
  }
}

TEST(Formats, InstantNeedsFullPrecision) {
  EXPECT_TRUE(is_instant("2015-02-07T13:28:17.239+02:00"));
  EXPECT_FALSE(is_instant("2015-02-07"));
  EXPECT_FALSE(is_instant("2015-02-07T13:28:17"));
}

TEST(Formats, TimeIdCodeUriOidUuidBase64) {
  EXPECT_TRUE(is_time("13:28:17.5"));
  EXPECT_FALSE(is_time("13:28"));
  EXPECT_TRUE(is_id("example-1.2"));
  EXPECT_FALSE(is_id("with space"));
  EXPECT_FALSE(is_id(std::string(65, 'a')));
  EXPECT_TRUE(is_code("in progress"));
  EXPECT_FALSE(is_code(" leading"));
  EXPECT_FALSE(is_code("two  spaces"));
  EXPECT_TRUE(is_uri("http://loinc.org"));
  EXPECT_FALSE(is_uri("http://a b"));
  EXPECT_TRUE(is_oid("urn:oid:1.2.840.114350"));
  EXPECT_FALSE(is_oid("urn:oid:1.02"));
  EXPECT_TRUE(is_uuid("urn:uuid:53fefa32-fcbb-4ff8-8a92-55ee120877b7"));
  EXPECT_FALSE(is_uuid("urn:uuid:53FEFA32-fcbb-4ff8-8a92-55ee120877b7"));
  EXPECT_TRUE(is_base64("SGVsbG8="));
  EXPECT_FALSE(is_base64("SGVsbG8"));
}

TEST(Formats, Base64FhirRuleAllowsWhitespaceStrictRuleIsCanonical) {
  struct Case {
    std::string_view text;
    bool fhir, strict;
  };
  const Case cases[] = {
      {"SGVsbG8=", true, true},
      {"SGVsbG8h", true, true},
      {"SA==", true, true},
      {"+/9a", true, true},
      {"SGVs bG8=", true, false},         // whitespace
      {"SGVs\r\nbG8=\r\n", true, false},  // line breaks
      {"SG=sbG8h", true, false},          // '=' before the end
      {"=SGV", true, false},
      {"S===", true, false},  // more than two '='
      {"====", true, false},
      {"", false, false},
      {" \n", false, false},
      {"SGVsbG8", false, false},  // not groups of four
      {"SGVsbG8==", false, false},
      {"SGVsbG8-", false, false},  // base64url, not base64
      {"SGVs_G8=", false, false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(is_base64(c.text), c.fhir) << c.text;
    EXPECT_EQ(is_base64(c.text, Base64Rule::fhir), c.fhir) << c.text;
    EXPECT_EQ(is_base64(c.text, Base64Rule::strict), c.strict) << c.text;
  }
}

TEST(Decimal, KeepsTextExactly) {
  for (auto text : {"1.0", "1.00", "1E-22", "1000000000000000000", "1.000000000000000000E-245",
                    "-1.000000000000000000E+245", "0", "-0.5"}) {
    auto d = Decimal::parse(text);
    ASSERT_TRUE(d) << text;
    EXPECT_EQ(d->text(), text);
  }
  EXPECT_NE(*Decimal::parse("1.0"), *Decimal::parse("1.00"));
  for (auto bad : {"", "01", "1.", ".5", "+1", "1e", "NaN", "1,0"}) {
    EXPECT_FALSE(Decimal::parse(bad)) << bad;
  }
}

}  // namespace
}  // namespace hie::model

namespace hie::model {
namespace {

TEST(Formats, Utf8RejectsSurrogatesOverlongsAndTruncation) {
  for (auto ok : {"", "abc", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xF4\x8F\xBF\xBF",
                  "\xED\x9F\xBF"}) {
    EXPECT_TRUE(is_utf8(ok)) << ok;
  }
  for (auto bad : {"\xED\xB0\x80", "\xED\xA0\x80", "\xC0\xAF", "\xE0\x80\xAF", "\xF0\x80\x80\xAF",
                   "\xF4\x90\x80\x80", "\xC3", "\xE2\x82", "\x80", "\xFF", "a\xC3(b"}) {
    EXPECT_FALSE(is_utf8(bad)) << bad;
  }
  EXPECT_FALSE(is_string("\xED\xB0\x80"));
  EXPECT_FALSE(has_valid_form(Primitive::code, "\xED\xB0\x80"));
}

TEST(Formats, XhtmlDivNeedsNamespaceContentAndNoScript) {
  for (auto ok : {R"(<div xmlns="http://www.w3.org/1999/xhtml">Ann</div>)",
                  R"(<div xmlns='http://www.w3.org/1999/xhtml' lang="en"><p>A <b>B</b></p></div>)",
                  R"(<div xmlns="http://www.w3.org/1999/xhtml"><img src="x.png"/></div>)",
                  R"(<div xmlns="http://www.w3.org/1999/xhtml"><p title="on x">A</p></div>)"}) {
    EXPECT_TRUE(is_xhtml_div(ok)) << ok;
  }
  for (auto bad : {"<div>Ann</div>", R"(<div><p xmlns="http://www.w3.org/1999/xhtml">A</p></div>)",
                   R"(<div xmlns="http://www.w3.org/1999/xhtml"></div>)",
                   R"(<div xmlns="http://www.w3.org/1999/xhtml"> <p> </p> </div>)",
                   R"(<div xmlns="http://www.w3.org/1999/xhtml">A<script>x()</script></div>)",
                   R"(<div xmlns="http://www.w3.org/1999/xhtml">A<SCRIPT src="x"/></div>)",
                   R"(<div xmlns="http://www.w3.org/1999/xhtml"><p onclick="x();">A</p></div>)",
                   R"(<div xmlns="http://www.w3.org/1999/xhtml"><img src=x OnError=y/>A</div>)",
                   R"(<div xmlns="http://www.w3.org/1999/xhtml" onload="x();">A</div>)",
                   R"(<div xmlns="http://www.w3.org/1999/xhtml">A</div )",
                   R"(<divx xmlns="http://www.w3.org/1999/xhtml">A</div>)"}) {
    EXPECT_FALSE(is_xhtml_div(bad)) << bad;
  }
}

}  // namespace
}  // namespace hie::model
