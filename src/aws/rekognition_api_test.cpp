#include "aws/rekognition_api.h"

#include <deque>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sodium.h>

#include "aws/sigv4/sigv4.h"
#include "domain/testing/job_test_world.h"

namespace findme::aws {
namespace {

using domain::testing::fake_embedding;
using domain::testing::fake_face;
using domain::testing::fake_image;
using domain::testing::must;
using nlohmann::json;

std::string base64_of(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

// Face work queued by hand: the test decides when it runs, on its own thread.
class ManualFaceWork final : public domain::FaceWork {
 public:
  Result<void> post(Task task) override {
    if (refuse) return make_error(*refuse, "refused by the test");
    tasks.push_back(std::move(task));
    return {};
  }
  void run_all(face::FaceEngine& engine) {
    std::vector<Task> now = std::move(tasks);
    tasks.clear();
    for (Task& task : now) task(engine);
  }
  std::optional<Errc> refuse;
  std::vector<Task> tasks;
};

std::string error_name(const api::Response& r) {
  const json body = json::parse(r.body, nullptr, false);
  return body.is_object() ? body.value("__type", "(none)") : "(not JSON)";
}

class RekognitionApiTest : public ::testing::Test {
 protected:
  // A request as boto3 sends it, signed with `key` unless `sign` is false.
  api::Request request(std::string_view target, std::string body, const AccessKey& key,
                       bool sign = true) {
    api::Request r;
    r.method = "POST";
    r.target = r.path = "/aws/";
    r.request_id = "req-" + std::to_string(++requests_);
    bodies_.push_back(std::move(body));
    r.body = bodies_.back();
    const auto now = std::chrono::floor<std::chrono::seconds>(world_.clock.now());
    r.headers = {{"Host", "localhost:8080"},
                 {"X-Amz-Date", sigv4::format_amz_date(now)},
                 {"X-Amz-Target", std::string(target)},
                 {"Content-Type", "application/x-amz-json-1.1"}};
    if (!sign) return r;
    const sigv4::SignedRequest signed_req{.method = r.method,
                                          .raw_path = r.target,
                                          .raw_query = "",
                                          .headers = r.headers,
                                          .body = r.body};
    AwsResult<std::string> authorization =
        sigv4::authorization_header(signed_req, key.id, key.secret, "eu-west-1", "rekognition",
                                    {"content-type", "host", "x-amz-date", "x-amz-target"});
    EXPECT_TRUE(authorization) << authorization.error().message;
    if (authorization) r.headers.emplace_back("Authorization", *authorization);
    return r;
  }

  api::Response call(std::string_view operation, const json& body, const AccessKey& key) {
    return api_.handle(request("RekognitionService." + std::string(operation), body.dump(), key));
  }

  // The re-run http/ makes after a notification (or at the deadline, `expired`).
  api::Response resume(api::Request r, bool expired = false) {
    r.wait_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    r.wait_expired = expired;
    return api_.handle(r);
  }

  json index_body(const std::string& collection = "team") {
    return {{"CollectionId", collection},
            {"ExternalImageId", "group.jpg"},
            {"Image", {{"Bytes", base64_of(group_)}}}};
  }

  void SetUp() override {
    world_.script.set("group", {fake_face(fake_embedding(1), true, 60)});
    ASSERT_TRUE(must(collections_.create(world_.organizer, "team")));
  }

  domain::testing::JobWorld world_;
  domain::testing::FakeFaceEngine engine_{world_.script};
  domain::AccessKeys keys_{world_.store, world_.clock};
  domain::FaceCollections collections_{world_.store, world_.decoder, {}};
  ManualFaceWork work_;
  Notifier notifier_;
  RekognitionApi api_{{.keys = keys_,
                       .collections = collections_,
                       .work = work_,
                       .notifier = notifier_,
                       .clock = world_.clock}};
  AccessKey key_ = must(keys_.create(world_.organizer));
  const std::string group_ = fake_image("group", 200, 100);
  std::deque<std::string> bodies_;  // request bodies outlive their requests' views
  int requests_ = 0;
};

TEST_F(RekognitionApiTest, ListCollectionsAnswersAtOnce) {
  api::Response r = call("ListCollections", json::object(), key_);

  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.wait);
  EXPECT_EQ(json::parse(r.body),
            (json{{"CollectionIds", {"team"}}, {"FaceModelVersions", {"1.0"}}}));
  EXPECT_EQ(r.route, "/aws ListCollections");
  EXPECT_TRUE(work_.tasks.empty());
  bool has_request_id = false;
  for (const auto& [name, value] : r.headers) has_request_id |= name == "x-amzn-RequestId";
  EXPECT_TRUE(has_request_id);
}

TEST_F(RekognitionApiTest, CreateCollectionAnswersItsArnOnceAndThenAlreadyExists) {
  api::Response r = call("CreateCollection", {{"CollectionId", "new.one"}}, key_);

  ASSERT_EQ(r.status, 200) << r.body;
  const std::string account = fmt::format("{:012d}", world_.organizer.id.value);
  EXPECT_EQ(json::parse(r.body).at("CollectionArn"),
            "arn:aws:rekognition:eu-west-1:" + account + ":collection/new.one");
  EXPECT_TRUE(must(collections_.describe(world_.organizer, "new.one")).id);

  api::Response again = call("CreateCollection", {{"CollectionId", "new.one"}}, key_);
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(error_name(again), "ResourceAlreadyExistsException");
}

TEST_F(RekognitionApiTest, IndexFacesWaitsForItsFaceWorkAndAnswersOnTheRerun) {
  const api::Request sent = request("RekognitionService.IndexFaces", index_body().dump(), key_);
  api::Response first = api_.handle(sent);
  ASSERT_TRUE(first.wait) << first.body;
  ASSERT_EQ(work_.tasks.size(), 1u);
  EXPECT_EQ(world_.script.count("group"), 0u);  // nothing ran on the request's thread

  // A spurious wake-up before the work ran waits again, for the same key.
  api::Response early = resume(sent);
  ASSERT_TRUE(early.wait);
  EXPECT_EQ(early.wait->key, first.wait->key);

  bool notified = false;
  Notifier::Subscription s =
      notifier_.subscribe(first.wait->key, notifier_.epoch(), [&] { notified = true; });
  work_.run_all(engine_);
  EXPECT_TRUE(notified);

  api::Response answered = resume(sent);
  ASSERT_EQ(answered.status, 200) << answered.body;
  const json body = json::parse(answered.body);
  ASSERT_EQ(body.at("FaceRecords").size(), 1u);
  const json& face = body.at("FaceRecords")[0].at("Face");
  EXPECT_EQ(face.at("ExternalImageId"), "group.jpg");
  EXPECT_FLOAT_EQ(face.at("BoundingBox").at("Width").get<float>(), 0.3f);  // 60 of 200 px
  EXPECT_EQ(body.at("UnindexedFaces"), json::array());
  EXPECT_EQ(answered.route, "/aws IndexFaces");
  EXPECT_EQ(must(collections_.describe(world_.organizer, "team")).face_count, 1);

  // Answered once: the request's work is forgotten.
  EXPECT_EQ(resume(sent).status, 500);
}

TEST_F(RekognitionApiTest, FaceWorkErrorsAreAnsweredOnTheRerun) {
  const api::Request sent =
      request("RekognitionService.IndexFaces", index_body("gone").dump(), key_);
  ASSERT_TRUE(api_.handle(sent).wait);
  work_.run_all(engine_);

  api::Response r = resume(sent);

  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error_name(r), "ResourceNotFoundException");
}

TEST_F(RekognitionApiTest, AWaitThatExpiresWithoutAResultIsAThroughputRefusal) {
  const api::Request sent = request("RekognitionService.IndexFaces", index_body().dump(), key_);
  ASSERT_TRUE(api_.handle(sent).wait);

  api::Response r = resume(sent, /*expired=*/true);

  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error_name(r), "ProvisionedThroughputExceededException");
  work_.run_all(engine_);  // the late result is dropped, harmlessly
}

TEST_F(RekognitionApiTest, FullFaceWorkQueueIsRefusedAtOnce) {
  work_.refuse = Errc::busy;
  api::Response busy = call("IndexFaces", index_body(), key_);
  EXPECT_FALSE(busy.wait);
  EXPECT_EQ(busy.status, 400);
  EXPECT_EQ(error_name(busy), "ProvisionedThroughputExceededException");

  work_.refuse = Errc::unavailable;
  api::Response stopping = call("DetectFaces", {{"Image", {{"Bytes", base64_of(group_)}}}}, key_);
  EXPECT_EQ(stopping.status, 500);
  EXPECT_EQ(error_name(stopping), "InternalServerError");
}

TEST_F(RekognitionApiTest, InvalidParametersAreRefusedBeforeAnyFaceWork) {
  json body = index_body();
  body["MaxFaces"] = 0;
  api::Response r = call("IndexFaces", body, key_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error_name(r), "InvalidParameterException");
  EXPECT_TRUE(work_.tasks.empty());

  api::Response missing = call("DescribeCollection", {{"CollectionId", "nope"}}, key_);
  EXPECT_EQ(error_name(missing), "ResourceNotFoundException");
}

TEST_F(RekognitionApiTest, ProtocolErrors) {
  api::Response unknown = call("StartFaceSearch", json::object(), key_);
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(error_name(unknown), "UnknownOperationException");
  EXPECT_EQ(unknown.route, "/aws");

  api::Response not_json =
      api_.handle(request("RekognitionService.ListCollections", "{\"MaxResults\":", key_));
  EXPECT_EQ(error_name(not_json), "SerializationException");
  api::Response array = api_.handle(request("RekognitionService.ListCollections", "[]", key_));
  EXPECT_EQ(error_name(array), "SerializationException");

  api::Request get = request("RekognitionService.ListCollections", "", key_);
  get.method = "GET";
  api::Response r = api_.handle(get);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error_name(r), "UnknownOperationException");
}

TEST_F(RekognitionApiTest, MissingOrTamperedSignaturesAre403) {
  api::Response unsigned_r =
      api_.handle(request("RekognitionService.ListCollections", "{}", key_, /*sign=*/false));
  EXPECT_EQ(unsigned_r.status, 403);
  EXPECT_EQ(error_name(unsigned_r), "MissingAuthenticationTokenException");

  api::Request tampered =
      request("RekognitionService.CreateCollection", R"({"CollectionId":"mine"})", key_);
  bodies_.emplace_back(R"({"CollectionId":"evil"})");
  tampered.body = bodies_.back();
  api::Response r = api_.handle(tampered);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(error_name(r), "InvalidSignatureException");
  EXPECT_FALSE(must(world_.store.find_collection(world_.organizer.id, "evil")));

  const api::Request old = request("RekognitionService.ListCollections", "{}", key_);
  world_.clock.advance(std::chrono::minutes(16));
  EXPECT_EQ(error_name(api_.handle(old)), "InvalidSignatureException");

  AccessKey wrong_secret = key_;
  wrong_secret.secret = domain::new_secret_access_key();
  EXPECT_EQ(error_name(call("ListCollections", json::object(), wrong_secret)),
            "InvalidSignatureException");
}

TEST_F(RekognitionApiTest, UnknownAndRevokedKeysAreUnrecognizedClients) {
  AccessKey stranger{.id = domain::new_access_key_id(), .secret = domain::new_secret_access_key()};
  api::Response r = call("ListCollections", json::object(), stranger);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error_name(r), "UnrecognizedClientException");

  ASSERT_TRUE(keys_.revoke(world_.organizer, key_.id));
  EXPECT_EQ(error_name(call("ListCollections", json::object(), key_)),
            "UnrecognizedClientException");
}

TEST_F(RekognitionApiTest, ReadOnlyKeysSearchButDoNotChangeAnything) {
  const AccessKey reader = must(keys_.create(world_.organizer, /*read_only=*/true));

  api::Response index = call("IndexFaces", index_body(), reader);
  EXPECT_EQ(index.status, 400);
  EXPECT_EQ(error_name(index), "AccessDeniedException");
  EXPECT_TRUE(work_.tasks.empty());
  for (std::string_view op : {"CreateCollection", "DeleteCollection"}) {
    EXPECT_EQ(error_name(call(op, {{"CollectionId", "team"}}, reader)), "AccessDeniedException")
        << op;
  }
  EXPECT_TRUE(must(collections_.describe(world_.organizer, "team")).id);

  EXPECT_EQ(call("ListCollections", json::object(), reader).status, 200);
  api::Response search =
      call("SearchFacesByImage",
           {{"CollectionId", "team"}, {"Image", {{"Bytes", base64_of(group_)}}}}, reader);
  EXPECT_TRUE(search.wait) << search.body;
}

TEST_F(RekognitionApiTest, KeysActOnTheirOwnersCollectionsOnly) {
  const User attendee = *must(world_.store.find_user(world_.add_attendee("ada")));
  const NewAccessKey made{.id = domain::new_access_key_id(),
                          .user_id = attendee.id,
                          .secret = domain::new_secret_access_key()};
  must(world_.store.create_access_key(made));
  const AccessKey attendees_key{.id = made.id, .secret = made.secret};
  EXPECT_EQ(error_name(call("ListCollections", json::object(), attendees_key)),
            "AccessDeniedException");

  const User grace = must(world_.store.create_user({.email = "grace@example.org",
                                                    .name = "Grace",
                                                    .role = Role::organizer,
                                                    .password_hash = "x"}));
  const AccessKey graces_key = must(keys_.create(grace));
  api::Response r = call("DescribeCollection", {{"CollectionId", "team"}}, graces_key);
  EXPECT_EQ(error_name(r), "ResourceNotFoundException");
  EXPECT_EQ(
      json::parse(call("ListCollections", json::object(), graces_key).body).at("CollectionIds"),
      json::array());
}

}  // namespace
}  // namespace findme::aws
