// Every error code of API.md reached through real requests on the real binary, with the error
// body {"error": {"code", "message"}}. The limits (payload_too_large, busy) are in
// limits_test.cpp, on a server started with small limits.
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "integration/api_steps.h"
#include "integration/http_client.h"
#include "integration/server_process.h"
#include "integration/test_images.h"

namespace findme::integration {
namespace {

class ErrorsTest : public ::testing::Test {
 protected:
  // Built by the first test, so that a failed start fails that test (not a silent skip).
  void SetUp() override {
    if (!suite_server) {
      suite_server = std::make_unique<TestServer>();
    }
    if (!suite_attendee) {
      suite_organizer = std::make_unique<HttpClient>(
          sign_up_organizer(suite_server->port(), unique_email("organizer")));
      suite_code = create_event(*suite_organizer, "Error Night");
      suite_attendee = std::make_unique<Attendee>(
          register_attendee(suite_server->port(), suite_code, unique_email("a")));
    }
  }
  static void TearDownTestSuite() {
    suite_organizer.reset();
    suite_attendee.reset();
    if (suite_server) {
      EXPECT_EQ(suite_server->stop(), 0) << suite_server->log();
    }
    suite_server.reset();
  }
  static HttpClient anonymous() { return HttpClient(suite_server->port()); }

  // Uploads one file to the event; returns the 202 body.
  static json upload_one(const std::string& filename, const std::string& bytes) {
    return upload_photos(*suite_organizer, suite_code, {{filename, bytes}});
  }
  static HttpResponse upload_selfie(const HttpClient& client, const std::string& bytes) {
    Multipart form;
    form.field("event_code", suite_code).file("selfie", "selfie.jpg", bytes);
    return client.post_multipart("/api/upload-selfie", form);
  }

  static std::unique_ptr<TestServer> suite_server;
  static std::unique_ptr<HttpClient> suite_organizer;
  static std::unique_ptr<Attendee> suite_attendee;
  static std::string suite_code;
};
std::unique_ptr<TestServer> ErrorsTest::suite_server;
std::unique_ptr<HttpClient> ErrorsTest::suite_organizer;
std::unique_ptr<Attendee> ErrorsTest::suite_attendee;
std::string ErrorsTest::suite_code;

// The single rejected item of an upload answer, checked against `code`.
::testing::AssertionResult rejected_with(const json& answer, const std::string& filename,
                                         const std::string& code) {
  if (answer["photos"].size() != 0 || answer["rejected"].size() != 1 ||
      answer["rejected"][0]["filename"] != filename ||
      answer["rejected"][0]["error"]["code"] != code ||
      !answer["rejected"][0]["error"]["message"].is_string()) {
    return ::testing::AssertionFailure()
           << "expected " << filename << " rejected with " << code << ", got " << answer.dump();
  }
  return ::testing::AssertionSuccess();
}

TEST_F(ErrorsTest, InvalidRequestBodies) {
  const HttpClient c = anonymous();
  EXPECT_TRUE(is_error(c.post_text("/api/organizers", "{not json", "application/json"), 400,
                       "invalid_request"));
  EXPECT_TRUE(is_error(c.post_text("/api/organizers", "[1, 2]", "application/json"), 400,
                       "invalid_request"));
  auto sign_up = [&c](const std::string& email, const std::string& password,
                      const std::string& name) {
    return c.post_json("/api/organizers",
                       {{"email", email}, {"password", password}, {"name", name}});
  };
  EXPECT_TRUE(is_error(sign_up(unique_email("x"), "short", "X"), 400, "invalid_request"));
  EXPECT_TRUE(is_error(sign_up("no-at-sign.example.org", kPassword, "X"), 400, "invalid_request"));
  EXPECT_TRUE(is_error(sign_up("someone@localhost", kPassword, "X"), 400, "invalid_request"));
  EXPECT_TRUE(is_error(sign_up(unique_email("x"), kPassword, "   "), 400, "invalid_request"));
  EXPECT_TRUE(
      is_error(sign_up(unique_email("x"), std::string(1025, 'p'), "X"), 400, "invalid_request"));
  EXPECT_TRUE(is_error(
      suite_organizer->post_json("/api/events", {{"name", "Bad date"}, {"starts_at", "yesterday"}}),
      400, "invalid_request"));
}

TEST_F(ErrorsTest, InvalidRequestUploads) {
  const std::string photos = "/api/events/" + suite_code + "/photos";
  EXPECT_TRUE(
      is_error(suite_organizer->post_json(photos, {{"photos", "none"}}), 400, "invalid_request"));
  Multipart no_file;
  no_file.field("title", "no photos here");
  EXPECT_TRUE(is_error(suite_organizer->post_multipart(photos, no_file), 400, "invalid_request"));
  Multipart no_selfie;
  no_selfie.field("event_code", suite_code);
  EXPECT_TRUE(is_error(suite_attendee->client.post_multipart("/api/upload-selfie", no_selfie), 400,
                       "invalid_request"));
}

TEST_F(ErrorsTest, WaitMustBeWholeSeconds) {
  // A job of the attendee's to ask about.
  HttpResponse selfie = upload_selfie(suite_attendee->client, faceless_jpeg());
  ASSERT_EQ(selfie.status, 202) << selfie.describe();
  const std::string id = selfie.json_body()["job"]["id"].get<std::string>();
  for (const char* bad : {"abc", "1.5", "", "3s"}) {
    EXPECT_TRUE(is_error(suite_attendee->client.get("/api/jobs/" + id + "?wait=" + bad), 400,
                         "invalid_request"))
        << "wait=" << bad;
  }
  EXPECT_EQ(suite_attendee->client.get("/api/jobs/" + id + "?wait=0").status, 200);
}

TEST_F(ErrorsTest, MalformedMultipart) {
  const std::string photos = "/api/events/" + suite_code + "/photos";
  Multipart form;
  form.file("photos", "sample1.jpg", sample_bytes(1));
  EXPECT_TRUE(
      is_error(suite_organizer->post_text(photos, form.body_without_close(), form.content_type()),
               400, "invalid_request"));
  EXPECT_TRUE(is_error(suite_organizer->post_text(photos, form.body(), "multipart/form-data"), 400,
                       "invalid_request"));
  EXPECT_TRUE(is_error(suite_organizer->post_text(photos, "garbage", form.content_type()), 400,
                       "invalid_request"));
  // Nothing was stored by the refused requests.
  EXPECT_EQ(get_json(*suite_organizer, photos)["photos"].size(), 0u);
}

TEST_F(ErrorsTest, InvalidImages) {
  const std::string truncated_header = sample_bytes(1).substr(0, 64);
  EXPECT_TRUE(rejected_with(upload_one("cut.jpg", truncated_header), "cut.jpg", "invalid_image"));
  // 30000 x 30000 = 900 MP declared by a few hundred bytes; the limit is 50 MP.
  const std::string bomb = png_bomb(30000, 30000);
  EXPECT_TRUE(rejected_with(upload_one("bomb.png", bomb), "bomb.png", "invalid_image"));
  EXPECT_TRUE(is_error(upload_selfie(suite_attendee->client, bomb), 400, "invalid_image"));
  EXPECT_TRUE(
      is_error(upload_selfie(suite_attendee->client, truncated_header), 400, "invalid_image"));
}

TEST_F(ErrorsTest, TruncatedPhotoIsAcceptedThenFailsIndexing) {
  // The header is intact, so the upload stores it; decoding the pixels fails in the background.
  const std::string half = sample_bytes(3).substr(0, sample_bytes(3).size() / 2);
  const json answer = upload_one("half.jpg", half);
  ASSERT_EQ(answer["photos"].size(), 1u) << answer.dump();
  const json job = wait_for_job(*suite_organizer, answer["photos"][0]["job_id"].get<std::string>());
  EXPECT_EQ(job["status"], "failed") << job.dump();
  EXPECT_EQ(job["error"]["code"], "invalid_image") << job.dump();
  const json list = get_json(*suite_organizer, "/api/events/" + suite_code + "/photos");
  bool found = false;
  for (const json& p : list["photos"]) {
    if (p["id"] != answer["photos"][0]["id"]) {
      continue;
    }
    found = true;
    EXPECT_EQ(p["status"], "failed") << p.dump();
    EXPECT_EQ(p["error"], "invalid_image") << p.dump();  // docs/api.md addition
  }
  EXPECT_TRUE(found) << list.dump();
}

// Issue 12: an organizer on venue Wi-Fi retries an upload whose answer was lost; the web app
// retries failed files. The same bytes are one photo however often and however concurrently
// they arrive, and the answer says which uploads were duplicates.
TEST_F(ErrorsTest, RetriedUploadsAreOnePhoto) {
  const std::string bytes = jpeg_copy(faceless_jpeg(), "retried upload");
  const json first = upload_one("wifi.jpg", bytes);
  ASSERT_EQ(first["photos"].size(), 1u) << first.dump();
  EXPECT_EQ(first["photos"][0]["duplicate"], false);
  const json again = upload_one("wifi (1).jpg", bytes);
  ASSERT_EQ(again["photos"].size(), 1u) << again.dump();
  EXPECT_EQ(again["photos"][0]["duplicate"], true);
  EXPECT_EQ(again["photos"][0]["id"], first["photos"][0]["id"]);
  EXPECT_EQ(again["photos"][0]["filename"], "wifi.jpg");
  EXPECT_EQ(again["photos"][0]["job_id"], first["photos"][0]["job_id"]);

  const std::string racing = jpeg_copy(faceless_jpeg(), "racing upload");
  std::vector<json> answers(4);
  std::vector<std::thread> clients;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    clients.emplace_back([&, i] {
      HttpClient client(suite_server->port());
      client.set_token(suite_organizer->token());
      answers[i] = upload_photos(client, suite_code, {{"race.jpg", racing}});
    });
  }
  for (std::thread& t : clients) t.join();
  int stored = 0;
  for (const json& a : answers) {
    ASSERT_EQ(a["photos"].size(), 1u) << a.dump();
    EXPECT_EQ(a["photos"][0]["id"], answers[0]["photos"][0]["id"]);
    stored += a["photos"][0]["duplicate"] == false ? 1 : 0;
  }
  EXPECT_EQ(stored, 1);
}

TEST_F(ErrorsTest, UnsupportedMediaType) {
  const std::string text = "this is a text file, not a photo\n";
  EXPECT_TRUE(rejected_with(upload_one("photo.jpg", text), "photo.jpg", "unsupported_media_type"));
  EXPECT_TRUE(is_error(upload_selfie(suite_attendee->client, text), 415, "unsupported_media_type"));
}

TEST_F(ErrorsTest, SelfieWithoutAFaceFailsItsJob) {
  HttpResponse r = upload_selfie(suite_attendee->client, faceless_jpeg());
  ASSERT_EQ(r.status, 202) << r.describe();
  const json job =
      wait_for_job(suite_attendee->client, r.json_body()["job"]["id"].get<std::string>());
  EXPECT_EQ(job["kind"], "match_selfie");
  EXPECT_EQ(job["status"], "failed") << job.dump();
  EXPECT_EQ(job["error"]["code"], "no_face_found") << job.dump();
  EXPECT_TRUE(job["error"]["message"].is_string());

  // Decision 7: a faceless selfie at registration still creates the account.
  Attendee late =
      register_attendee(suite_server->port(), suite_code, unique_email("late"), faceless_jpeg());
  EXPECT_EQ(late.registration["user"]["role"], "attendee");
  const json reg_job = wait_for_job(late.client, late.registration["match_job"]["id"]);
  EXPECT_EQ(reg_job["status"], "failed") << reg_job.dump();
  EXPECT_EQ(reg_job["error"]["code"], "no_face_found") << reg_job.dump();
}

TEST_F(ErrorsTest, InvalidEventCode) {
  const HttpClient c = anonymous();
  EXPECT_TRUE(is_error(c.post_json("/api/register-with-event-code", {{"event_code", "ZZZZZZ"},
                                                                     {"email", unique_email("x")},
                                                                     {"password", kPassword},
                                                                     {"name", "X"}}),
                       400, "invalid_event_code"));
  EXPECT_TRUE(is_error(suite_attendee->client.get("/api/my-photos?event_code=unknown"), 400,
                       "invalid_event_code"));
  EXPECT_TRUE(is_error(c.get("/api/events/ZZZZZZ"), 404, "not_found"));  // decision 1
  // Codes are case-insensitive on input.
  std::string lower = suite_code;
  for (char& ch : lower) {
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  EXPECT_EQ(c.get("/api/events/" + lower).status, 200);
}

TEST_F(ErrorsTest, UnauthorizedForbiddenNotFound) {
  const HttpClient c = anonymous();
  EXPECT_TRUE(is_error(c.get("/api/me"), 401, "unauthorized"));
  EXPECT_TRUE(
      is_error(c.get("/api/me", {"Authorization: Basic dXNlcjpwYXNz"}), 401, "unauthorized"));
  const std::string email = unique_email("login");
  sign_up_organizer(suite_server->port(), email);
  EXPECT_TRUE(
      is_error(c.post_json("/api/login", {{"email", email}, {"password", "wrong password!"}}), 401,
               "unauthorized"));
  EXPECT_TRUE(is_error(
      c.post_json("/api/login", {{"email", unique_email("nobody")}, {"password", kPassword}}), 401,
      "unauthorized"));
  EXPECT_TRUE(is_error(suite_attendee->client.get("/api/events"), 403, "forbidden"));
  EXPECT_TRUE(is_error(suite_organizer->get("/api/jobs/987654321"), 404, "not_found"));
  EXPECT_TRUE(is_error(suite_organizer->get("/api/no-such-route"), 404, "not_found"));
  // docs/api.md: a known path with the wrong method is 405 invalid_request with Allow.
  HttpResponse wrong_method = c.send("PUT", "/api/me", "", "");
  EXPECT_TRUE(is_error(wrong_method, 405, "invalid_request"));
  EXPECT_FALSE(wrong_method.header("allow").empty()) << wrong_method.describe();
}

TEST_F(ErrorsTest, EmailTaken) {
  const std::string email = unique_email("twice");
  sign_up_organizer(suite_server->port(), email);
  const HttpClient c = anonymous();
  EXPECT_TRUE(is_error(c.post_json("/api/organizers",
                                   {{"email", email}, {"password", kPassword}, {"name", "Again"}}),
                       409, "email_taken"));
  // An organizer cannot join as an attendee (decision 7).
  json join = {
      {"event_code", suite_code}, {"email", email}, {"password", kPassword}, {"name", "O"}};
  EXPECT_TRUE(is_error(c.post_json("/api/register-with-event-code", join), 409, "email_taken"));
  // An attendee registering again: right password joins (200), wrong one is email_taken.
  const std::string attendee = unique_email("again");
  join["email"] = attendee;
  ASSERT_EQ(c.post_json("/api/register-with-event-code", join).status, 201);
  EXPECT_EQ(c.post_json("/api/register-with-event-code", join).status, 200);
  join["password"] = "not the password";
  EXPECT_TRUE(is_error(c.post_json("/api/register-with-event-code", join), 409, "email_taken"));
}

TEST_F(ErrorsTest, TooManyAttemptsAfterFiveFailedLogins) {
  const std::string email = unique_email("guessed");
  sign_up_organizer(suite_server->port(), email);
  const HttpClient c = anonymous();
  const json wrong = {{"email", email}, {"password", "guess guess guess"}};
  for (int i = 1; i <= 5; ++i) {
    EXPECT_TRUE(is_error(c.post_json("/api/login", wrong), 401, "unauthorized")) << "attempt " << i;
  }
  EXPECT_TRUE(is_error(c.post_json("/api/login", wrong), 429, "too_many_attempts"));
  // docs/api.md: even the right password, until the window passes.
  EXPECT_TRUE(is_error(c.post_json("/api/login", {{"email", email}, {"password", kPassword}}), 429,
                       "too_many_attempts"));
  // Other accounts are unaffected.
  const std::string other = unique_email("other");
  sign_up_organizer(suite_server->port(), other);
  EXPECT_EQ(c.post_json("/api/login", {{"email", other}, {"password", kPassword}}).status, 200);
}

}  // namespace
}  // namespace findme::integration
