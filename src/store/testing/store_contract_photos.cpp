// Store contract: photos, faces, selfies, matches, visibility, statistics and cascading deletes.
#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "store/testing/store_contract.h"

namespace findme::store::testing {

int link_photos_contract() { return 1; }

namespace {

TEST_P(StoreContract, PhotoAndItsIndexJobAreStoredTogether) {
  User org = add_user("org@example.org", Role::organizer);
  Event event = add_event(org.id, "AAAAAA");
  PhotoAndJob added = add_photo(event.id, org.id, "photos/1");
  EXPECT_EQ(added.photo.status, PhotoStatus::queued);
  EXPECT_EQ(added.photo.storage_key, "photos/1");
  EXPECT_EQ(added.job.kind, JobKind::index_photo);
  EXPECT_EQ(added.job.status, JobStatus::queued);
  EXPECT_EQ(added.job.photo_id, added.photo.id);
  EXPECT_EQ(added.job.owner_id, org.id);
  EXPECT_EQ(added.job.priority, kPriorityBackground);

  Result<std::optional<Job>> job = store().find_job(added.job.id);
  ASSERT_TRUE(job && *job);
  EXPECT_EQ((*job)->event_id, event.id);
  Result<std::optional<Event>> found = store().find_event(event.id);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->photo_count, 1);
}

TEST_P(StoreContract, PhotoForUnknownEventLeavesNoJob) {
  User org = add_user("org@example.org", Role::organizer);
  Result<PhotoAndJob> r = store().add_photo_and_enqueue(
      {.event_id = EventId{77}, .uploaded_by = org.id, .storage_key = "k"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::not_found);
  Result<JobCounts> counts = store().count_jobs();
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->queued, 0);
}

// Issue 12: an upload retried after a lost answer finds its photo instead of storing another.
TEST_P(StoreContract, TheSameContentInAnEventIsOnePhoto) {
  User org = add_user("org@example.org", Role::organizer);
  Event event = add_event(org.id, "AAAAAA");
  Event other = add_event(org.id, "BBBBBB");
  const std::string sha(64, 'a');
  Result<PhotoAndJob> first = store().add_photo_and_enqueue(
      {.event_id = event.id, .uploaded_by = org.id, .storage_key = "k1", .content_sha256 = sha});
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_FALSE(first->duplicate);
  Result<PhotoAndJob> again = store().add_photo_and_enqueue(
      {.event_id = event.id, .uploaded_by = org.id, .storage_key = "k2", .content_sha256 = sha});
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->photo.id, first->photo.id);
  EXPECT_EQ(again->photo.storage_key, "k1");
  EXPECT_EQ(again->job.id, first->job.id);
  Result<std::optional<PhotoAndJob>> found = store().find_photo_by_content(event.id, sha);
  ASSERT_TRUE(found && *found);
  EXPECT_TRUE((*found)->duplicate);
  EXPECT_EQ((*found)->photo.id, first->photo.id);
  EXPECT_EQ((*found)->job.kind, JobKind::index_photo);

  // Another event, or no content hash: another photo.
  Result<PhotoAndJob> elsewhere = store().add_photo_and_enqueue(
      {.event_id = other.id, .uploaded_by = org.id, .storage_key = "k3", .content_sha256 = sha});
  ASSERT_TRUE(elsewhere);
  EXPECT_FALSE(elsewhere->duplicate);
  EXPECT_NE(elsewhere->photo.id, first->photo.id);
  PhotoAndJob unhashed1 = add_photo(event.id, org.id, "k4");
  PhotoAndJob unhashed2 = add_photo(event.id, org.id, "k5");
  EXPECT_NE(unhashed1.photo.id, unhashed2.photo.id);
  Result<std::optional<PhotoAndJob>> none =
      store().find_photo_by_content(event.id, std::string(64, 'b'));
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);

  Result<std::optional<Event>> counted = store().find_event(event.id);
  ASSERT_TRUE(counted && *counted);
  EXPECT_EQ((*counted)->photo_count, 3);
  Result<JobCounts> jobs = store().count_jobs();
  ASSERT_TRUE(jobs);
  EXPECT_EQ(jobs->queued, 4);
}

TEST_P(StoreContract, ConcurrentUploadsOfOneContentStoreOnePhoto) {
  User org = add_user("org@example.org", Role::organizer);
  Event event = add_event(org.id, "AAAAAA");
  const std::string sha(64, 'c');
  constexpr int kThreads = 6;
  std::vector<Result<PhotoAndJob>> results(kThreads, make_error(Errc::internal, "not run"));
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      results[static_cast<std::size_t>(i)] =
          store().add_photo_and_enqueue({.event_id = event.id,
                                         .uploaded_by = org.id,
                                         .storage_key = "k" + std::to_string(i),
                                         .content_sha256 = sha});
    });
  }
  for (std::thread& t : threads) t.join();
  int stored = 0;
  for (const Result<PhotoAndJob>& r : results) {
    ASSERT_TRUE(r) << r.error().message;
    stored += r->duplicate ? 0 : 1;
    EXPECT_EQ(r->photo.id, results[0]->photo.id);
  }
  EXPECT_EQ(stored, 1);
  Result<std::vector<Photo>> photos = store().list_event_photos(event.id);
  ASSERT_TRUE(photos);
  EXPECT_EQ(photos->size(), 1u);
}

// `findme check` reads every file reference and the photos nothing would index.
TEST_P(StoreContract, FileReferencesAndStrandedPhotos) {
  User org = add_user("org@example.org", Role::organizer);
  User ann = add_user("ann@example.org");
  Event event = add_event(org.id, "AAAAAA");
  Result<PhotoAndJob> hashed = store().add_photo_and_enqueue({.event_id = event.id,
                                                              .uploaded_by = org.id,
                                                              .storage_key = "photos/aa/1.jpg",
                                                              .byte_size = 1234,
                                                              .content_sha256 = "abc"});
  ASSERT_TRUE(hashed) << hashed.error().message;
  PhotoAndJob indexed = add_photo(event.id, org.id, "photos/bb/2.jpg");
  PhotoIndex index{.width = 10, .height = 10, .thumbnail_key = "thumbnails/cc/2.jpg"};
  ASSERT_TRUE(store().save_photo_index(indexed.photo.id, index));
  Result<SelfieAndJob> selfie = store().add_selfie_and_enqueue(
      {.user_id = ann.id, .storage_key = "selfies/dd/3.jpg"}, {.priority = kPriorityInteractive});
  ASSERT_TRUE(selfie) << selfie.error().message;

  Result<std::vector<FileReference>> refs = store().list_file_references();
  ASSERT_TRUE(refs) << refs.error().message;
  ASSERT_EQ(refs->size(), 4u);
  EXPECT_EQ((*refs)[0].kind, FileReference::Kind::photo);
  EXPECT_EQ((*refs)[0].key, "photos/aa/1.jpg");
  EXPECT_EQ((*refs)[0].byte_size, 1234);
  EXPECT_EQ((*refs)[0].content_sha256, "abc");
  EXPECT_EQ((*refs)[1].content_sha256, "");
  EXPECT_EQ((*refs)[2].kind, FileReference::Kind::thumbnail);
  EXPECT_EQ((*refs)[2].row_id, indexed.photo.id.value);
  EXPECT_EQ((*refs)[3].kind, FileReference::Kind::selfie);
  EXPECT_EQ((*refs)[3].key, "selfies/dd/3.jpg");

  Result<std::vector<Photo>> stranded = store().list_stranded_photos();
  ASSERT_TRUE(stranded);
  EXPECT_TRUE(stranded->empty());  // queued with its job, or indexed
  ASSERT_TRUE(store().complete_job(hashed->job.id, "{}"));
  stranded = store().list_stranded_photos();
  ASSERT_TRUE(stranded);
  ASSERT_EQ(stranded->size(), 1u);
  EXPECT_EQ((*stranded)[0].id, hashed->photo.id);
}

TEST_P(StoreContract, SavingAnIndexTwiceReplacesFaces) {
  User org = add_user("org@example.org", Role::organizer);
  Event event = add_event(org.id, "AAAAAA");
  PhotoAndJob p = add_photo(event.id, org.id, "k");
  index_photo(p.photo.id, 3, 1.0f);
  std::vector<Face> again = index_photo(p.photo.id, 3, 1.0f);
  ASSERT_EQ(again.size(), 3u);
  EXPECT_EQ(again[1].embedding, test_vector(2.0f));
  EXPECT_EQ(again[1].box.x, 10);
  EXPECT_FALSE(again[1].usable);

  Result<std::vector<Face>> faces = store().list_photo_faces(p.photo.id);
  ASSERT_TRUE(faces);
  EXPECT_EQ(faces->size(), 3u);
  Result<std::optional<Photo>> photo = store().find_photo(p.photo.id);
  ASSERT_TRUE(photo && *photo);
  EXPECT_EQ((*photo)->status, PhotoStatus::indexed);
  EXPECT_EQ((*photo)->face_count, 3);
  EXPECT_EQ((*photo)->width, 640);
}

TEST_P(StoreContract, ListsEveryFaceOfAnEvent) {
  User org = add_user("org@example.org", Role::organizer);
  Event event = add_event(org.id, "AAAAAA");
  Event other = add_event(org.id, "BBBBBB");
  PhotoAndJob p1 = add_photo(event.id, org.id, "k1");
  PhotoAndJob p2 = add_photo(event.id, org.id, "k2");
  PhotoAndJob p3 = add_photo(other.id, org.id, "k3");
  index_photo(p1.photo.id, 2, 1.0f);
  index_photo(p2.photo.id, 1, 5.0f);
  index_photo(p3.photo.id, 4, 9.0f);

  Result<std::vector<Face>> faces = store().list_event_faces(event.id);
  ASSERT_TRUE(faces);
  ASSERT_EQ(faces->size(), 3u);
  EXPECT_EQ((*faces)[2].photo_id, p2.photo.id);
  EXPECT_EQ((*faces)[2].embedding, test_vector(5.0f));
}

TEST_P(StoreContract, IndexOfAMissingPhotoIsNotFound) {
  Result<std::vector<Face>> r = store().save_photo_index(PhotoId{5}, PhotoIndex{});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::not_found);
}

TEST_P(StoreContract, MatchesKeepTheSmallestDistanceAndHiddenOnesDisappear) {
  User org = add_user("org@example.org", Role::organizer);
  User ann = add_user("ann@example.org");
  Event event = add_event(org.id, "AAAAAA");
  ASSERT_TRUE(store().join_event(ann.id, event.id));
  PhotoAndJob p1 = add_photo(event.id, org.id, "k1");
  PhotoAndJob p2 = add_photo(event.id, org.id, "k2");
  std::vector<Face> f1 = index_photo(p1.photo.id, 2, 1.0f);
  std::vector<Face> f2 = index_photo(p2.photo.id, 1, 2.0f);
  match(ann.id, p1.photo.id, f1[0].id, 0.45f);
  match(ann.id, p1.photo.id, f1[1].id, 0.30f);
  match(ann.id, p1.photo.id, f1[0].id, 0.50f);
  match(ann.id, p2.photo.id, f2[0].id, 0.40f);

  Result<std::vector<MatchedPhoto>> mine = store().list_user_matches(ann.id, std::nullopt);
  ASSERT_TRUE(mine);
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ((*mine)[0].photo.id, p1.photo.id);
  EXPECT_FLOAT_EQ((*mine)[0].distance, 0.30f);
  EXPECT_EQ((*mine)[0].face_id, f1[1].id);
  EXPECT_EQ((*mine)[0].event_code, "AAAAAA");
  EXPECT_EQ((*mine)[1].photo.id, p2.photo.id);

  Result<bool> hidden = store().hide_match(ann.id, p1.photo.id);
  ASSERT_TRUE(hidden);
  EXPECT_TRUE(*hidden);
  match(ann.id, p1.photo.id, f1[1].id, 0.10f);  // a re-run does not unhide
  mine = store().list_user_matches(ann.id, event.id);
  ASSERT_TRUE(mine);
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ((*mine)[0].photo.id, p2.photo.id);
  Result<std::int64_t> count = store().count_user_matches(ann.id, std::nullopt);
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, 1);
  Result<bool> none = store().hide_match(ann.id, PhotoId{999});
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
}

TEST_P(StoreContract, PhotoIsVisibleToOrganizerAndVisiblyMatchedUsersOnly) {
  User org = add_user("org@example.org", Role::organizer);
  User other_org = add_user("other@example.org", Role::organizer);
  User ann = add_user("ann@example.org");
  User bob = add_user("bob@example.org");
  Event event = add_event(org.id, "AAAAAA");
  PhotoAndJob p = add_photo(event.id, org.id, "k");
  std::vector<Face> faces = index_photo(p.photo.id, 1, 1.0f);
  match(ann.id, p.photo.id, faces[0].id, 0.4f);
  match(bob.id, p.photo.id, faces[0].id, 0.5f);
  ASSERT_TRUE(store().hide_match(bob.id, p.photo.id));

  auto visible = [&](UserId user) {
    Result<bool> r = store().can_view_photo(user, p.photo.id);
    EXPECT_TRUE(r);
    return r && *r;
  };
  EXPECT_TRUE(visible(org.id));
  EXPECT_TRUE(visible(ann.id));
  EXPECT_FALSE(visible(bob.id));
  EXPECT_FALSE(visible(other_org.id));
  Result<bool> missing = store().can_view_photo(org.id, PhotoId{12345});
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);
}

TEST_P(StoreContract, SelfieEmbeddingsOfMembersFeedMatching) {
  User org = add_user("org@example.org", Role::organizer);
  User ann = add_user("ann@example.org");
  User bob = add_user("bob@example.org");
  Event event = add_event(org.id, "AAAAAA");
  ASSERT_TRUE(store().join_event(ann.id, event.id));
  Result<SelfieAndJob> ann_selfie = store().add_selfie_and_enqueue(
      {.user_id = ann.id, .storage_key = "selfies/a"}, {.priority = kPriorityInteractive});
  ASSERT_TRUE(ann_selfie) << ann_selfie.error().message;
  EXPECT_EQ(ann_selfie->job.kind, JobKind::match_selfie);
  EXPECT_EQ(ann_selfie->job.owner_id, ann.id);
  EXPECT_EQ(ann_selfie->job.selfie_id, ann_selfie->selfie.id);
  EXPECT_FALSE(ann_selfie->selfie.embedding);
  Result<SelfieAndJob> bob_selfie =
      store().add_selfie_and_enqueue({.user_id = bob.id, .storage_key = "selfies/b"}, {});
  ASSERT_TRUE(bob_selfie);
  ASSERT_TRUE(store().set_selfie_embedding(ann_selfie->selfie.id, test_vector(3.0f)));
  ASSERT_TRUE(store().set_selfie_embedding(bob_selfie->selfie.id, test_vector(4.0f)));

  Result<std::vector<AttendeeFace>> attendees = store().list_attendee_faces(event.id);
  ASSERT_TRUE(attendees);
  ASSERT_EQ(attendees->size(), 1u);  // bob is not a member
  EXPECT_EQ((*attendees)[0].user_id, ann.id);
  EXPECT_EQ((*attendees)[0].embedding, test_vector(3.0f));
  EXPECT_FALSE((*attendees)[0].confirmed_face);  // a selfie
  Result<std::vector<Selfie>> selfies = store().list_user_selfies(ann.id);
  ASSERT_TRUE(selfies);
  ASSERT_EQ(selfies->size(), 1u);
  ASSERT_TRUE((*selfies)[0].embedding);
  Result<std::int64_t> pending = store().count_pending_jobs(ann.id);
  ASSERT_TRUE(pending);
  EXPECT_EQ(*pending, 1);
}

TEST_P(StoreContract, StatsCountAnEvent) {
  User org = add_user("org@example.org", Role::organizer);
  User ann = add_user("ann@example.org");
  User bob = add_user("bob@example.org");
  Event event = add_event(org.id, "AAAAAA");
  ASSERT_TRUE(store().join_event(ann.id, event.id));
  ASSERT_TRUE(store().join_event(bob.id, event.id));
  PhotoAndJob p1 = add_photo(event.id, org.id, "k1");
  PhotoAndJob p2 = add_photo(event.id, org.id, "k2");
  add_photo(event.id, org.id, "k3");
  std::vector<Face> faces = index_photo(p1.photo.id, 2, 1.0f);
  ASSERT_TRUE(store().complete_job(p1.job.id, "{}"));
  ASSERT_TRUE(store().mark_photo_failed(p2.photo.id, "invalid_image"));
  ASSERT_TRUE(store().fail_job(p2.job.id, {.code = "invalid_image", .permanent = true}));
  match(ann.id, p1.photo.id, faces[0].id, 0.3f);

  Result<EventStats> stats = store().event_stats(event.id);
  ASSERT_TRUE(stats) << stats.error().message;
  EventStats expected{.photos_total = 3,
                      .photos_queued = 1,
                      .photos_indexed = 1,
                      .photos_failed = 1,
                      .faces = 2,
                      .attendees = 2,
                      .matched_attendees = 1,
                      .matches = 1,
                      .queue_depth = 1};
  EXPECT_EQ(*stats, expected);
  Result<EventStats> unknown = store().event_stats(EventId{999});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::not_found);
}

TEST_P(StoreContract, DeletingAnEventErasesItsRowsAndReturnsItsFiles) {
  User org = add_user("org@example.org", Role::organizer);
  User ann = add_user("ann@example.org");
  Event event = add_event(org.id, "AAAAAA");
  Event kept = add_event(org.id, "BBBBBB");
  ASSERT_TRUE(store().join_event(ann.id, event.id));
  PhotoAndJob p = add_photo(event.id, org.id, "k1");
  PhotoAndJob other = add_photo(kept.id, org.id, "k2");
  std::vector<Face> faces = index_photo(p.photo.id, 1, 1.0f);
  match(ann.id, p.photo.id, faces[0].id, 0.3f);

  Result<OrphanedKeys> keys = store().delete_event(event.id);
  ASSERT_TRUE(keys) << keys.error().message;
  std::sort(keys->begin(), keys->end());
  EXPECT_EQ(*keys, (OrphanedKeys{"k1", "k1.thumb"}));

  Result<std::optional<Photo>> photo = store().find_photo(p.photo.id);
  ASSERT_TRUE(photo);
  EXPECT_FALSE(*photo);
  Result<std::optional<Job>> job = store().find_job(p.job.id);
  ASSERT_TRUE(job);
  EXPECT_FALSE(*job);
  Result<std::vector<MatchedPhoto>> mine = store().list_user_matches(ann.id, std::nullopt);
  ASSERT_TRUE(mine);
  EXPECT_TRUE(mine->empty());
  Result<bool> member = store().is_member(ann.id, event.id);
  ASSERT_TRUE(member);
  EXPECT_FALSE(*member);
  Result<std::optional<Photo>> survivor = store().find_photo(other.photo.id);
  ASSERT_TRUE(survivor);
  EXPECT_TRUE(*survivor);
  Result<OrphanedKeys> again = store().delete_event(event.id);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::not_found);
}

TEST_P(StoreContract, DeletingAUserErasesTheirDataAndTheirEvents) {
  User org = add_user("org@example.org", Role::organizer);
  User ann = add_user("ann@example.org");
  Event event = add_event(org.id, "AAAAAA");
  ASSERT_TRUE(store().join_event(ann.id, event.id));
  PhotoAndJob p = add_photo(event.id, org.id, "k1");
  std::vector<Face> faces = index_photo(p.photo.id, 1, 1.0f);
  match(ann.id, p.photo.id, faces[0].id, 0.3f);
  Result<SelfieAndJob> selfie =
      store().add_selfie_and_enqueue({.user_id = ann.id, .storage_key = "selfies/a"}, {});
  ASSERT_TRUE(selfie);

  Result<OrphanedKeys> ann_keys = store().delete_user(ann.id);
  ASSERT_TRUE(ann_keys) << ann_keys.error().message;
  EXPECT_EQ(*ann_keys, (OrphanedKeys{"selfies/a"}));
  Result<std::optional<Job>> job = store().find_job(selfie->job.id);
  ASSERT_TRUE(job);
  EXPECT_FALSE(*job);
  Result<EventStats> stats = store().event_stats(event.id);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->attendees, 0);
  EXPECT_EQ(stats->matches, 0);

  Result<OrphanedKeys> org_keys = store().delete_user(org.id);
  ASSERT_TRUE(org_keys);
  std::sort(org_keys->begin(), org_keys->end());
  EXPECT_EQ(*org_keys, (OrphanedKeys{"k1", "k1.thumb"}));
  Result<std::optional<Event>> gone = store().find_event(event.id);
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
  Result<OrphanedKeys> again = store().delete_user(org.id);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::not_found);
}

}  // namespace
}  // namespace findme::store::testing
