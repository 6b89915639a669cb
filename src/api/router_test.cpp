#include "api/router.h"

#include <gtest/gtest.h>

#include "api/errors.h"
#include "core/result.h"

namespace findme::api {
namespace {

Request make_request(std::string method, std::string path) {
  Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  return r;
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    router_.add("GET /api/events/{code}", [](const Request&, const PathParams& p) {
      return Response::text(200, "event " + std::string(p["code"]), "text/plain");
    });
    router_.add("GET /api/events/{code}/photos", [](const Request&, const PathParams& p) {
      return Response::text(200, "photos " + std::string(p["code"]), "text/plain");
    });
    router_.add("DELETE /api/events/{code}",
                [](const Request&, const PathParams&) { return Response::no_content(); });
  }
  Router router_;
};

TEST_F(RouterTest, MatchesTemplatesAndNamesTheRoute) {
  Response r = router_.dispatch(make_request("GET", "/api/events/ABC234/photos"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "photos ABC234");
  EXPECT_EQ(r.route, "/api/events/{code}/photos");
}

TEST_F(RouterTest, UnknownPathIs404InTheContractShape) {
  Response r = router_.dispatch(make_request("GET", "/api/nothing"));
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("\"code\":\"not_found\""), std::string::npos);
}

TEST_F(RouterTest, WrongMethodIs405WithAllow) {
  Response r = router_.dispatch(make_request("PUT", "/api/events/ABC234"));
  EXPECT_EQ(r.status, 405);
  ASSERT_FALSE(r.headers.empty());
  EXPECT_EQ(r.headers.back().first, "Allow");
  EXPECT_EQ(r.headers.back().second, "GET, DELETE");
}

TEST_F(RouterTest, HeadIsServedByGet) {
  EXPECT_EQ(router_.dispatch(make_request("HEAD", "/api/events/X")).status, 200);
}

TEST(ErrorsTest, EveryCodeHasTheContractStatus) {
  EXPECT_EQ(http_status(Errc::invalid_event_code), 400);
  EXPECT_EQ(http_status(Errc::no_face_found), 400);
  EXPECT_EQ(http_status(Errc::unauthorized), 401);
  EXPECT_EQ(http_status(Errc::forbidden), 403);
  EXPECT_EQ(http_status(Errc::not_found), 404);
  EXPECT_EQ(http_status(Errc::email_taken), 409);
  EXPECT_EQ(http_status(Errc::payload_too_large), 413);
  EXPECT_EQ(http_status(Errc::unsupported_media_type), 415);
  EXPECT_EQ(http_status(Errc::too_many_attempts), 429);
  EXPECT_EQ(http_status(Errc::unavailable), 503);
  Response busy = error_response(make_error(Errc::busy, "full"));
  EXPECT_EQ(busy.status, 429);
  EXPECT_EQ(busy.headers.back().first, "Retry-After");
}

}  // namespace
}  // namespace findme::api
