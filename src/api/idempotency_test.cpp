#include "api/idempotency.h"

#include <chrono>
#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api/json_mapping.h"
#include "domain/accounts.h"
#include "domain/attendees.h"
#include "domain/events.h"
#include "domain/gallery.h"
#include "domain/photos.h"
#include "domain/secrets.h"
#include "domain/testing/job_test_world.h"
#include "metrics/registry.h"

namespace findme::api {
namespace {

using domain::testing::fake_image;
using domain::testing::must;
using nlohmann::json;

constexpr std::string_view kOrgToken = "idempotency-organizer-token-0123456789abcdefghij";
constexpr std::string_view kOtherToken = "idempotency-other-token-0123456789abcdefghijklm";

std::optional<std::string> header(const Response& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return std::nullopt;
}

// The service's objects over a SQLite store, with the fake image decoder.
class IdempotencyTest : public ::testing::Test {
 protected:
  IdempotencyTest()
      : accounts(world.store, world.files, world.clock),
        events(world.store, world.files),
        photos(world.store, world.files, events, world.decoder,
               domain::UploadLimits{.max_file_bytes = 1 << 20, .max_image_pixels = 4'000'000}),
        attendees(world.store, world.files, accounts, events, world.decoder,
                  domain::UploadLimits{.max_file_bytes = 1 << 20, .max_image_pixels = 4'000'000}),
        gallery(world.store),
        context{.accounts = accounts,
                .events = events,
                .photos = photos,
                .attendees = attendees,
                .gallery = gallery,
                .store = world.store,
                .metrics = registry,
                .data_dir_free_bytes = {}},
        api(context) {
    const Timestamp far = world.clock.now() + std::chrono::hours(24);
    must(world.store.create_token({domain::token_hash(kOrgToken), world.organizer.id, far}));
    const User other = must(world.store.create_user({.email = "other@example.org",
                                                     .name = "Other",
                                                     .role = Role::organizer,
                                                     .password_hash = "x"}));
    must(world.store.create_token({domain::token_hash(kOtherToken), other.id, far}));
  }

  // POST /api/events/HARBRX/photos with one file part.
  Request upload(const std::string& bytes, std::string_view token, std::string_view key) {
    body_storage.push_back(std::make_unique<std::string>(bytes));
    Request r;
    r.method = "POST";
    r.target = r.path = "/api/events/HARBRX/photos";
    r.headers = {{"Authorization", "Bearer " + std::string(token)}};
    if (!key.empty()) r.headers.emplace_back("Idempotency-Key", std::string(key));
    r.multipart = true;
    r.parts.push_back(Part{.name = "photos",
                           .filename = "p.jpg",
                           .content_type = "image/jpeg",
                           .data = *body_storage.back()});
    return r;
  }

  std::size_t photo_count() { return must(world.store.list_event_photos(world.event.id)).size(); }

  domain::testing::JobWorld world;
  metrics::Registry registry;
  domain::Accounts accounts;
  domain::Events events;
  domain::Photos photos;
  domain::Attendees attendees;
  domain::Gallery gallery;
  ApiContext context;
  Api api;
  std::vector<std::unique_ptr<std::string>> body_storage;
};

TEST(IdempotencyKeyTest, KeysAreOneTo255VisibleAsciiCharacters) {
  EXPECT_TRUE(valid_idempotency_key("0b6f8a2e-6c8f-4a57-9d7e-3f1c2b5a9e10"));
  EXPECT_TRUE(valid_idempotency_key(std::string(255, '~')));
  EXPECT_FALSE(valid_idempotency_key(""));
  EXPECT_FALSE(valid_idempotency_key(std::string(256, 'a')));
  EXPECT_FALSE(valid_idempotency_key("two words"));
  EXPECT_FALSE(valid_idempotency_key("caf\xc3\xa9"));
}

TEST(IdempotencyKeyTest, TheFingerprintIsWhatWasAskedNotHowItWasFramed) {
  const std::string a = "photo bytes";
  const std::string b = "other bytes";
  Request one;
  one.method = "POST";
  one.path = "/api/events/K/photos";
  one.multipart = true;
  one.body = "--boundary-1 ... raw framing";
  one.parts = {Part{.name = "photos", .filename = "a.jpg", .content_type = "", .data = a}};
  Request retry = one;
  retry.body = "--another-boundary ... raw framing";  // a retry may frame the parts anew
  EXPECT_EQ(request_fingerprint(one), request_fingerprint(retry));

  Request other_file = one;
  other_file.parts[0].data = b;
  EXPECT_NE(request_fingerprint(one), request_fingerprint(other_file));
  Request other_name = one;
  other_name.parts[0].filename = "b.jpg";
  EXPECT_NE(request_fingerprint(one), request_fingerprint(other_name));
  Request other_event = one;
  other_event.path = "/api/events/L/photos";
  EXPECT_NE(request_fingerprint(one), request_fingerprint(other_event));

  // A large file is told apart by its size and edges (hashing it whole is the upload's job).
  const std::string big(std::size_t{300} * 1024, 'x');
  std::string big_other_start = big;
  big_other_start[0] = 'y';
  std::string big_other_end = big;
  big_other_end.back() = 'y';
  const std::string big_longer = big + "x";
  Request big_one = one;
  big_one.parts[0].data = big;
  for (const std::string* other :
       std::initializer_list<const std::string*>{&big_other_start, &big_other_end, &big_longer}) {
    Request big_two = one;
    big_two.parts[0].data = *other;
    EXPECT_NE(request_fingerprint(big_one), request_fingerprint(big_two));
  }

  Request json_body;
  json_body.method = "POST";
  json_body.path = "/api/register-with-event-code";
  json_body.body = R"({"password":"one"})";
  Request other_password = json_body;
  other_password.body = R"({"password":"two"})";
  EXPECT_NE(request_fingerprint(json_body), request_fingerprint(other_password));
}

TEST_F(IdempotencyTest, ARetriedUploadStoresOnePhotoAndGetsTheFirstAnswer) {
  const std::string bytes = fake_image("retried");
  const Response first = api.handle(upload(bytes, kOrgToken, "key-1"));
  ASSERT_EQ(first.status, 202) << first.body;
  EXPECT_FALSE(header(first, "Idempotent-Replayed"));

  const Response retry = api.handle(upload(bytes, kOrgToken, "key-1"));
  EXPECT_EQ(retry.status, 202);
  EXPECT_EQ(retry.body, first.body);
  EXPECT_EQ(header(retry, "Idempotent-Replayed"), "true");
  EXPECT_EQ(header(retry, "Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(photo_count(), 1u);

  // Another file under the same key is a client bug, told as such; nothing is stored.
  const Response reused = api.handle(upload(fake_image("different"), kOrgToken, "key-1"));
  EXPECT_EQ(reused.status, 400);
  EXPECT_EQ(json::parse(reused.body)["error"]["code"], "invalid_request");
  EXPECT_EQ(photo_count(), 1u);

  // A new key is a new request.
  EXPECT_EQ(api.handle(upload(fake_image("next"), kOrgToken, "key-2")).status, 202);
  EXPECT_EQ(photo_count(), 2u);
}

TEST_F(IdempotencyTest, KeysBelongToTheirUser) {
  const Response mine = api.handle(upload(fake_image("a"), kOrgToken, "shared-key"));
  ASSERT_EQ(mine.status, 202);
  // Another organizer's request with the same key is theirs: it runs (and is refused: not their
  // event), it does not see the first user's answer.
  const Response theirs = api.handle(upload(fake_image("a"), kOtherToken, "shared-key"));
  EXPECT_EQ(theirs.status, 404) << theirs.body;
  EXPECT_FALSE(header(theirs, "Idempotent-Replayed"));
}

TEST_F(IdempotencyTest, WithoutTheHeaderNothingChanges) {
  const std::string bytes = fake_image("plain");
  EXPECT_EQ(api.handle(upload(bytes, kOrgToken, "")).status, 202);
  const Response again = api.handle(upload(bytes, kOrgToken, ""));
  EXPECT_EQ(again.status, 202);
  EXPECT_FALSE(header(again, "Idempotent-Replayed"));
  EXPECT_EQ(photo_count(), 1u);  // content deduplication, as before
}

TEST_F(IdempotencyTest, AMalformedKeyIsRefused) {
  const Response r = api.handle(upload(fake_image("x"), kOrgToken, "has space"));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(json::parse(r.body)["error"]["message"].get<std::string>().find("Idempotency-Key"),
            std::string::npos);
  EXPECT_EQ(photo_count(), 0u);
}

TEST_F(IdempotencyTest, OnlySuccessIsRememberedAndARetryWhileRunningIsBusy) {
  int calls = 0;
  int status = 503;
  RouteFn route = idempotent(context, [&](const Request&, const PathParams&) {
    ++calls;
    return Response::json(status, {{"call", calls}});
  });
  Request req = upload(fake_image("r"), kOrgToken, "key-r");
  EXPECT_EQ(route(req, {}).status, 503);
  status = 201;
  const Response second = route(req, {});  // the failure was not remembered: the work runs
  EXPECT_EQ(second.status, 201);
  EXPECT_EQ(calls, 2);
  const Response third = route(req, {});
  EXPECT_EQ(third.body, second.body);
  EXPECT_EQ(calls, 2);

  // A claim still open (another thread or process is running it): busy, with Retry-After.
  Request running = upload(fake_image("r"), kOrgToken, "key-open");
  const store::IdempotencyRequest open{.scope = "user:" + wire_id(world.organizer.id),
                                       .key = "key-open",
                                       .fingerprint = request_fingerprint(running)};
  ASSERT_EQ(must(world.store.claim_idempotency_key(open, kIdempotencyStaleClaim)).state,
            store::IdempotencyClaim::State::claimed);
  const Response busy = route(running, {});
  EXPECT_EQ(busy.status, 429);
  EXPECT_TRUE(header(busy, "Retry-After"));
  EXPECT_EQ(calls, 2);
  // Once it is stale (its process died), a retry takes it over and does the work.
  world.clock.advance(kIdempotencyStaleClaim + std::chrono::seconds(1));
  EXPECT_EQ(route(running, {}).status, 201);
  EXPECT_EQ(calls, 3);
}

TEST_F(IdempotencyTest, AHandlerThatThrowsLeavesTheKeyFree) {
  bool fail = true;
  RouteFn route = idempotent(context, [&](const Request&, const PathParams&) {
    if (fail) throw std::runtime_error("bug");
    return Response::json(201, {{"ok", true}});
  });
  Request req = upload(fake_image("t"), kOrgToken, "key-t");
  EXPECT_THROW(route(req, {}), std::runtime_error);
  fail = false;
  EXPECT_EQ(route(req, {}).status, 201);  // not 429 busy: the failed attempt let go of the key
}

TEST_F(IdempotencyTest, ARetriedSignUpGetsTheSameAccountAndOnlyForTheSamePassword) {
  const auto sign_up = [&](std::string_view password) {
    Request r;
    r.method = "POST";
    r.target = r.path = "/api/register-with-event-code";
    r.headers = {{"Content-Type", "application/json"}, {"Idempotency-Key", "signup-1"}};
    body_storage.push_back(std::make_unique<std::string>(json{
        {"event_code", "HARBRX"},
        {"email", "zoe@example.org"},
        {"password", std::string(password)},
        {"name", "Zoe"}}.dump()));
    r.body = *body_storage.back();
    return api.handle(r);
  };
  const Response first = sign_up("correct horse battery");
  ASSERT_EQ(first.status, 201) << first.body;
  const Response retry = sign_up("correct horse battery");
  EXPECT_EQ(retry.status, 201);
  EXPECT_EQ(retry.body, first.body);
  EXPECT_EQ(header(retry, "Idempotent-Replayed"), "true");
  // Someone who only knows the key gets nothing: another body is a mismatch, no token in it.
  const Response guess = sign_up("a different password");
  EXPECT_EQ(guess.status, 400);
  EXPECT_EQ(guess.body.find("token"), std::string::npos);
}

}  // namespace
}  // namespace findme::api
