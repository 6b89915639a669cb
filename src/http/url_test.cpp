#include "http/url.h"

#include <gtest/gtest.h>

#include "http/response_writer.h"

namespace findme::http {
namespace {

TEST(UrlTest, PercentDecoding) {
  EXPECT_EQ(percent_decode("a%20b%2Fc", false), "a b/c");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_FALSE(percent_decode("%", false));
  EXPECT_FALSE(percent_decode("%2", false));
  EXPECT_FALSE(percent_decode("%zz", false));
  EXPECT_FALSE(percent_decode("a%00b", false));  // an encoded NUL never reaches a handler
}

TEST(UrlTest, TargetSplitsPathAndQuery) {
  auto t = parse_target("/api/events/AB%20C/photos?x=1&y=&flag&x=2&e=%C3%A9#frag");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/api/events/AB C/photos");
  Fields expected{{"x", "1"}, {"y", ""}, {"flag", ""}, {"x", "2"}, {"e", "\xC3\xA9"}};
  EXPECT_EQ(t->query, expected);
  EXPECT_FALSE(parse_target("http://example.org/"));
  EXPECT_FALSE(parse_target(""));
  EXPECT_FALSE(parse_target("/a?x=%G1"));
}

TEST(UrlTest, Cookies) {
  Fields out;
  parse_cookies("a=1;  b=\"two\" ; =bad; novalue; c = 3", out);
  Fields expected{{"a", "1"}, {"b", "two"}, {"c", "3"}};
  EXPECT_EQ(out, expected);
}

TEST(UrlTest, EtagMatching) {
  EXPECT_TRUE(etag_matches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("\"x\", W/\"abc\"", "W/\"abc\""));
  EXPECT_TRUE(etag_matches("*", "\"abc\""));
  EXPECT_FALSE(etag_matches("\"abd\"", "\"abc\""));
  EXPECT_FALSE(etag_matches("", "\"abc\""));
}

}  // namespace
}  // namespace findme::http
