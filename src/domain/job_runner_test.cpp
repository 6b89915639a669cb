#include "domain/job_runner.h"

#include <gtest/gtest.h>

#include "domain/testing/job_test_world.h"

namespace findme::domain {
namespace {

using testing::fake_embedding;
using testing::fake_face;
using testing::fake_image;
using testing::must;

FaceVector plus(FaceVector v, std::size_t axis, float amount) {
  v[axis] += amount;
  return v;
}

class JobRunnerTest : public ::testing::Test {
 protected:
  // Runs `job` as the pool would: claim, run, then complete or fail it.
  Result<std::string> run(JobId id) {
    std::optional<Job> claimed = must(world_.store.claim_next_job({.worker = "test:1:worker-0"}));
    EXPECT_TRUE(claimed.has_value());
    EXPECT_EQ(claimed->id, id) << "another job was claimed first";
    Result<std::string> result = runner_.run(*claimed);
    if (result) {
      must(world_.store.complete_job(claimed->id, *result));
    } else {
      must(world_.store.fail_job(claimed->id, job_failure(*claimed, result.error())));
    }
    return result;
  }

  std::vector<MatchedPhoto> matches(UserId user) {
    return must(world_.store.list_user_matches(user, std::nullopt));
  }

  testing::JobWorld world_;
  testing::FakeFaceEngine engine_{world_.script};
  JobRunner runner_{world_.context, engine_, {}};
};

TEST_F(JobRunnerTest, IndexPhotoSavesFacesInOriginalPixelsAndAThumbnail) {
  world_.script.set("crowd", {fake_face(fake_embedding(1)), fake_face(fake_embedding(9))});
  store::PhotoAndJob added = world_.add_photo(fake_image("crowd", 4000, 3000));

  Result<std::string> result = run(added.job.id);

  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(*result, R"({"faces":2})");
  Photo photo = world_.photo(added.photo.id);
  EXPECT_EQ(photo.status, PhotoStatus::indexed);
  EXPECT_EQ(photo.face_count, 2);
  EXPECT_EQ(photo.width, 4000);
  EXPECT_EQ(photo.height, 3000);
  EXPECT_EQ(must(world_.files.read(photo.thumbnail_key)), "THUMB:crowd:400");
  std::vector<Face> faces = must(world_.store.list_photo_faces(photo.id));
  ASSERT_EQ(faces.size(), 2u);
  // Analysed at 1000x750 (the fake halves until <= 1920), so boxes scale by 4.
  EXPECT_EQ(faces[0].box.x, 16);
  EXPECT_EQ(faces[0].box.width, 80);
  EXPECT_EQ(world_.job(added.job.id).status, JobStatus::done);
  EXPECT_FALSE(runner_.last_summary().empty());
}

TEST_F(JobRunnerTest, IndexPhotoTwiceGivesTheSameFacesAndNoDuplicateMatches) {
  UserId ada = world_.add_attendee("ada");
  world_.script.set("ada-selfie", {fake_face(fake_embedding(1))});
  ASSERT_TRUE(run(world_.add_selfie(ada, fake_image("ada-selfie")).job.id));
  world_.script.set("party", {fake_face(fake_embedding(1, 0.2f)), fake_face(fake_embedding(9))});
  store::PhotoAndJob added = world_.add_photo(fake_image("party"));
  ASSERT_TRUE(run(added.job.id));
  const std::string thumbnail = world_.photo(added.photo.id).thumbnail_key;

  Job again = must(world_.store.enqueue_job(
      {.kind = JobKind::index_photo, .event_id = world_.event.id, .photo_id = added.photo.id}));
  ASSERT_TRUE(run(again.id));

  EXPECT_EQ(must(world_.store.list_photo_faces(added.photo.id)).size(), 2u);
  EXPECT_EQ(world_.index.face_count(world_.event.id), 2u);
  ASSERT_EQ(matches(ada).size(), 1u);
  EXPECT_NEAR(matches(ada)[0].distance, 0.2f, 1e-5);
  EXPECT_EQ(world_.photo(added.photo.id).thumbnail_key, thumbnail);  // no orphaned thumbnail
}

TEST_F(JobRunnerTest, PhotoWithoutFacesIsIndexedWithZeroFaces) {
  store::PhotoAndJob added = world_.add_photo(fake_image("landscape"));

  ASSERT_TRUE(run(added.job.id));

  EXPECT_EQ(world_.photo(added.photo.id).status, PhotoStatus::indexed);
  EXPECT_EQ(world_.photo(added.photo.id).face_count, 0);
}

TEST_F(JobRunnerTest, InvalidImageFailsThePhotoAndTheJobAtOnce) {
  store::PhotoAndJob added = world_.add_photo("BAD bytes");

  Result<std::string> result = run(added.job.id);

  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Errc::invalid_image);
  Job job = world_.job(added.job.id);
  EXPECT_EQ(job.status, JobStatus::failed);
  EXPECT_EQ(job.attempts, 1);
  EXPECT_EQ(job.error_code, "invalid_image");
  EXPECT_EQ(world_.photo(added.photo.id).status, PhotoStatus::failed);
  EXPECT_EQ(world_.photo(added.photo.id).error, "invalid_image");
}

TEST_F(JobRunnerTest, TransientEngineFailureIsRetriedWithBackoff) {
  world_.script.fail("flaky", Errc::internal);
  store::PhotoAndJob added = world_.add_photo(fake_image("flaky"));

  ASSERT_FALSE(run(added.job.id));

  Job job = world_.job(added.job.id);
  EXPECT_EQ(job.status, JobStatus::queued);
  EXPECT_EQ(job.run_after, world_.clock.now() + std::chrono::seconds(1));
  EXPECT_EQ(world_.photo(added.photo.id).status, PhotoStatus::queued);
}

TEST_F(JobRunnerTest, BackoffGrowsAndPermanentErrorsAreNotRetried) {
  Job job;
  job.attempts = 1;
  EXPECT_EQ(job_failure(job, {Errc::unavailable, ""}).retry_delay, std::chrono::seconds(1));
  job.attempts = 2;
  EXPECT_EQ(job_failure(job, {Errc::unavailable, ""}).retry_delay, std::chrono::seconds(5));
  job.attempts = 3;
  EXPECT_EQ(job_failure(job, {Errc::internal, ""}).retry_delay, std::chrono::seconds(30));
  EXPECT_FALSE(job_failure(job, {Errc::internal, ""}).permanent);
  EXPECT_FALSE(job_failure(job, {Errc::internal, ""}).keep_trying);
  EXPECT_TRUE(job_failure(job, {Errc::unavailable, ""}).keep_trying);  // disk full, database away
  EXPECT_EQ(job_failure(job, {Errc::unavailable, ""}).retry_delay, std::chrono::seconds(30));
  EXPECT_TRUE(job_failure(job, {Errc::no_face_found, "x"}).permanent);
  EXPECT_EQ(job_failure(job, {Errc::no_face_found, "x"}).code, "no_face_found");
  EXPECT_EQ(job_notify_key(JobId{42}), "job:42");
}

TEST_F(JobRunnerTest, SelfieWithoutAUsableFaceFailsWithNoFaceFound) {
  UserId ada = world_.add_attendee("ada");
  world_.script.set("blurry", {fake_face(fake_embedding(1), /*usable=*/false)});
  store::SelfieAndJob empty = world_.add_selfie(ada, fake_image("wall"));
  store::SelfieAndJob blurry = world_.add_selfie(ada, fake_image("blurry"));

  Result<std::string> first = run(empty.job.id);
  Result<std::string> second = run(blurry.job.id);

  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().code, Errc::no_face_found);
  EXPECT_NE(first.error().message.find("facing the camera"), std::string::npos);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, Errc::no_face_found);
  EXPECT_EQ(world_.job(empty.job.id).status, JobStatus::failed);
  EXPECT_EQ(world_.job(empty.job.id).error_code, "no_face_found");
  EXPECT_FALSE(must(world_.store.find_selfie(empty.selfie.id))->embedding.has_value());
}

TEST_F(JobRunnerTest, SelfiesOfAnAttendeeAreUsedTogether) {
  UserId ada = world_.add_attendee("ada");
  const FaceVector front = fake_embedding(10);
  const FaceVector side = plus(fake_embedding(10), 12, 0.9f);  // 0.9 from `front`
  // 0.46 from each selfie (a maybe for either alone), 0.1 from their mean (sure).
  world_.script.set("x", {fake_face(plus(plus(front, 12, 0.45f), 11, 0.1f))});
  ASSERT_TRUE(run(world_.add_photo(fake_image("x")).job.id));
  world_.script.set("front", {fake_face(front)});
  world_.script.set("side", {fake_face(side)});

  Result<std::string> one = run(world_.add_selfie(ada, fake_image("front")).job.id);
  Result<std::string> two = run(world_.add_selfie(ada, fake_image("side")).job.id);

  ASSERT_TRUE(one) << one.error().message;
  EXPECT_EQ(*one, R"({"matches":0})");
  ASSERT_TRUE(two) << two.error().message;
  EXPECT_EQ(*two, R"({"matches":1})");
}

TEST_F(JobRunnerTest, PhotoIndexedAfterTheSelfieJoinsTheGallery) {
  UserId ada = world_.add_attendee("ada");
  UserId bob = world_.add_attendee("bob");
  world_.script.set("ada", {fake_face(fake_embedding(1))});
  world_.script.set("bob", {fake_face(fake_embedding(5))});
  ASSERT_EQ(*run(world_.add_selfie(ada, fake_image("ada")).job.id), R"({"matches":0})");
  ASSERT_TRUE(run(world_.add_selfie(bob, fake_image("bob")).job.id));
  world_.script.set("later", {fake_face(fake_embedding(1, 0.25f))});

  store::PhotoAndJob later = world_.add_photo(fake_image("later"));
  ASSERT_TRUE(run(later.job.id));

  ASSERT_EQ(matches(ada).size(), 1u);
  EXPECT_EQ(matches(ada)[0].photo.id, later.photo.id);
  EXPECT_TRUE(matches(bob).empty());
}

// Two attendees who sent the same selfie are equally near every later face of it: each gets the
// photo, as each would have at their selfie (the match policy lets tied rivals share a face).
// Offering a new face to the single nearest attendee gave it to whichever came first.
TEST_F(JobRunnerTest, PhotoIndexedLaterReachesAttendeesWhoSentTheSameSelfie) {
  UserId ada = world_.add_attendee("ada");
  UserId twin = world_.add_attendee("twin");
  world_.script.set("same", {fake_face(fake_embedding(1))});
  ASSERT_TRUE(run(world_.add_selfie(ada, fake_image("same")).job.id));
  ASSERT_TRUE(run(world_.add_selfie(twin, fake_image("same")).job.id));
  world_.script.set("later", {fake_face(fake_embedding(1, 0.25f))});

  store::PhotoAndJob later = world_.add_photo(fake_image("later"));
  ASSERT_TRUE(run(later.job.id));

  ASSERT_EQ(matches(ada).size(), 1u);
  ASSERT_EQ(matches(twin).size(), 1u);
  EXPECT_EQ(matches(twin)[0].photo.id, later.photo.id);
}

TEST_F(JobRunnerTest, HiddenMatchStaysHiddenAfterReindex) {
  UserId ada = world_.add_attendee("ada");
  world_.script.set("ada", {fake_face(fake_embedding(1))});
  ASSERT_TRUE(run(world_.add_selfie(ada, fake_image("ada")).job.id));
  world_.script.set("p", {fake_face(fake_embedding(1, 0.1f))});
  store::PhotoAndJob added = world_.add_photo(fake_image("p"));
  ASSERT_TRUE(run(added.job.id));
  ASSERT_TRUE(must(world_.store.hide_match(ada, added.photo.id)));

  ASSERT_TRUE(run(must(world_.store.enqueue_job({.kind = JobKind::index_photo,
                                                 .event_id = world_.event.id,
                                                 .photo_id = added.photo.id}))
                      .id));
  ASSERT_TRUE(run(world_.add_selfie(ada, fake_image("ada")).job.id));

  EXPECT_TRUE(matches(ada).empty());
}

TEST_F(JobRunnerTest, MatchNewFacesMatchesAPhotoAgainstEveryAttendee) {
  world_.script.set("p", {fake_face(fake_embedding(1, 0.1f)), fake_face(fake_embedding(5))});
  store::PhotoAndJob added = world_.add_photo(fake_image("p"));
  ASSERT_TRUE(run(added.job.id));
  // Selfie embeddings stored without running their jobs: only match_new_faces can match them.
  UserId ada = world_.add_attendee("ada");
  UserId bob = world_.add_attendee("bob");
  for (auto [user, axis] : {std::pair{ada, 1}, std::pair{bob, 5}}) {
    store::SelfieAndJob s = world_.add_selfie(user, fake_image("unused"));
    must(world_.store.set_selfie_embedding(s.selfie.id, fake_embedding(std::size_t(axis))));
    ASSERT_TRUE(must(world_.store.fail_job(s.job.id, {.code = "internal", .permanent = true})));
  }

  Job job = must(world_.store.enqueue_job({.kind = JobKind::match_new_faces,
                                           .event_id = world_.event.id,
                                           .photo_id = added.photo.id,
                                           .priority = kPriorityNewFaces}));
  Result<std::string> result = run(job.id);

  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(*result, R"({"matches":2})");
  EXPECT_EQ(matches(ada).size(), 1u);
  EXPECT_EQ(matches(bob).size(), 1u);
}

TEST_F(JobRunnerTest, SelfieWithoutEventScopeSearchesEveryJoinedEvent) {
  Event other = *must(world_.store.create_event(
      {.organizer_id = world_.organizer.id, .code = "OTHERX", .name = "Other"}));
  UserId ada = world_.add_attendee("ada");
  must(world_.store.join_event(ada, other.id));
  world_.script.set("p", {fake_face(fake_embedding(1, 0.1f))});
  ASSERT_TRUE(run(world_.add_photo(fake_image("p")).job.id));
  ASSERT_TRUE(run(world_.add_photo(fake_image("p"), other.id).job.id));
  world_.script.set("ada", {fake_face(fake_embedding(1))});

  Result<std::string> scoped = run(world_.add_selfie(ada, fake_image("ada"), other.id).job.id);
  Result<std::string> all = run(world_.add_selfie(ada, fake_image("ada")).job.id);

  ASSERT_TRUE(scoped);
  EXPECT_EQ(*scoped, R"({"matches":1})");
  ASSERT_TRUE(all);
  EXPECT_EQ(*all, R"({"matches":2})");
}

}  // namespace
}  // namespace findme::domain
