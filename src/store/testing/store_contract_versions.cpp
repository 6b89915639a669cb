// Store contract: face versions, which keep embedding caches in several processes current.
#include <algorithm>

#include "store/testing/store_contract.h"

namespace findme::store::testing {

int link_versions_contract() { return 1; }

namespace {

std::int64_t version_of(Store& store, EventId event) {
  Result<std::optional<std::int64_t>> version = store.event_faces_version(event);
  EXPECT_TRUE(version && *version);
  return version && *version ? **version : -1;
}

TEST_P(StoreContract, FaceVersionGrowsWithEveryFaceChange) {
  User org = add_user("org@example.org", Role::organizer);
  Event event = add_event(org.id, "AAAAAA");
  Event other = add_event(org.id, "BBBBBB");
  PhotoAndJob p1 = add_photo(event.id, org.id, "k1");
  PhotoAndJob p2 = add_photo(event.id, org.id, "k2");
  const std::int64_t v0 = version_of(store(), event.id);

  index_photo(p1.photo.id, 2, 1.0f);
  const std::int64_t v1 = version_of(store(), event.id);
  EXPECT_GT(v1, v0);
  index_photo(p2.photo.id, 1, 2.0f);
  const std::int64_t v2 = version_of(store(), event.id);
  EXPECT_GT(v2, v1);
  EXPECT_EQ(version_of(store(), other.id), 0);  // per event

  Result<std::optional<std::int64_t>> unknown = store().event_faces_version(EventId{999999});
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(*unknown);
}

TEST_P(StoreContract, FaceChangesSinceAVersionListOnlyChangedPhotos) {
  User org = add_user("org@example.org", Role::organizer);
  Event event = add_event(org.id, "AAAAAA");
  PhotoAndJob p1 = add_photo(event.id, org.id, "k1");
  PhotoAndJob p2 = add_photo(event.id, org.id, "k2");
  index_photo(p1.photo.id, 2, 1.0f);

  Result<FacesChanges> all = store().event_faces_changed_since(event.id, 0);
  ASSERT_TRUE(all) << all.error().message;
  EXPECT_EQ(all->version, version_of(store(), event.id));
  EXPECT_EQ(all->photos, std::vector<PhotoId>{p1.photo.id});
  ASSERT_EQ(all->faces.size(), 2u);
  EXPECT_EQ(all->faces[0].embedding, test_vector(1.0f));

  std::vector<Face> p2_faces = index_photo(p2.photo.id, 1, 5.0f);
  index_photo(p1.photo.id, 0, 0.0f);  // re-indexed: its faces are gone
  Result<FacesChanges> delta = store().event_faces_changed_since(event.id, all->version);
  ASSERT_TRUE(delta) << delta.error().message;
  EXPECT_GT(delta->version, all->version);
  std::vector<PhotoId> photos = delta->photos;
  std::sort(photos.begin(), photos.end());
  EXPECT_EQ(photos, (std::vector<PhotoId>{p1.photo.id, p2.photo.id}));
  ASSERT_EQ(delta->faces.size(), 1u);
  EXPECT_EQ(delta->faces[0].id, p2_faces.at(0).id);

  Result<FacesChanges> none = store().event_faces_changed_since(event.id, delta->version);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->photos.empty());
  EXPECT_TRUE(none->faces.empty());
}

}  // namespace
}  // namespace findme::store::testing
