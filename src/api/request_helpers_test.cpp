#include "api/request_helpers.h"

#include <gtest/gtest.h>

namespace findme::api {
namespace {

Request with(std::string method, Request::Fields headers, Request::Fields cookies) {
  Request r;
  r.method = std::move(method);
  r.headers = std::move(headers);
  r.cookies = std::move(cookies);
  return r;
}

TEST(BearerTokenTest, ReadsTheAuthorizationHeaderCaseInsensitively) {
  EXPECT_EQ(bearer_token(with("POST", {{"authorization", "bearer abc"}}, {})), "abc");
  EXPECT_EQ(bearer_token(with("GET", {{"Authorization", "Bearer xyz"}}, {})), "xyz");
}

TEST(BearerTokenTest, OtherSchemesAndEmptyTokensAreNoToken) {
  EXPECT_FALSE(bearer_token(with("GET", {{"Authorization", "Basic dXNlcg=="}}, {})));
  EXPECT_FALSE(bearer_token(with("GET", {{"Authorization", "Bearer "}}, {})));
}

TEST(BearerTokenTest, CookieCountsForReadsOnly) {
  Request::Fields cookie{{"findme_token", "from-cookie"}};
  EXPECT_EQ(bearer_token(with("GET", {}, cookie)), "from-cookie");
  EXPECT_EQ(bearer_token(with("HEAD", {}, cookie)), "from-cookie");
  // A forged cross-site form could only ever send the cookie: it must not act.
  EXPECT_FALSE(bearer_token(with("POST", {}, cookie)));
  EXPECT_FALSE(bearer_token(with("DELETE", {}, cookie)));
}

TEST(BearerTokenTest, HeaderWinsOverCookie) {
  EXPECT_EQ(
      bearer_token(with("GET", {{"Authorization", "Bearer header"}}, {{"findme_token", "cookie"}})),
      "header");
}

}  // namespace
}  // namespace findme::api
