// GET /api/events/{code}, the first thing every attendee's phone asks, is answered from memory
// on the I/O thread once read (api::PublicEventCache): what this process changes shows at once.
#include <cctype>
#include <string>

#include <gtest/gtest.h>

#include "integration/api_steps.h"
#include "integration/http_client.h"
#include "integration/server_process.h"
#include "integration/test_images.h"

namespace findme::integration {
namespace {

TEST(EventViewTest, TheHeldViewFollowsUploadsAndDeletionAtOnce) {
  TestServer server;
  const HttpClient organizer = sign_up_organizer(server.port(), unique_email("organizer"));
  const std::string code = create_event(organizer, "Harbour Party");
  const HttpClient anyone(server.port());
  const std::string target = "/api/events/" + code;

  const HttpResponse first = anyone.get(target);
  ASSERT_EQ(first.status, 200) << first.describe();
  EXPECT_EQ(first.json_body()["event"]["photo_count"], 0);
  const HttpResponse held = anyone.get(target);  // from memory now
  EXPECT_EQ(held.body, first.body);
  EXPECT_EQ(held.header("content-type"), "application/json; charset=utf-8");
  std::string lower = code;
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  EXPECT_EQ(anyone.get("/api/events/" + lower).body, first.body);  // codes ignore case

  upload_photos(organizer, code, {{"a.jpg", sample_bytes(1)}});
  EXPECT_EQ(anyone.get(target).json_body()["event"]["photo_count"], 1);

  ASSERT_EQ(organizer.del(target).status, 204);
  EXPECT_TRUE(is_error(anyone.get(target), 404, "not_found"));
  EXPECT_EQ(server.stop(), 0) << server.log();
}

}  // namespace
}  // namespace findme::integration
