// Confidence bands on the real binary (issue 10): a maybe match shows the attendee only the face
// ("Is this you?"), never the photo, until they answer. Maybe matches are seeded through the
// store into the server's own SQLite database (this process opens it too, which WAL allows),
// as matching writes them once it sorts matches into bands.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/clock.h"
#include "integration/api_steps.h"
#include "integration/http_client.h"
#include "integration/server_process.h"
#include "integration/test_images.h"
#include "store/sqlite/sqlite_store.h"

namespace findme::integration {
namespace {

// The woman on the right of sample6 (test_images.h), alone in `her.jpg`.

std::int64_t id_of(const json& value) { return std::stoll(value.get<std::string>()); }

// Runs `work` on the server's database, opened by this process too.
template <class Work>
auto on_database(const std::filesystem::path& data_dir, Work work) {
  SystemClock clock;
  Result<std::unique_ptr<store::sqlite::SqliteStore>> s =
      store::sqlite::SqliteStore::open({.path = (data_dir / "findme.db").string()}, clock);
  if (!s) throw std::runtime_error("cannot open the server's database: " + s.error().message);
  return work(**s);
}

struct BandsWorld {
  BandsWorld(std::uint16_t p, std::filesystem::path data)
      : port(p),
        data_dir(std::move(data)),
        anonymous(p),
        bad_token(p),
        organizer(sign_up_organizer(p, unique_email("o1"))),
        other_organizer(sign_up_organizer(p, unique_email("o2"))) {
    bad_token.set_token("not-a-real-token");
    code = create_event(organizer, "Bands Night");
    const json up = upload_photos(organizer, code, {{"her.jpg", photo_of_her()}});
    const json& photo = up["photos"][0];
    if (wait_for_job(organizer, photo["job_id"].get<std::string>())["status"] != "done") {
      throw std::runtime_error("indexing her.jpg failed");
    }
    her_photo = photo["id"].get<std::string>();
    // A: a selfie, so a sure match on her.jpg (and its face).
    a = std::make_unique<Attendee>(register_attendee(p, code, unique_email("a"), her_selfie()));
    if (wait_for_job(a->client, a->registration["match_job"]["id"].get<std::string>())["status"] !=
        "done") {
      throw std::runtime_error("attendee A's match job failed");
    }
    b = std::make_unique<Attendee>(register_attendee(p, code, unique_email("b")));
    Result<std::vector<Face>> faces = on_database(data_dir, [&](store::Store& s) {
      return s.list_photo_faces(PhotoId{std::stoll(her_photo)});
    });
    if (!faces || faces->size() != 1) throw std::runtime_error("her.jpg should have one face");
    her_face = std::to_string(faces->front().id.value);
  }

  template <class Work>
  auto with_store(Work work) const {
    return on_database(data_dir, work);
  }

  // A new attendee (no selfie) with a maybe match on her.jpg's face.
  Attendee attendee_asked_about_her(const std::string& who) const {
    Attendee c = register_attendee(port, code, unique_email(who));
    seed_maybe(c);
    return c;
  }

  void seed_maybe(const Attendee& c) const {
    const NewMatch m{.user_id = UserId{id_of(c.registration["user"]["id"])},
                     .photo_id = PhotoId{std::stoll(her_photo)},
                     .face_id = FaceId{std::stoll(her_face)},
                     .distance = 0.58f,
                     .band = MatchBand::maybe};
    Result<void> done =
        with_store([&](store::Store& s) { return s.upsert_matches(std::span(&m, 1)); });
    if (!done) throw std::runtime_error("seeding a maybe match failed: " + done.error().message);
  }

  std::uint16_t port;
  std::filesystem::path data_dir;
  HttpClient anonymous;
  HttpClient bad_token;
  HttpClient organizer;
  HttpClient other_organizer;
  std::string code, her_photo, her_face;
  std::unique_ptr<Attendee> a, b;
};

class BandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!suite_server) suite_server = std::make_unique<TestServer>();
    if (!suite_world) {
      suite_world = std::make_unique<BandsWorld>(suite_server->port(), suite_server->data_dir());
    }
  }
  static void TearDownTestSuite() {
    suite_world.reset();
    if (suite_server) {
      EXPECT_EQ(suite_server->stop(), 0) << suite_server->log();
    }
    suite_server.reset();
  }
  static const BandsWorld& w() { return *suite_world; }
  static std::string crop_of(const std::string& face) { return "/api/faces/" + face + "/crop"; }
  static std::string answer_of(const std::string& face) { return "/api/faces/" + face + "/answer"; }

  static std::unique_ptr<TestServer> suite_server;
  static std::unique_ptr<BandsWorld> suite_world;
};
std::unique_ptr<TestServer> BandsTest::suite_server;
std::unique_ptr<BandsWorld> BandsTest::suite_world;

TEST_F(BandsTest, MaybeMatchOffersTheFaceNeverThePhoto) {
  Attendee c = w().attendee_asked_about_her("c");

  json mine = get_json(c.client, "/api/my-photos?event_code=" + w().code);
  EXPECT_TRUE(mine["photos"].empty()) << mine.dump();
  EXPECT_EQ(mine["candidates"], 1);
  json asked = get_json(c.client, "/api/my-candidates?event_code=" + w().code);
  ASSERT_EQ(asked["candidates"].size(), 1u) << asked.dump();
  const json& one = asked["candidates"][0];
  EXPECT_EQ(one["face_id"], w().her_face);
  EXPECT_EQ(one["photo_id"], w().her_photo);
  EXPECT_EQ(one["event_code"], w().code);
  EXPECT_EQ(one["crop_url"], crop_of(w().her_face));
  EXPECT_GT(one["similarity"].get<double>(), 0.0);
  EXPECT_EQ(get_json(c.client, "/api/my-candidates")["candidates"].size(), 1u);  // every event

  for (const char* variant : {"thumbnail", "original"}) {
    EXPECT_TRUE(
        is_error(c.client.get("/api/photos/" + w().her_photo + "/" + variant), 404, "not_found"));
  }
  EXPECT_TRUE(
      is_error(c.client.get("/api/my-photos.zip?event_code=" + w().code), 404, "not_found"));
  json stats = get_json(w().organizer, "/api/events/" + w().code + "/stats");
  EXPECT_GE(stats["candidates"].get<int>(), 1) << stats.dump();
  EXPECT_GE(stats["matches"].get<int>(), 1) << stats.dump();  // A's sure match
  EXPECT_TRUE(is_error(w().organizer.get("/api/my-candidates"), 403, "forbidden"));
  EXPECT_TRUE(is_error(w().anonymous.get("/api/my-candidates"), 401, "unauthorized"));
}

TEST_F(BandsTest, CropIsTheFaceOnlyForTheMatchedAttendeesAndTheOrganizer) {
  Attendee c = w().attendee_asked_about_her("c");
  const std::string crop = crop_of(w().her_face);
  struct CropCase {
    const char* caller;
    const HttpClient* client;
    int status;
  };
  const std::vector<CropCase> cases = {{"anonymous", &w().anonymous, 404},
                                       {"bad token", &w().bad_token, 404},
                                       {"C (maybe)", &c.client, 200},
                                       {"A (sure)", &w().a->client, 200},
                                       {"B (no match)", &w().b->client, 404},
                                       {"organizer", &w().organizer, 200},
                                       {"other organizer", &w().other_organizer, 404}};
  for (const CropCase& k : cases) {
    HttpResponse r = k.client->get(crop);
    if (k.status == 404) {
      EXPECT_TRUE(is_error(r, 404, "not_found")) << k.caller;
      continue;
    }
    ASSERT_EQ(r.status, 200) << k.caller << ": " << r.describe();
    EXPECT_EQ(r.header("content-type"), "image/jpeg");
    ImagePtr image = load_jpeg(r.body);
    const int width = vips_image_get_width(image.get());
    const int height = vips_image_get_height(image.get());
    // The photo is 530 x 1537; the face with its margin is roughly square and at most 160 px.
    EXPECT_LE(std::max(width, height), 160) << k.caller;
    EXPECT_GT(static_cast<double>(width) / height, 0.6)
        << k.caller << " " << width << "x" << height;
    EXPECT_LT(static_cast<double>(width) / height, 1.6) << k.caller;
  }
  for (const std::string id : {"abc", "999999999", "-1"}) {
    EXPECT_TRUE(is_error(w().organizer.get(crop_of(id)), 404, "not_found")) << id;
  }
}

TEST_F(BandsTest, OnlyTheAskedAttendeeMayAnswer) {
  Attendee c = w().attendee_asked_about_her("c");
  const std::string answer = answer_of(w().her_face);
  const json yes = {{"is_me", true}};
  EXPECT_TRUE(is_error(w().anonymous.post_json(answer, yes), 401, "unauthorized"));
  EXPECT_TRUE(is_error(w().b->client.post_json(answer, yes), 404, "not_found"));
  EXPECT_TRUE(is_error(w().organizer.post_json(answer, yes), 404, "not_found"));
  // A's match is sure: nobody asked A.
  EXPECT_TRUE(is_error(w().a->client.post_json(answer, yes), 404, "not_found"));
  EXPECT_TRUE(is_error(c.client.post_json(answer_of("999999999"), yes), 404, "not_found"));
  EXPECT_TRUE(is_error(c.client.post_json(answer_of("abc"), yes), 404, "not_found"));
  EXPECT_TRUE(is_error(c.client.post_json(answer, {{"is_me", "yes"}}), 400, "invalid_request"));
  EXPECT_TRUE(is_error(c.client.post_json(answer, json::object()), 400, "invalid_request"));
  // Still unanswered after all that.
  EXPECT_EQ(get_json(c.client, "/api/my-photos")["candidates"], 1);
}

TEST_F(BandsTest, YesShowsThePhotoAndIsIdempotent) {
  Attendee d = w().attendee_asked_about_her("d");
  for (int i = 0; i < 2; ++i) {
    HttpResponse r = d.client.post_json(answer_of(w().her_face), {{"is_me", true}});
    ASSERT_EQ(r.status, 200) << r.describe();
    const json m = r.json_body()["match"];
    EXPECT_EQ(m["photo_id"], w().her_photo);
    EXPECT_EQ(m["state"], "confirmed");
    // The first answer sees the seeded band; by the second, the job matching with the confirmed
    // face may have found the same face again at distance 0, a sure match.
    if (i == 0) {
      EXPECT_EQ(m["band"], "maybe");
    } else {
      EXPECT_TRUE(m["band"] == "maybe" || m["band"] == "sure") << m.dump();
    }
  }
  json mine = get_json(d.client, "/api/my-photos?event_code=" + w().code);
  ASSERT_EQ(mine["photos"].size(), 1u) << mine.dump();
  EXPECT_EQ(mine["photos"][0]["id"], w().her_photo);
  EXPECT_EQ(mine["candidates"], 0);
  EXPECT_TRUE(get_json(d.client, "/api/my-candidates")["candidates"].empty());
  EXPECT_EQ(d.client.get("/api/photos/" + w().her_photo + "/thumbnail").status, 200);
  EXPECT_EQ(d.client.get(crop_of(w().her_face)).status, 200);  // answered: still theirs
  // The confirmed face was queued as an extra query; its job ends.
  EXPECT_TRUE(
      eventually([&] { return get_json(d.client, "/api/my-photos")["pending_jobs"] == 0; }));
  EXPECT_EQ(get_json(d.client, "/api/my-photos")["photos"].size(), 1u);
}

TEST_F(BandsTest, ARejectedFaceNeverComesBack) {
  Attendee e = w().attendee_asked_about_her("e");
  HttpResponse no = e.client.post_json(answer_of(w().her_face), {{"is_me", false}});
  ASSERT_EQ(no.status, 200) << no.describe();
  EXPECT_EQ(no.json_body()["match"]["state"], "rejected");
  EXPECT_TRUE(get_json(e.client, "/api/my-candidates")["candidates"].empty());

  w().seed_maybe(e);  // matching finds the same face again
  EXPECT_TRUE(get_json(e.client, "/api/my-candidates")["candidates"].empty());
  EXPECT_EQ(get_json(e.client, "/api/my-photos")["candidates"], 0);
  HttpResponse yes = e.client.post_json(answer_of(w().her_face), {{"is_me", true}});
  ASSERT_EQ(yes.status, 200) << yes.describe();
  EXPECT_EQ(yes.json_body()["match"]["state"], "rejected");
  EXPECT_TRUE(
      is_error(e.client.get("/api/photos/" + w().her_photo + "/thumbnail"), 404, "not_found"));
}

}  // namespace
}  // namespace findme::integration
