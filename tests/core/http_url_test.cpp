// http(s) URLs: an exchange's FHIR base URL and the links its server answers with.
#include "broker/core/http_url.hpp"

#include <gtest/gtest.h>

namespace hie {
namespace {

TEST(HttpUrl, TakesAnHttpsUrlApart) {
  auto url = parse_http_url("HTTPS://FHIR.Example.org:8443/r4/Patient?identifier=x%7Cy#frag");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->scheme, "https");
  EXPECT_EQ(url->host, "fhir.example.org");
  EXPECT_EQ(url->port, 8443);
  EXPECT_EQ(url->path, "/r4/Patient");
  EXPECT_TRUE(url->has_query);
  EXPECT_EQ(url->query, "identifier=x%7Cy");
  EXPECT_TRUE(url->has_fragment);
  EXPECT_EQ(url->target(), "/r4/Patient?identifier=x%7Cy");
  EXPECT_EQ(url->authority(), "fhir.example.org:8443");
  EXPECT_FALSE(url->host_is_address());
}

TEST(HttpUrl, DefaultPortsAreLeftOutOfTheHostHeader) {
  auto https = parse_http_url("https://h.example");
  ASSERT_TRUE(https);
  EXPECT_EQ(https->port, 443);
  EXPECT_EQ(https->authority(), "h.example");
  EXPECT_EQ(https->target(), "/");
  auto http = parse_http_url("http://h.example:80/fhir");
  ASSERT_TRUE(http);
  EXPECT_EQ(http->authority(), "h.example");
  EXPECT_FALSE(http->is_tls());
}

TEST(HttpUrl, Addresses) {
  auto v4 = parse_http_url("http://127.0.0.1:8080/fhir");
  ASSERT_TRUE(v4);
  EXPECT_TRUE(v4->host_is_address());
  auto v6 = parse_http_url("https://[::1]:8443/fhir");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_TRUE(v6->host_is_address());
  EXPECT_EQ(v6->authority(), "[::1]:8443");
}

TEST(HttpUrl, RefusesWhatIsNotAnHttpUrlWithAHost) {
  for (const char* bad :
       {"", "fhir.example/r4", "ftp://h/r4", "https://", "https:///r4", "https://h:/r4",
        "https://h:0/r4", "https://h:65536/r4", "https://h:80x/r4", "https://user@h/r4",
        "https://h/r 4", "https://h/r4\n", "https://[::1/r4", "https://[nothost]/r4",
        "https://h_x/r4", "https://a..b/r4", "https://h/caf\xc3\xa9"})
    EXPECT_FALSE(parse_http_url(bad)) << bad;
}

TEST(HttpUrl, SameOrigin) {
  EXPECT_TRUE(same_origin(*parse_http_url("https://h/a"), *parse_http_url("https://H:443/b?c")));
  EXPECT_FALSE(same_origin(*parse_http_url("https://h/a"), *parse_http_url("http://h:443/a")));
  EXPECT_FALSE(same_origin(*parse_http_url("https://h/a"), *parse_http_url("https://h:444/a")));
  EXPECT_FALSE(same_origin(*parse_http_url("https://h/a"), *parse_http_url("https://g/a")));
}

TEST(HttpUrl, PercentEncodingKeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(percent_encode("https://fhir.nhs.uk/Id/nhs-number|9434765919"),
            "https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-number%7C9434765919");
  EXPECT_EQ(percent_encode("a b+c~_.-\xc3\xa9"), "a%20b%2Bc~_.-%C3%A9");
}

}  // namespace
}  // namespace hie
