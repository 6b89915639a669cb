#include "domain/photos.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "domain/attendees.h"
#include "domain/testing/job_test_world.h"

namespace findme::domain {
namespace {

using testing::fake_image;
using testing::JobWorld;
using testing::must;

using testing::bytes_of;

class PhotosTest : public ::testing::Test {
 protected:
  JobWorld world_;
  int wakes_ = 0;
  UploadLimits limits_{
      .max_file_bytes = 1000, .max_image_pixels = 1'000'000, .max_queued_jobs = 10};
  Events events_{world_.store, world_.files};
  Photos photos_{world_.store,   world_.files, events_,
                 world_.decoder, limits_,      [this] { ++wakes_; }};
  Accounts accounts_{world_.store, world_.files, world_.clock};
  Attendees attendees_{world_.store,   world_.files, accounts_,           events_,
                       world_.decoder, limits_,      [this] { ++wakes_; }};
};

TEST_F(PhotosTest, AcceptedPhotosAreDurableAndQueuedOthersRejectedWithWhy) {
  const std::string good = fake_image("a", 640, 480);
  const std::string text = "hello, I am not an image";
  const std::string corrupt = "BAD bytes";
  const std::string huge = fake_image("big", 2000, 2000);
  const std::string heavy = fake_image("x") + std::string(2000, ' ');
  const UploadedFile files[] = {{"a.jpg", bytes_of(good)},
                                {"notes.jpg", bytes_of(text)},
                                {"broken.jpg", bytes_of(corrupt)},
                                {"bomb.jpg", bytes_of(huge)},
                                {"heavy.jpg", bytes_of(heavy)}};

  Result<UploadOutcome> out = photos_.upload(world_.organizer, world_.event.code, files);
  ASSERT_TRUE(out) << out.error().message;

  ASSERT_EQ(out->accepted.size(), 1u);
  const Photo& photo = out->accepted.front().photo;
  EXPECT_EQ(photo.status, PhotoStatus::queued);
  EXPECT_EQ(photo.width, 640);
  EXPECT_EQ(out->accepted.front().job.kind, JobKind::index_photo);
  EXPECT_EQ(must(world_.files.read(photo.storage_key)), good);
  EXPECT_EQ(wakes_, 1);

  ASSERT_EQ(out->rejected.size(), 4u);
  EXPECT_EQ(out->rejected[0].error.code, Errc::unsupported_media_type);
  EXPECT_EQ(out->rejected[1].error.code, Errc::invalid_image);
  EXPECT_EQ(out->rejected[2].error.code, Errc::invalid_image);  // over max_image_pixels
  EXPECT_EQ(out->rejected[3].error.code, Errc::payload_too_large);
}

std::size_t files_under(const std::filesystem::path& root) {
  std::size_t count = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    count += entry.is_regular_file() ? 1U : 0U;
  }
  return count;
}

// Issue 12: an upload retried after a lost answer, or the same file picked twice, is one photo
// and one file; the retry is told so.
TEST_F(PhotosTest, TheSameBytesTwiceAreOnePhotoAndOneFile) {
  const std::string good = fake_image("a", 640, 480);
  const std::string other = fake_image("b", 640, 480);
  const UploadedFile batch[] = {{"a.jpg", bytes_of(good)}, {"a again.jpg", bytes_of(good)}};
  Result<UploadOutcome> first = photos_.upload(world_.organizer, world_.event.code, batch);
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_EQ(first->accepted.size(), 2u);
  EXPECT_FALSE(first->accepted[0].duplicate);
  EXPECT_TRUE(first->accepted[1].duplicate);
  EXPECT_EQ(first->accepted[1].photo.id, first->accepted[0].photo.id);
  EXPECT_EQ(first->accepted[1].photo.filename, "a.jpg");

  const UploadedFile retry[] = {{"a.jpg", bytes_of(good)}, {"b.jpg", bytes_of(other)}};
  Result<UploadOutcome> again = photos_.upload(world_.organizer, world_.event.code, retry);
  ASSERT_TRUE(again) << again.error().message;
  ASSERT_EQ(again->accepted.size(), 2u);
  EXPECT_TRUE(again->accepted[0].duplicate);
  EXPECT_EQ(again->accepted[0].photo.id, first->accepted[0].photo.id);
  EXPECT_EQ(again->accepted[0].job.id, first->accepted[0].job.id);
  EXPECT_FALSE(again->accepted[1].duplicate);

  EXPECT_EQ(must(world_.store.list_event_photos(world_.event.id)).size(), 2u);
  EXPECT_EQ(files_under(world_.files.root()), 2u);
}

TEST_F(PhotosTest, AFullQueueIsBusy) {
  const std::string good = fake_image("a");
  std::vector<UploadedFile> files(11, UploadedFile{"a.jpg", bytes_of(good)});
  Result<UploadOutcome> out = photos_.upload(world_.organizer, world_.event.code, files);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, Errc::busy);
  EXPECT_TRUE(must(world_.store.list_event_photos(world_.event.id)).empty());
}

TEST_F(PhotosTest, FilesAreServedOnlyToTheOrganizerAndMatchedAttendees) {
  const std::string good = fake_image("a");
  const UploadedFile file{"a.jpg", bytes_of(good)};
  Result<UploadOutcome> out =
      photos_.upload(world_.organizer, world_.event.code, std::span(&file, 1));
  ASSERT_TRUE(out);
  const PhotoId id = out->accepted.front().photo.id;

  Result<PhotoFile> original = photos_.file(world_.organizer, id, PhotoVariant::original);
  ASSERT_TRUE(original) << original.error().message;
  EXPECT_EQ(original->content_type, "image/jpeg");
  EXPECT_FALSE(original->etag.empty());
  // No thumbnail before indexing.
  EXPECT_EQ(photos_.file(world_.organizer, id, PhotoVariant::thumbnail).error().code,
            Errc::not_found);

  const User bob = *must(world_.store.find_user(world_.add_attendee("bob")));
  EXPECT_EQ(photos_.file(bob, id, PhotoVariant::original).error().code, Errc::not_found);
  ASSERT_TRUE(world_.store.upsert_matches(std::vector<NewMatch>{{bob.id, id, {}, 0.3f}}));
  EXPECT_TRUE(photos_.file(bob, id, PhotoVariant::original));
}

TEST_F(PhotosTest, RegistrationWithAnUnusableSelfieStillCreatesTheAccount) {
  const std::string text = "not an image";
  Result<Registration> r = attendees_.register_with_code(
      world_.event.code, "bob@example.org", "bob's long password", "Bob", bytes_of(text));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->created);
  ASSERT_TRUE(r->match_job.has_value());
  EXPECT_EQ(r->match_job->status, JobStatus::failed);
  EXPECT_EQ(r->match_job->error_code, "unsupported_media_type");
  EXPECT_TRUE(must(world_.store.is_member(r->session.user.id, world_.event.id)));
}

TEST_F(PhotosTest, RegistrationWithAnUnknownCodeIsInvalidEventCode) {
  Result<Registration> r = attendees_.register_with_code(
      "ZZZZZZ", "bob@example.org", "bob's long password", "Bob", std::nullopt);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_event_code);
}

TEST_F(PhotosTest, SelfieUploadNeedsMembershipOfTheNamedEvent) {
  Result<Registration> bob = attendees_.register_with_code(
      world_.event.code, "bob@example.org", "bob's long password", "Bob", std::nullopt);
  ASSERT_TRUE(bob);
  EXPECT_FALSE(bob->match_job.has_value());
  Event other = *must(world_.store.create_event(
      {.organizer_id = world_.organizer.id, .code = "KPQRST", .name = "Other"}));

  const std::string selfie = fake_image("bob");
  Result<Job> not_joined =
      attendees_.upload_selfie(bob->session.user, other.code, bytes_of(selfie));
  ASSERT_FALSE(not_joined);
  EXPECT_EQ(not_joined.error().code, Errc::forbidden);

  Result<Job> job = attendees_.upload_selfie(bob->session.user, "", bytes_of(selfie));
  ASSERT_TRUE(job) << job.error().message;
  EXPECT_EQ(job->kind, JobKind::match_selfie);
  EXPECT_EQ(job->priority, kPriorityInteractive);

  Result<Job> by_organizer = attendees_.upload_selfie(world_.organizer, "", bytes_of(selfie));
  ASSERT_FALSE(by_organizer);
  EXPECT_EQ(by_organizer.error().code, Errc::forbidden);
}

// A 400 x 300 photo with a face at (100, 80, 40 x 40) matched to `user` in `band`.
struct FaceOnPhoto {
  PhotoId photo;
  FaceId face;
};
FaceOnPhoto maybe_match(JobWorld& world, UserId user, MatchBand band = MatchBand::maybe) {
  const PhotoId photo = world.add_photo(fake_image("crowd", 400, 300)).photo.id;
  std::vector<Face> faces = must(world.store.save_photo_index(
      photo, {.width = 400, .height = 300, .faces = {{.box = {100, 80, 40, 40}}}}));
  const NewMatch match{user, photo, faces[0].id, 0.58f, band};
  must(world.store.upsert_matches(std::span(&match, 1)));
  return {photo, faces[0].id};
}

TEST_F(PhotosTest, FaceCropIsTheEnlargedBoxForTheMatchedAttendeeAndTheOrganizerOnly) {
  const User ada = *must(world_.store.find_user(world_.add_attendee("ada")));
  const User bob = *must(world_.store.find_user(world_.add_attendee("bob")));
  const FaceOnPhoto f = maybe_match(world_, ada.id);

  // 25 % of 40 px on each side: (90, 70) 60 x 60.
  Result<std::string> mine = photos_.face_crop(ada, f.face);
  ASSERT_TRUE(mine) << mine.error().message;
  EXPECT_EQ(*mine, "CROP:crowd:90,70,60x60:160");
  EXPECT_TRUE(photos_.face_crop(world_.organizer, f.face));

  Result<std::string> theirs = photos_.face_crop(bob, f.face);
  ASSERT_FALSE(theirs);
  EXPECT_EQ(theirs.error().code, Errc::not_found);
  Result<std::string> unknown = photos_.face_crop(ada, FaceId{987654});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::not_found);
  // Another event's organizer is anyone else.
  User other = must(world_.store.create_user(
      {.email = "o2@example.org", .name = "O2", .role = Role::organizer, .password_hash = "x"}));
  EXPECT_FALSE(photos_.face_crop(other, f.face));
  // The maybe match shows the face, never the photo.
  EXPECT_FALSE(photos_.file(ada, f.photo, PhotoVariant::original));
}

TEST_F(PhotosTest, EnlargedBoxKeepsItsCentre) {
  const image::PixelRect r = enlarged({.x = 10, .y = 20, .width = 100, .height = 80}, 0.25);
  EXPECT_EQ(r.x, -15);
  EXPECT_EQ(r.y, 0);
  EXPECT_EQ(r.width, 150);
  EXPECT_EQ(r.height, 120);
}

TEST_F(PhotosTest, AnsweringYesShowsThePhotoAndQueuesTheFaceAsAQuery) {
  const User ada = *must(world_.store.find_user(world_.add_attendee("ada")));
  const FaceOnPhoto f = maybe_match(world_, ada.id);
  const int wakes_before = wakes_;

  Result<Match> yes = attendees_.answer(ada, f.face, true);
  ASSERT_TRUE(yes) << yes.error().message;
  EXPECT_EQ(yes->state, MatchState::confirmed);
  EXPECT_EQ(yes->photo_id, f.photo);
  EXPECT_EQ(wakes_, wakes_before + 1);
  EXPECT_TRUE(photos_.file(ada, f.photo, PhotoVariant::original));
  std::vector<Selfie> selfies = must(world_.store.list_user_selfies(ada.id));
  ASSERT_EQ(selfies.size(), 1u);
  EXPECT_TRUE(selfies[0].storage_key.empty());
  EXPECT_EQ(selfies[0].event_id, world_.event.id);

  Result<Match> again = attendees_.answer(ada, f.face, true);  // idempotent
  ASSERT_TRUE(again);
  EXPECT_EQ(again->state, MatchState::confirmed);
  EXPECT_EQ(wakes_, wakes_before + 1);
  EXPECT_EQ(must(world_.store.list_user_selfies(ada.id)).size(), 1u);
}

TEST_F(PhotosTest, AnsweringNoRejectsAndOthersCannotAnswer) {
  const User ada = *must(world_.store.find_user(world_.add_attendee("ada")));
  const User bob = *must(world_.store.find_user(world_.add_attendee("bob")));
  const FaceOnPhoto f = maybe_match(world_, ada.id);
  const FaceOnPhoto sure = maybe_match(world_, ada.id, MatchBand::sure);

  Result<Match> bobs = attendees_.answer(bob, f.face, true);
  ASSERT_FALSE(bobs);
  EXPECT_EQ(bobs.error().code, Errc::not_found);
  Result<Match> organizers = attendees_.answer(world_.organizer, f.face, true);
  ASSERT_FALSE(organizers);
  EXPECT_EQ(organizers.error().code, Errc::not_found);
  Result<Match> not_asked = attendees_.answer(ada, sure.face, false);
  ASSERT_FALSE(not_asked);
  EXPECT_EQ(not_asked.error().code, Errc::not_found);

  Result<Match> no = attendees_.answer(ada, f.face, false);
  ASSERT_TRUE(no);
  EXPECT_EQ(no->state, MatchState::rejected);
  EXPECT_FALSE(photos_.file(ada, f.photo, PhotoVariant::original));
  EXPECT_TRUE(must(world_.store.list_user_selfies(ada.id)).empty());
}

}  // namespace
}  // namespace findme::domain
