// Store contract: an id is never given to a second row, even after the first one is deleted
// (photo, thumbnail and face-crop URLs carry ids and are cached as immutable; a job or user id
// handed out again would point an old link at someone else's thing).
#include <set>
#include <vector>

#include "store/testing/store_contract.h"

namespace findme::store::testing {

int link_ids_contract() { return 1; }

namespace {

TEST_P(StoreContract, IdsOfDeletedRowsAreNeverGivenAgain) {
  User org = add_user("org@example.org", Role::organizer);
  User ada = add_user("ada@example.org");
  Event keep = add_event(org.id, "AAAAAA");
  Event gone = add_event(org.id, "BBBBBB");
  add_photo(keep.id, org.id, "photos/keep");
  // The newest rows of every table, then deleted: the event takes its photos, their faces and
  // jobs with it; the account takes its selfie and job.
  const PhotoAndJob photo = add_photo(gone.id, org.id, "photos/gone");
  const std::vector<Face> faces = index_photo(photo.photo.id, 2, 0.5f);
  Result<SelfieAndJob> selfie =
      store().add_selfie_and_enqueue({.user_id = ada.id, .storage_key = "selfies/ada"}, {});
  ASSERT_TRUE(selfie) << selfie.error().message;
  ASSERT_TRUE(store().delete_event(gone.id));
  ASSERT_TRUE(store().delete_user(ada.id));
  reopen();  // the floor is in the database, not in this process

  User bob = add_user("bob@example.org");
  Event next = add_event(org.id, "CCCCCC");
  const PhotoAndJob again = add_photo(next.id, org.id, "photos/next");
  const std::vector<Face> new_faces = index_photo(again.photo.id, 2, 0.7f);
  Result<SelfieAndJob> new_selfie =
      store().add_selfie_and_enqueue({.user_id = bob.id, .storage_key = "selfies/bob"}, {});
  ASSERT_TRUE(new_selfie) << new_selfie.error().message;

  EXPECT_GT(bob.id.value, ada.id.value);
  EXPECT_GT(next.id.value, gone.id.value);
  EXPECT_GT(again.photo.id.value, photo.photo.id.value);
  EXPECT_GT(new_faces.front().id.value, faces.back().id.value);
  EXPECT_GT(new_selfie->selfie.id.value, selfie->selfie.id.value);
  EXPECT_GT(again.job.id.value, selfie->job.id.value);
  EXPECT_GT(new_selfie->job.id.value, again.job.id.value);
}

}  // namespace
}  // namespace findme::store::testing
