// Upload limits on a server started with MAX_UPLOAD_MB=1 and MAX_QUEUED_JOBS=2:
// payload_too_large for one file over the per-file limit (a `rejected` item in a photo batch,
// 413 for a selfie), 413 for a whole request over the body limit or with too many files, and
// 429 busy when a batch would overflow the durable queue.
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "integration/api_steps.h"
#include "integration/http_client.h"
#include "integration/server_process.h"
#include "integration/test_images.h"

namespace findme::integration {
namespace {

// 2 MB: over MAX_UPLOAD_MB=1. The size is checked before the bytes are looked at.
std::string two_megabytes() {
  return "\xFF\xD8\xFF" + std::string(std::size_t{2} * 1024 * 1024, 'x');
}

class LimitsTest : public ::testing::Test {
 protected:
  // Built by the first test, so that a failed start fails that test (not a silent skip).
  void SetUp() override {
    if (!suite_server) {
      suite_server =
          std::make_unique<TestServer>(Env{{"MAX_UPLOAD_MB", "1"}, {"MAX_QUEUED_JOBS", "2"}});
    }
    if (!suite_organizer) {
      suite_organizer = std::make_unique<HttpClient>(
          sign_up_organizer(suite_server->port(), unique_email("organizer")));
      suite_code = create_event(*suite_organizer, "Limits");
    }
  }
  static void TearDownTestSuite() {
    suite_organizer.reset();
    if (suite_server) {
      EXPECT_EQ(suite_server->stop(), 0) << suite_server->log();
    }
    suite_server.reset();
  }
  static std::string photos_target() { return "/api/events/" + suite_code + "/photos"; }

  static std::unique_ptr<TestServer> suite_server;
  static std::unique_ptr<HttpClient> suite_organizer;
  static std::string suite_code;
};
std::unique_ptr<TestServer> LimitsTest::suite_server;
std::unique_ptr<HttpClient> LimitsTest::suite_organizer;
std::string LimitsTest::suite_code;

TEST_F(LimitsTest, OneFileOverTheLimitIsRejectedOthersAreKept) {
  const json answer = upload_photos(*suite_organizer, suite_code,
                                    {{"big.jpg", two_megabytes()}, {"ok.jpg", faceless_jpeg()}});
  ASSERT_EQ(answer["photos"].size(), 1u) << answer.dump();
  EXPECT_EQ(answer["photos"][0]["filename"], "ok.jpg");
  ASSERT_EQ(answer["rejected"].size(), 1u) << answer.dump();
  EXPECT_EQ(answer["rejected"][0]["filename"], "big.jpg");
  EXPECT_EQ(answer["rejected"][0]["error"]["code"], "payload_too_large") << answer.dump();
  wait_for_job(*suite_organizer, answer["photos"][0]["job_id"].get<std::string>());
}

TEST_F(LimitsTest, SelfieOverTheLimitIs413) {
  Attendee a = register_attendee(suite_server->port(), suite_code, unique_email("a"));
  Multipart form;
  form.file("selfie", "big.jpg", two_megabytes());
  EXPECT_TRUE(
      is_error(a.client.post_multipart("/api/upload-selfie", form), 413, "payload_too_large"));
}

TEST_F(LimitsTest, RequestBodyOverTheLimitIs413BeforeItIsSent) {
  // The body limit is MAX_UPLOAD_MB x 100 files + 1 MiB = 101 MiB: a declared length over it is
  // refused from the headers alone, without the client sending the body.
  const std::string raw = "POST " + photos_target() +
                          " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                          suite_organizer->token() +
                          "\r\nContent-Type: multipart/form-data; boundary=x\r\n"
                          "Content-Length: 209715200\r\n\r\n";
  EXPECT_TRUE(is_error(suite_organizer->raw_request(raw), 413, "payload_too_large"));
  EXPECT_EQ(suite_organizer->get("/api/events/" + suite_code + "/stats").status,
            200);  // still serving
}

TEST_F(LimitsTest, MoreThanAHundredFilesIs413) {
  Multipart form;
  for (int i = 0; i < 101; ++i) {
    form.file("photos", "f" + std::to_string(i) + ".jpg", "x");
  }
  EXPECT_TRUE(
      is_error(suite_organizer->post_multipart(photos_target(), form), 413, "payload_too_large"));
}

TEST_F(LimitsTest, BatchThatWouldOverflowTheQueueIsBusy) {
  const std::string photo = faceless_jpeg();
  Multipart form;
  for (int i = 0; i < 3; ++i) {
    form.file("photos", "p" + std::to_string(i) + ".jpg", photo);
  }
  HttpResponse r = suite_organizer->post_multipart(photos_target(), form);
  EXPECT_TRUE(is_error(r, 429, "busy"));
  EXPECT_FALSE(r.header("retry-after").empty()) << r.describe();
  // Nothing of the refused batch was stored.
  const json list = get_json(*suite_organizer, photos_target());
  for (const json& p : list["photos"]) {
    EXPECT_NE(p["filename"].get<std::string>().substr(0, 1), "p") << p.dump();
  }
}

}  // namespace
}  // namespace findme::integration
