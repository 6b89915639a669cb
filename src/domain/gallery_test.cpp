#include "domain/gallery.h"

#include <gtest/gtest.h>

#include "domain/testing/job_test_world.h"

namespace findme::domain {
namespace {

using testing::must;

class GalleryTest : public ::testing::Test {
 protected:
  GalleryTest() { ada_ = *must(world_.store.find_user(world_.add_attendee("ada"))); }

  // A photo with one face, matched to `user` at `distance` as a job would.
  PhotoId matched_photo(UserId user, float distance, std::optional<EventId> event = {},
                        MatchBand band = MatchBand::sure) {
    PhotoId photo = world_.add_photo(testing::fake_image("p"), event).photo.id;
    std::vector<Face> faces = must(world_.store.save_photo_index(
        photo, {.width = 640, .height = 480, .faces = {{.box = {1, 2, 30, 30}}}}));
    const NewMatch match{user, photo, faces[0].id, distance, band};
    must(world_.store.upsert_matches(std::span(&match, 1)));
    return photo;
  }

  testing::JobWorld world_;
  Gallery gallery_{world_.store, 0.6f};
  User ada_;
};

TEST_F(GalleryTest, MyPhotosAreBestFirstWithSimilarityAndSize) {
  PhotoId far = matched_photo(ada_.id, 0.45f);
  PhotoId near = matched_photo(ada_.id, 0.15f);

  MyPhotos mine = must(gallery_.my_photos(ada_, std::nullopt));

  ASSERT_EQ(mine.photos.size(), 2u);
  EXPECT_EQ(mine.photos[0].photo.id, near);
  EXPECT_FLOAT_EQ(mine.photos[0].similarity, 0.875f);
  EXPECT_EQ(mine.photos[0].event_code, "HARBRX");
  EXPECT_EQ(mine.photos[0].photo.width, 640);
  EXPECT_EQ(mine.photos[1].photo.id, far);
  EXPECT_FLOAT_EQ(mine.photos[1].similarity, 0.625f);
  EXPECT_EQ(mine.pending_jobs, 0);
}

TEST_F(GalleryTest, EventCodeFiltersAndIgnoresCaseSpacesAndDashes) {
  Event other = *must(world_.store.create_event(
      {.organizer_id = world_.organizer.id, .code = "QTHERX", .name = "Other"}));
  must(world_.store.join_event(ada_.id, other.id));
  matched_photo(ada_.id, 0.2f);
  PhotoId there = matched_photo(ada_.id, 0.3f, other.id);

  MyPhotos mine = must(gallery_.my_photos(ada_, "qth-erx "));

  ASSERT_EQ(mine.photos.size(), 1u);
  EXPECT_EQ(mine.photos[0].photo.id, there);
}

TEST_F(GalleryTest, UnknownCodeIsInvalidEventCode) {
  Result<MyPhotos> mine = gallery_.my_photos(ada_, "NOSUCH");

  ASSERT_FALSE(mine);
  EXPECT_EQ(mine.error().code, Errc::invalid_event_code);
}

TEST_F(GalleryTest, EventNotJoinedIsAnEmptyList) {
  must(world_.store.create_event(
      {.organizer_id = world_.organizer.id, .code = "QTHERX", .name = "Other"}));
  matched_photo(ada_.id, 0.2f);

  MyPhotos mine = must(gallery_.my_photos(ada_, "QTHERX"));

  EXPECT_TRUE(mine.photos.empty());
}

TEST_F(GalleryTest, PendingJobsCountsTheUsersQueuedJobs) {
  world_.add_selfie(ada_.id, testing::fake_image("s"));

  EXPECT_EQ(must(gallery_.my_photos(ada_, std::nullopt)).pending_jobs, 1);
}

TEST_F(GalleryTest, OrganizerIsForbidden) {
  Result<MyPhotos> mine = gallery_.my_photos(world_.organizer, std::nullopt);

  ASSERT_FALSE(mine);
  EXPECT_EQ(mine.error().code, Errc::forbidden);
}

TEST_F(GalleryTest, HiddenPhotoLeavesMyPhotos) {
  PhotoId photo = matched_photo(ada_.id, 0.2f);

  ASSERT_TRUE(gallery_.hide(ada_.id, photo));

  EXPECT_TRUE(must(gallery_.my_photos(ada_, std::nullopt)).photos.empty());
  matched_photo(ada_.id, 0.2f);  // other photos still show
  EXPECT_EQ(must(gallery_.my_photos(ada_, std::nullopt)).photos.size(), 1u);
}

TEST_F(GalleryTest, HidingAPhotoThatIsNotMineIsNotFound) {
  PhotoId photo = world_.add_photo(testing::fake_image("p")).photo.id;

  Result<void> hidden = gallery_.hide(ada_.id, photo);

  ASSERT_FALSE(hidden);
  EXPECT_EQ(hidden.error().code, Errc::not_found);
}

TEST_F(GalleryTest, JobsAreVisibleToTheirOwnerOnly) {
  store::SelfieAndJob mine = world_.add_selfie(ada_.id, testing::fake_image("s"));
  UserId bob = world_.add_attendee("bob");

  Result<Job> own = gallery_.job_view(ada_.id, mine.job.id);
  Result<Job> other = gallery_.job_view(bob, mine.job.id);
  Result<Job> unknown = gallery_.job_view(ada_.id, JobId{9999});

  ASSERT_TRUE(own);
  EXPECT_EQ(own->kind, JobKind::match_selfie);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, Errc::not_found);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::not_found);
}

TEST_F(GalleryTest, MaybeMatchesAreCandidatesNotPhotos) {
  PhotoId shown = matched_photo(ada_.id, 0.3f);
  PhotoId asked = matched_photo(ada_.id, 0.65f, std::nullopt, MatchBand::maybe);
  PhotoId closer = matched_photo(ada_.id, 0.62f, std::nullopt, MatchBand::maybe);

  MyPhotos mine = must(gallery_.my_photos(ada_, std::nullopt));
  ASSERT_EQ(mine.photos.size(), 1u);
  EXPECT_EQ(mine.photos[0].photo.id, shown);
  EXPECT_EQ(mine.candidates, 2);

  std::vector<MyCandidate> candidates = must(gallery_.my_candidates(ada_, "harbrx"));
  ASSERT_EQ(candidates.size(), 2u);
  EXPECT_EQ(candidates[0].photo_id, closer);
  EXPECT_EQ(candidates[1].photo_id, asked);
  EXPECT_EQ(candidates[0].event_code, "HARBRX");
  EXPECT_FLOAT_EQ(candidates[1].similarity, 0.4583333f);  // beyond the threshold: below 0.5
}

TEST_F(GalleryTest, CandidatesAreForAttendeesOfJoinedEventsAndLimited) {
  for (int i = 0; i < kMaxCandidatesPerCall + 3; ++i) {
    matched_photo(ada_.id, 0.61f + static_cast<float>(i) / 1000.0f, std::nullopt, MatchBand::maybe);
  }
  EXPECT_EQ(must(gallery_.my_candidates(ada_, std::nullopt)).size(),
            static_cast<std::size_t>(kMaxCandidatesPerCall));
  EXPECT_EQ(must(gallery_.my_photos(ada_, std::nullopt)).candidates, kMaxCandidatesPerCall + 3);

  Event other = *must(world_.store.create_event(
      {.organizer_id = world_.organizer.id, .code = "QTHERX", .name = "Other"}));
  EXPECT_TRUE(must(gallery_.my_candidates(ada_, "QTHERX")).empty());  // not joined
  Result<std::vector<MyCandidate>> unknown = gallery_.my_candidates(ada_, "NOPE42");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::invalid_event_code);
  Result<std::vector<MyCandidate>> organizer =
      gallery_.my_candidates(world_.organizer, std::nullopt);
  ASSERT_FALSE(organizer);
  EXPECT_EQ(organizer.error().code, Errc::forbidden);
}

}  // namespace
}  // namespace findme::domain
