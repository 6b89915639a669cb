// Store contract: access keys of the Rekognition-compatible API, and what deleting a user erases
// of that API's rows (keys, collections, their faces).
#include <chrono>
#include <string>
#include <vector>

#include "store/testing/store_contract.h"

namespace findme::store::testing {

int link_access_keys_contract() { return 1; }

namespace {

std::optional<AccessKey> find_key(Store& store, const std::string& id, bool touch = false) {
  Result<std::optional<AccessKey>> found = store.find_access_key(id, touch);
  EXPECT_TRUE(found) << (found ? "" : found.error().message);
  return found ? *found : std::nullopt;
}

std::vector<std::string> key_ids(Store& store, UserId user) {
  Result<std::vector<AccessKey>> keys = store.list_access_keys(user);
  EXPECT_TRUE(keys) << (keys ? "" : keys.error().message);
  std::vector<std::string> ids;
  if (keys) {
    for (const AccessKey& k : *keys) ids.push_back(k.id);
  }
  return ids;
}

TEST_P(StoreContract, AccessKeysAreCreatedFoundAndListedOldestFirst) {
  User ada = add_user("ada@example.org", Role::organizer);
  User bob = add_user("bob@example.org", Role::organizer);
  const Timestamp created = clock_.now();
  // Ids that would sort otherwise: the order is creation's.
  ASSERT_TRUE(store().create_access_key({.id = "AKFMZZZ", .user_id = ada.id, .secret = "s1"}));
  ASSERT_TRUE(store().create_access_key({.id = "AKFMBOB", .user_id = bob.id, .secret = "s2"}));
  ASSERT_TRUE(store().create_access_key({.id = "AKFMAAA", .user_id = ada.id, .secret = "s3"}));
  clock_.advance(std::chrono::minutes(1));
  ASSERT_TRUE(store().create_access_key(
      {.id = "AKFMMMM", .user_id = ada.id, .secret = "s4", .read_only = true}));

  std::optional<AccessKey> key = find_key(store(), "AKFMZZZ");
  ASSERT_TRUE(key);
  EXPECT_EQ(key->id, "AKFMZZZ");
  EXPECT_EQ(key->user_id, ada.id);
  EXPECT_EQ(key->secret, "s1");
  EXPECT_EQ(key->created_at, created);
  EXPECT_FALSE(key->last_used_at);
  EXPECT_FALSE(key->read_only);
  std::optional<AccessKey> read_only = find_key(store(), "AKFMMMM");
  ASSERT_TRUE(read_only);
  EXPECT_TRUE(read_only->read_only);
  EXPECT_FALSE(find_key(store(), "AKFMUNKNOWN"));
  EXPECT_FALSE(find_key(store(), "akfmzzz"));  // ids are exact

  EXPECT_EQ(key_ids(store(), ada.id), (std::vector<std::string>{"AKFMZZZ", "AKFMAAA", "AKFMMMM"}));
  EXPECT_EQ(key_ids(store(), bob.id), std::vector<std::string>{"AKFMBOB"});
  EXPECT_TRUE(key_ids(store(), UserId{999}).empty());
}

TEST_P(StoreContract, AnAccessKeyOfAnUnknownUserIsNotFoundAndADuplicateIdFails) {
  Result<void> orphan =
      store().create_access_key({.id = "AKFM1", .user_id = UserId{999}, .secret = "s"});
  ASSERT_FALSE(orphan);
  EXPECT_EQ(orphan.error().code, Errc::not_found);

  User ada = add_user("ada@example.org", Role::organizer);
  User bob = add_user("bob@example.org", Role::organizer);
  ASSERT_TRUE(store().create_access_key({.id = "AKFM1", .user_id = ada.id, .secret = "s"}));
  Result<void> taken = store().create_access_key({.id = "AKFM1", .user_id = bob.id, .secret = "t"});
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code, Errc::internal);
  std::optional<AccessKey> kept = find_key(store(), "AKFM1");
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->user_id, ada.id);
  EXPECT_EQ(kept->secret, "s");
}

TEST_P(StoreContract, TouchingAnAccessKeyRecordsWhenItWasLastUsed) {
  User ada = add_user("ada@example.org", Role::organizer);
  ASSERT_TRUE(store().create_access_key({.id = "AKFM1", .user_id = ada.id, .secret = "s"}));
  clock_.advance(std::chrono::minutes(5));
  const Timestamp used = clock_.now();

  std::optional<AccessKey> touched = find_key(store(), "AKFM1", /*touch=*/true);
  ASSERT_TRUE(touched);
  EXPECT_EQ(touched->last_used_at, used);
  EXPECT_EQ(touched->secret, "s");
  clock_.advance(std::chrono::minutes(5));
  std::optional<AccessKey> looked_at = find_key(store(), "AKFM1");  // no touch: unchanged
  ASSERT_TRUE(looked_at);
  EXPECT_EQ(looked_at->last_used_at, used);
  Result<std::vector<AccessKey>> listed = store().list_access_keys(ada.id);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->at(0).last_used_at, used);

  EXPECT_FALSE(find_key(store(), "AKFMUNKNOWN", /*touch=*/true));
  std::optional<AccessKey> again = find_key(store(), "AKFM1", /*touch=*/true);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->last_used_at, clock_.now());
}

TEST_P(StoreContract, AUserDeletesOnlyTheirOwnAccessKeys) {
  User ada = add_user("ada@example.org", Role::organizer);
  User bob = add_user("bob@example.org", Role::organizer);
  ASSERT_TRUE(store().create_access_key({.id = "AKFMADA", .user_id = ada.id, .secret = "s"}));
  ASSERT_TRUE(store().create_access_key({.id = "AKFMBOB", .user_id = bob.id, .secret = "t"}));

  Result<bool> not_hers = store().delete_access_key(ada.id, "AKFMBOB");
  ASSERT_TRUE(not_hers);
  EXPECT_FALSE(*not_hers);
  EXPECT_TRUE(find_key(store(), "AKFMBOB"));

  Result<bool> deleted = store().delete_access_key(ada.id, "AKFMADA");
  ASSERT_TRUE(deleted);
  EXPECT_TRUE(*deleted);
  EXPECT_FALSE(find_key(store(), "AKFMADA"));
  EXPECT_TRUE(key_ids(store(), ada.id).empty());
  Result<bool> twice = store().delete_access_key(ada.id, "AKFMADA");
  ASSERT_TRUE(twice);
  EXPECT_FALSE(*twice);
}

TEST_P(StoreContract, DeletingAUserErasesTheirKeysCollectionsAndFaces) {
  User ada = add_user("ada@example.org", Role::organizer);
  User bob = add_user("bob@example.org", Role::organizer);
  ASSERT_TRUE(store().create_access_key({.id = "AKFMADA", .user_id = ada.id, .secret = "s"}));
  ASSERT_TRUE(store().create_access_key({.id = "AKFMBOB", .user_id = bob.id, .secret = "t"}));
  std::vector<CollectionId> collections;
  for (const User& user : {ada, bob}) {
    Result<std::optional<FaceCollection>> created = store().create_collection(user.id, "faces");
    ASSERT_TRUE(created && *created);
    collections.push_back((*created)->id);
    const std::string face_id = "face-of-" + user.email;
    Result<IndexedImageFaces> added = store().add_collection_faces(
        {.collection = (*created)->id,
         .image_id = "img-1",
         .faces = {{.face_id = face_id, .width = 0.5f, .embedding = test_vector(1.0f)}}});
    ASSERT_TRUE(added) << added.error().message;
  }

  Result<OrphanedKeys> orphans = store().delete_user(ada.id);
  ASSERT_TRUE(orphans) << orphans.error().message;
  EXPECT_TRUE(orphans->empty());  // collection faces keep no files

  EXPECT_FALSE(find_key(store(), "AKFMADA"));
  EXPECT_TRUE(key_ids(store(), ada.id).empty());
  Result<std::optional<FaceCollection>> gone = store().find_collection(ada.id, "faces");
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
  Result<std::optional<CollectionFace>> face =
      store().find_collection_face(collections[0], "face-of-ada@example.org");
  ASSERT_TRUE(face);
  EXPECT_FALSE(*face);
  Result<std::vector<CollectionFace>> faces = store().list_collection_faces(collections[0], 0, 10);
  ASSERT_TRUE(faces);
  EXPECT_TRUE(faces->empty());

  // Bob's rows stay.
  EXPECT_TRUE(find_key(store(), "AKFMBOB"));
  Result<std::vector<CollectionFace>> bobs = store().list_collection_faces(collections[1], 0, 10);
  ASSERT_TRUE(bobs);
  EXPECT_EQ(bobs->size(), 1u);
  // Storage checks see no file of a collection face.
  Result<std::vector<FileReference>> files = store().list_file_references();
  ASSERT_TRUE(files);
  EXPECT_TRUE(files->empty());
}

}  // namespace
}  // namespace findme::store::testing
