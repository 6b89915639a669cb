// Who may see and do what, on the real binary: anonymous, attendee A (matched to a photo),
// attendee B (joined, not matched), the event's organizer and another organizer, against every
// endpoint and object. Objects the caller may not see answer 404 (API.md decision 11); a missing
// or invalid token where sign-in is required answers 401.
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "integration/api_steps.h"
#include "integration/http_client.h"
#include "integration/server_process.h"
#include "integration/test_images.h"

namespace findme::integration {
namespace {

// The woman on the right of sample6 (test_images.h). Small photos keep the suite fast in
// sanitizer builds: one showing her, one without her.
std::string photo_without_her() { return scaled_jpeg(sample_bytes(2), 0.5); }

// Everything the suite's tests share; built once, read-only afterwards.
struct AuthorizationWorld {
  explicit AuthorizationWorld(std::uint16_t p)
      : port(p),
        anonymous(p),
        bad_token(p),
        organizer(sign_up_organizer(p, unique_email("o1"))),
        other_organizer(sign_up_organizer(p, unique_email("o2"))) {
    bad_token.set_token("not-a-real-token");
    code = create_event(organizer, "Matrix Night");
    other_code = create_event(other_organizer, "Other Night");
    const json up = upload_photos(
        organizer, code, {{"her.jpg", photo_of_her()}, {"others.jpg", photo_without_her()}});
    for (const json& photo : up["photos"]) {
      wait_for_job(organizer, photo["job_id"].get<std::string>());
      const bool six = photo["filename"] == "her.jpg";
      (six ? matched_photo : unmatched_photo) = photo["id"].get<std::string>();
      if (six) {
        index_job = photo["job_id"].get<std::string>();
      }
    }
    a = std::make_unique<Attendee>(register_attendee(p, code, unique_email("a"), her_selfie()));
    match_job = a->registration["match_job"]["id"].get<std::string>();
    if (wait_for_job(a->client, match_job)["status"] != "done") {
      throw std::runtime_error("attendee A's match job failed");
    }
    b = std::make_unique<Attendee>(register_attendee(p, code, unique_email("b")));
  }

  std::uint16_t port;
  HttpClient anonymous;
  HttpClient bad_token;
  HttpClient organizer;
  HttpClient other_organizer;
  std::string code, other_code;
  std::string matched_photo, unmatched_photo, index_job, match_job;
  std::unique_ptr<Attendee> a, b;
};

class AuthorizationTest : public ::testing::Test {
 protected:
  // Built by the first test, so that a failed start fails that test (not a silent skip).
  void SetUp() override {
    if (!suite_server) {
      suite_server = std::make_unique<TestServer>();
    }
    if (!suite_world) {
      suite_world = std::make_unique<AuthorizationWorld>(suite_server->port());
    }
  }
  static void TearDownTestSuite() {
    suite_world.reset();
    if (suite_server) {
      EXPECT_EQ(suite_server->stop(), 0) << suite_server->log();
    }
    suite_server.reset();
  }
  static const AuthorizationWorld& w() { return *suite_world; }

  static std::unique_ptr<TestServer> suite_server;
  static std::unique_ptr<AuthorizationWorld> suite_world;
};
std::unique_ptr<TestServer> AuthorizationTest::suite_server;
std::unique_ptr<AuthorizationWorld> AuthorizationTest::suite_world;

struct Case {
  const char* caller;
  const HttpClient* client;
  int status;
  const char* code;  // expected error code; nullptr for a success
};

// Runs `request` as each caller and checks the status (and error code for failures).
template <class Request>
void expect_matrix(const std::string& what, const std::vector<Case>& cases, Request request) {
  for (const Case& c : cases) {
    HttpResponse r = request(*c.client);
    if (c.code == nullptr) {
      EXPECT_EQ(r.status, c.status) << what << " as " << c.caller << ": " << r.describe();
    } else {
      EXPECT_TRUE(is_error(r, c.status, c.code)) << what << " as " << c.caller;
    }
  }
}

TEST_F(AuthorizationTest, PhotoFilesAreForTheOrganizerAndTheMatchedAttendeeOnly) {
  for (const char* variant : {"thumbnail", "original"}) {
    const std::string matched = "/api/photos/" + w().matched_photo + "/" + variant;
    expect_matrix(matched,
                  {{"anonymous", &w().anonymous, 404, "not_found"},
                   {"bad token", &w().bad_token, 404, "not_found"},
                   {"A", &w().a->client, 200, nullptr},
                   {"B", &w().b->client, 404, "not_found"},
                   {"organizer", &w().organizer, 200, nullptr},
                   {"other organizer", &w().other_organizer, 404, "not_found"}},
                  [&](const HttpClient& c) { return c.get(matched); });
    const std::string unmatched = "/api/photos/" + w().unmatched_photo + "/" + variant;
    expect_matrix(
        unmatched,
        {{"A", &w().a->client, 404, "not_found"}, {"organizer", &w().organizer, 200, nullptr}},
        [&](const HttpClient& c) { return c.get(unmatched); });
    for (const std::string id : {"999999999", "abc", "-1"}) {
      EXPECT_TRUE(
          is_error(w().organizer.get("/api/photos/" + id + "/" + variant), 404, "not_found"))
          << id;
    }
  }
}

TEST_F(AuthorizationTest, JobsAreForTheirOwnerOnly) {
  const std::string match = "/api/jobs/" + w().match_job;
  expect_matrix(match,
                {{"anonymous", &w().anonymous, 404, "not_found"},  // decision 11
                 {"A", &w().a->client, 200, nullptr},
                 {"B", &w().b->client, 404, "not_found"},
                 {"organizer", &w().organizer, 404, "not_found"},
                 {"other organizer", &w().other_organizer, 404, "not_found"}},
                [&](const HttpClient& c) { return c.get(match); });
  const std::string index = "/api/jobs/" + w().index_job;
  expect_matrix(index,
                {{"anonymous", &w().anonymous, 404, "not_found"},
                 {"A", &w().a->client, 404, "not_found"},
                 {"B", &w().b->client, 404, "not_found"},
                 {"organizer", &w().organizer, 200, nullptr},
                 {"other organizer", &w().other_organizer, 404, "not_found"}},
                [&](const HttpClient& c) { return c.get(index); });
  EXPECT_TRUE(is_error(w().organizer.get("/api/jobs/999999999"), 404, "not_found"));
}

TEST_F(AuthorizationTest, EventManagementIsForItsOrganizerOnly) {
  const std::vector<Case> cases = {{"anonymous", &w().anonymous, 401, "unauthorized"},
                                   {"bad token", &w().bad_token, 401, "unauthorized"},
                                   {"A", &w().a->client, 403, "forbidden"},
                                   {"B", &w().b->client, 403, "forbidden"},
                                   {"other organizer", &w().other_organizer, 404, "not_found"},
                                   {"organizer", &w().organizer, 200, nullptr}};
  for (const char* what : {"stats", "photos"}) {
    const std::string target = "/api/events/" + w().code + "/" + what;
    expect_matrix(target, cases, [&](const HttpClient& c) { return c.get(target); });
  }
  std::vector<Case> refused(cases.begin(), cases.end() - 1);
  const std::string photos = "/api/events/" + w().code + "/photos";
  expect_matrix("upload to " + photos, refused, [&](const HttpClient& c) {
    Multipart form;
    form.file("photos", "intruder.jpg", photo_without_her());
    return c.post_multipart(photos, form);
  });
  const std::string event = "/api/events/" + w().code;
  expect_matrix("DELETE " + event, refused, [&](const HttpClient& c) { return c.del(event); });
  // Nothing above changed the event.
  const json stats = get_json(w().organizer, event + "/stats");
  EXPECT_EQ(stats["photos"]["total"], 2) << stats.dump();
  EXPECT_EQ(get_json(w().anonymous, event)["event"]["photo_count"], 2);
}

TEST_F(AuthorizationTest, EventListsAreOrganizersOwn) {
  expect_matrix("GET /api/events",
                {{"anonymous", &w().anonymous, 401, "unauthorized"},
                 {"bad token", &w().bad_token, 401, "unauthorized"},
                 {"A", &w().a->client, 403, "forbidden"}},
                [](const HttpClient& c) { return c.get("/api/events"); });
  const json mine = get_json(w().organizer, "/api/events");
  ASSERT_EQ(mine["events"].size(), 1u) << mine.dump();
  EXPECT_EQ(mine["events"][0]["code"], w().code);
  const json theirs = get_json(w().other_organizer, "/api/events");
  ASSERT_EQ(theirs["events"].size(), 1u) << theirs.dump();
  EXPECT_EQ(theirs["events"][0]["code"], w().other_code);
}

TEST_F(AuthorizationTest, MyPhotosIsPerAttendee) {
  const std::string target = "/api/my-photos?event_code=" + w().code;
  expect_matrix(target,
                {{"anonymous", &w().anonymous, 401, "unauthorized"},
                 {"bad token", &w().bad_token, 401, "unauthorized"},
                 {"organizer", &w().organizer, 403, "forbidden"}},
                [&](const HttpClient& c) { return c.get(target); });
  const json a = get_json(w().a->client, target);
  ASSERT_EQ(a["photos"].size(), 1u) << a.dump();
  EXPECT_EQ(a["photos"][0]["id"], w().matched_photo);
  EXPECT_EQ(get_json(w().b->client, target)["photos"].size(), 0u);
  // Decision 2: an event the attendee has not joined is an empty list.
  EXPECT_EQ(get_json(w().a->client, "/api/my-photos?event_code=" + w().other_code)["photos"].size(),
            0u);
}

TEST_F(AuthorizationTest, SelfiesAreForAttendeesOfJoinedEvents) {
  auto upload = [](const HttpClient& c, const std::string& code) {
    Multipart form;
    if (!code.empty()) {
      form.field("event_code", code);
    }
    form.file("selfie", "me.jpg", her_selfie());
    return c.post_multipart("/api/upload-selfie", form);
  };
  EXPECT_TRUE(is_error(upload(w().anonymous, w().code), 401, "unauthorized"));
  EXPECT_TRUE(is_error(upload(w().bad_token, w().code), 401, "unauthorized"));
  EXPECT_TRUE(is_error(upload(w().organizer, w().code), 403, "forbidden"));
  EXPECT_TRUE(is_error(upload(w().a->client, w().other_code), 403, "forbidden"));  // not joined
  HttpResponse ok = upload(w().a->client, w().code);
  ASSERT_EQ(ok.status, 202) << ok.describe();
  const json job = wait_for_job(w().a->client, ok.json_body()["job"]["id"].get<std::string>());
  EXPECT_EQ(job["status"], "done") << job.dump();
  EXPECT_EQ(job["result"]["matches"], 1) << job.dump();
}

TEST_F(AuthorizationTest, NotMeHidesAMatchForTheCallerOnly) {
  Attendee d = register_attendee(w().port, w().code, unique_email("d"), her_selfie());
  ASSERT_EQ(wait_for_job(d.client, d.registration["match_job"]["id"])["status"], "done");
  const std::string target = "/api/photos/" + w().matched_photo + "/not-me";
  EXPECT_TRUE(is_error(w().anonymous.post_text(target, "", ""), 401, "unauthorized"));
  EXPECT_TRUE(is_error(w().b->client.post_text(target, "", ""), 404, "not_found"));
  const std::string mine = "/api/my-photos?event_code=" + w().code;
  ASSERT_EQ(get_json(d.client, mine)["photos"].size(), 1u);
  HttpResponse hidden = d.client.post_text(target, "", "");
  EXPECT_EQ(hidden.status, 204) << hidden.describe();
  EXPECT_EQ(get_json(d.client, mine)["photos"].size(), 0u);
  EXPECT_EQ(get_json(w().a->client, mine)["photos"].size(), 1u);
}

TEST_F(AuthorizationTest, MeAndLogout) {
  EXPECT_TRUE(is_error(w().anonymous.get("/api/me"), 401, "unauthorized"));
  EXPECT_TRUE(is_error(w().bad_token.get("/api/me"), 401, "unauthorized"));
  const json me = get_json(w().a->client, "/api/me");
  EXPECT_EQ(me["user"]["role"], "attendee");
  ASSERT_EQ(me["events"].size(), 1u) << me.dump();
  EXPECT_EQ(me["events"][0]["code"], w().code);

  // A second session for the organizer; logging it out leaves the first one working.
  const auto email = get_json(w().organizer, "/api/me")["user"]["email"].get<std::string>();
  HttpClient second(w().port);
  HttpResponse login = second.post_json("/api/login", {{"email", email}, {"password", kPassword}});
  ASSERT_EQ(login.status, 200) << login.describe();
  second.set_token(login.json_body()["token"].get<std::string>());
  EXPECT_EQ(second.get("/api/me").status, 200);
  EXPECT_EQ(second.post_text("/api/logout", "", "").status, 204);
  EXPECT_TRUE(is_error(second.get("/api/me"), 401, "unauthorized"));
  EXPECT_EQ(w().organizer.get("/api/me").status, 200);
  EXPECT_TRUE(is_error(w().anonymous.post_text("/api/logout", "", ""), 401, "unauthorized"));
}

TEST_F(AuthorizationTest, DeletingAnEventErasesItForEveryone) {
  const std::string code = create_event(w().organizer, "Short-lived");
  const json up = upload_photos(w().organizer, code, {{"her.jpg", photo_of_her()}});
  wait_for_job(w().organizer, up["photos"][0]["job_id"]);
  const std::string photo = "/api/photos/" + up["photos"][0]["id"].get<std::string>();
  Attendee c = register_attendee(w().port, code, unique_email("c"), her_selfie());
  ASSERT_EQ(wait_for_job(c.client, c.registration["match_job"]["id"])["status"], "done");
  ASSERT_EQ(c.client.get(photo + "/thumbnail").status, 200);

  HttpResponse deleted = w().organizer.del("/api/events/" + code);
  EXPECT_EQ(deleted.status, 204) << deleted.describe();
  EXPECT_TRUE(is_error(w().anonymous.get("/api/events/" + code), 404, "not_found"));
  EXPECT_TRUE(is_error(w().organizer.get("/api/events/" + code + "/stats"), 404, "not_found"));
  EXPECT_TRUE(is_error(w().organizer.get(photo + "/original"), 404, "not_found"));
  EXPECT_TRUE(is_error(c.client.get(photo + "/thumbnail"), 404, "not_found"));
  EXPECT_EQ(get_json(c.client, "/api/my-photos")["photos"].size(), 0u);
  EXPECT_TRUE(is_error(w().organizer.del("/api/events/" + code), 404, "not_found"));
}

TEST_F(AuthorizationTest, DeletingAnAccountErasesItsSessionsAndMatches) {
  EXPECT_TRUE(is_error(w().anonymous.del("/api/me"), 401, "unauthorized"));
  const std::string email = unique_email("leaving");
  Attendee e = register_attendee(w().port, w().code, email, her_selfie());
  ASSERT_EQ(wait_for_job(e.client, e.registration["match_job"]["id"])["status"], "done");
  const std::string photo = "/api/photos/" + w().matched_photo + "/thumbnail";
  ASSERT_EQ(e.client.get(photo).status, 200);
  const json before = get_json(w().organizer, "/api/events/" + w().code + "/stats");

  HttpResponse erased = e.client.del("/api/me");
  EXPECT_EQ(erased.status, 204) << erased.describe();
  EXPECT_TRUE(is_error(e.client.get("/api/me"), 401, "unauthorized"));
  EXPECT_TRUE(is_error(e.client.get(photo), 404, "not_found"));
  EXPECT_TRUE(
      is_error(w().anonymous.post_json("/api/login", {{"email", email}, {"password", kPassword}}),
               401, "unauthorized"));
  const json after = get_json(w().organizer, "/api/events/" + w().code + "/stats");
  EXPECT_EQ(after["attendees"].get<int>(), before["attendees"].get<int>() - 1) << after.dump();
  EXPECT_EQ(after["matches"].get<int>(), before["matches"].get<int>() - 1) << after.dump();
}

TEST_F(AuthorizationTest, DeletingAnOrganizerDeletesTheirEvents) {
  HttpClient leaving = sign_up_organizer(w().port, unique_email("o3"));
  const std::string code = create_event(leaving, "Gone Tomorrow");
  EXPECT_EQ(leaving.del("/api/me").status, 204);
  EXPECT_TRUE(is_error(w().anonymous.get("/api/events/" + code), 404, "not_found"));
  EXPECT_TRUE(is_error(leaving.get("/api/events"), 401, "unauthorized"));
}

}  // namespace
}  // namespace findme::integration
