// Store contract: face collections of the Rekognition-compatible API. Names are unique per owner
// and listed in byte order; an image's faces are stored once (a second IndexFaces of it is a
// duplicate); every change to the faces grows faces_version.
#include <array>
#include <atomic>
#include <bit>
#include <cstdint>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "store/testing/store_contract.h"

namespace findme::store::testing {

int link_collections_contract() { return 1; }

namespace {

std::vector<std::string> names_of(const std::vector<FaceCollection>& collections) {
  std::vector<std::string> names;
  names.reserve(collections.size());
  for (const FaceCollection& c : collections) names.push_back(c.name);
  return names;
}

std::vector<std::string> face_ids_of(const std::vector<CollectionFace>& faces) {
  std::vector<std::string> ids;
  ids.reserve(faces.size());
  for (const CollectionFace& f : faces) ids.push_back(f.face_id);
  return ids;
}

// The embedding's bit patterns: equal only when every float came back exactly (-0, NaN too).
std::array<std::uint32_t, kFaceVectorSize> bits_of(const FaceVector& v) {
  std::array<std::uint32_t, kFaceVectorSize> bits{};
  for (std::size_t i = 0; i < v.size(); ++i) bits[i] = std::bit_cast<std::uint32_t>(v[i]);
  return bits;
}

NewCollectionFace new_face(const std::string& face_id, float seed) {
  return {.face_id = face_id,
          .left = 0.125f,
          .top = 0.25f + seed / 100.0f,
          .width = 0.1f,
          .height = 0.3f,
          .confidence = 99.87654f,
          .embedding = test_vector(seed)};
}

NewImageFaces image_faces(CollectionId collection, const std::string& image_id,
                          const std::string& external_id, std::vector<NewCollectionFace> faces) {
  return {.collection = collection,
          .image_id = image_id,
          .external_image_id = external_id,
          .faces = std::move(faces)};
}

// Helpers on the fixture's store; each fails the test on error.
FaceCollection create(Store& store, UserId owner, const std::string& name) {
  Result<std::optional<FaceCollection>> created = store.create_collection(owner, name);
  EXPECT_TRUE(created && *created) << name;
  return created && *created ? **created : FaceCollection{};
}

FaceCollection find(Store& store, UserId owner, const std::string& name) {
  Result<std::optional<FaceCollection>> found = store.find_collection(owner, name);
  EXPECT_TRUE(found && *found) << name;
  return found && *found ? **found : FaceCollection{};
}

IndexedImageFaces add(Store& store, const NewImageFaces& image) {
  Result<IndexedImageFaces> added = store.add_collection_faces(image);
  EXPECT_TRUE(added) << (added ? "" : added.error().message);
  return added ? *added : IndexedImageFaces{};
}

std::vector<CollectionFace> list_faces(Store& store, CollectionId collection,
                                       std::int64_t after_seq = 0, int limit = 1000) {
  Result<std::vector<CollectionFace>> faces =
      store.list_collection_faces(collection, after_seq, limit);
  EXPECT_TRUE(faces) << (faces ? "" : faces.error().message);
  return faces ? *faces : std::vector<CollectionFace>{};
}

std::vector<std::string> list_names(Store& store, UserId owner, const std::string& after,
                                    int limit) {
  Result<std::vector<FaceCollection>> listed = store.list_collections(owner, after, limit);
  EXPECT_TRUE(listed) << (listed ? "" : listed.error().message);
  return listed ? names_of(*listed) : std::vector<std::string>{};
}

TEST_P(StoreContract, CollectionNamesAreUniquePerOwnerAndCaseSensitive) {
  User ada = add_user("ada@example.org", Role::organizer);
  User bob = add_user("bob@example.org", Role::organizer);
  clock_.advance(std::chrono::minutes(3));

  FaceCollection faces = create(store(), ada.id, "faces");
  EXPECT_GT(faces.id.value, 0);
  EXPECT_EQ(faces.owner_id, ada.id);
  EXPECT_EQ(faces.name, "faces");
  EXPECT_EQ(faces.created_at, clock_.now());
  EXPECT_EQ(faces.face_count, 0);
  EXPECT_EQ(faces.faces_version, 0);

  Result<std::optional<FaceCollection>> again = store().create_collection(ada.id, "faces");
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_FALSE(*again);
  FaceCollection upper = create(store(), ada.id, "Faces");  // another name: case counts
  FaceCollection bobs = create(store(), bob.id, "faces");   // another owner
  EXPECT_NE(upper.id, faces.id);
  EXPECT_NE(bobs.id, faces.id);

  FaceCollection found = find(store(), ada.id, "faces");
  EXPECT_EQ(found.id, faces.id);
  EXPECT_EQ(found.created_at, faces.created_at);
  EXPECT_EQ(find(store(), bob.id, "faces").id, bobs.id);
  Result<std::optional<FaceCollection>> missing = store().find_collection(bob.id, "Faces");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);  // ada's "Faces" is not bob's
}

TEST_P(StoreContract, ACollectionOfAnUnknownOwnerIsNotFound) {
  Result<std::optional<FaceCollection>> created = store().create_collection(UserId{999}, "x");
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, Errc::not_found);
}

TEST_P(StoreContract, CollectionsAreListedInByteOrderAndPaged) {
  User ada = add_user("ada@example.org", Role::organizer);
  User bob = add_user("bob@example.org", Role::organizer);
  for (const char* name : {"b", "\xc3\xa9t\xc3\xa9", "a", "Z", "a2", "B"}) {
    create(store(), ada.id, name);
  }
  create(store(), bob.id, "bobs");
  FaceCollection a = find(store(), ada.id, "a");
  ASSERT_EQ(add(store(), image_faces(a.id, "img-1", "", {new_face("f-1", 1.0f)})).faces.size(), 1u);

  // Bytes, not a locale: upper case before lower case, UTF-8 after ASCII.
  const std::vector<std::string> all = {"B", "Z", "a", "a2", "b", "\xc3\xa9t\xc3\xa9"};
  EXPECT_EQ(list_names(store(), ada.id, "", 100), all);
  EXPECT_EQ(list_names(store(), ada.id, "", 2), (std::vector<std::string>{"B", "Z"}));
  EXPECT_EQ(list_names(store(), ada.id, "Z", 2), (std::vector<std::string>{"a", "a2"}));
  EXPECT_EQ(list_names(store(), ada.id, "a2", 2),
            (std::vector<std::string>{"b", "\xc3\xa9t\xc3\xa9"}));
  EXPECT_EQ(list_names(store(), ada.id, "\xc3\xa9t\xc3\xa9", 2), std::vector<std::string>{});
  EXPECT_EQ(list_names(store(), ada.id, "Y", 1), std::vector<std::string>{"Z"});  // not a name
  EXPECT_EQ(list_names(store(), bob.id, "", 100), std::vector<std::string>{"bobs"});

  Result<std::vector<FaceCollection>> listed = store().list_collections(ada.id, "Z", 1);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->at(0).id, a.id);
  EXPECT_EQ(listed->at(0).face_count, 1);
}

TEST_P(StoreContract, DeletingACollectionDeletesItsFaces) {
  User ada = add_user("ada@example.org", Role::organizer);
  User bob = add_user("bob@example.org", Role::organizer);
  FaceCollection doomed = create(store(), ada.id, "doomed");
  FaceCollection kept = create(store(), ada.id, "kept");
  add(store(), image_faces(doomed.id, "img-1", "", {new_face("f-1", 1.0f), new_face("f-2", 2.0f)}));
  add(store(), image_faces(kept.id, "img-1", "", {new_face("f-3", 3.0f)}));

  Result<bool> by_other = store().delete_collection(bob.id, "doomed");
  ASSERT_TRUE(by_other);
  EXPECT_FALSE(*by_other);  // only the owner's name counts
  Result<bool> deleted = store().delete_collection(ada.id, "doomed");
  ASSERT_TRUE(deleted) << deleted.error().message;
  EXPECT_TRUE(*deleted);

  Result<std::optional<FaceCollection>> gone = store().find_collection(ada.id, "doomed");
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
  EXPECT_TRUE(list_faces(store(), doomed.id).empty());
  Result<std::optional<CollectionFace>> face = store().find_collection_face(doomed.id, "f-1");
  ASSERT_TRUE(face);
  EXPECT_FALSE(*face);
  Result<bool> twice = store().delete_collection(ada.id, "doomed");
  ASSERT_TRUE(twice);
  EXPECT_FALSE(*twice);

  EXPECT_EQ(face_ids_of(list_faces(store(), kept.id)), std::vector<std::string>{"f-3"});
  EXPECT_EQ(find(store(), ada.id, "kept").face_count, 1);
  // The name is free again, for an empty collection.
  FaceCollection reborn = create(store(), ada.id, "doomed");
  EXPECT_EQ(reborn.face_count, 0);
  EXPECT_TRUE(list_faces(store(), reborn.id).empty());
}

TEST_P(StoreContract, CollectionFacesAreStoredInInputOrderWithExactEmbeddings) {
  User ada = add_user("ada@example.org", Role::organizer);
  FaceCollection c = create(store(), ada.id, "c");
  clock_.advance(std::chrono::seconds(7));
  NewCollectionFace odd = new_face("f-odd", 2.0f);
  // Values a text or rounding round trip would change: the bytes must come back as they went.
  odd.embedding[0] = -0.0f;
  odd.embedding[1] = std::numeric_limits<float>::denorm_min();
  odd.embedding[2] = std::numeric_limits<float>::max();
  odd.embedding[3] = 0.1f;
  odd.embedding[4] = -1.0f / 3.0f;
  odd.embedding[5] = std::numeric_limits<float>::quiet_NaN();
  NewImageFaces image = image_faces(c.id, "img-1", "photo.jpg", {new_face("f-1", 1.0f), odd});

  IndexedImageFaces added = add(store(), image);
  EXPECT_FALSE(added.duplicate);
  ASSERT_EQ(face_ids_of(added.faces), (std::vector<std::string>{"f-1", "f-odd"}));
  EXPECT_LT(added.faces[0].seq, added.faces[1].seq);
  const CollectionFace& stored = added.faces[1];
  EXPECT_EQ(stored.collection_id, c.id);
  EXPECT_EQ(stored.image_id, "img-1");
  EXPECT_EQ(stored.external_image_id, "photo.jpg");
  EXPECT_EQ(stored.left, odd.left);
  EXPECT_EQ(stored.top, odd.top);
  EXPECT_EQ(stored.width, odd.width);
  EXPECT_EQ(stored.height, odd.height);
  EXPECT_EQ(stored.confidence, odd.confidence);
  EXPECT_EQ(stored.created_at, clock_.now());
  EXPECT_EQ(bits_of(stored.embedding), bits_of(odd.embedding));

  Result<std::optional<CollectionFace>> found = store().find_collection_face(c.id, "f-odd");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->seq, stored.seq);
  EXPECT_EQ((*found)->confidence, odd.confidence);
  EXPECT_EQ(bits_of((*found)->embedding), bits_of(odd.embedding));
  EXPECT_EQ(list_faces(store(), c.id).at(0).embedding, test_vector(1.0f));

  FaceCollection after = find(store(), ada.id, "c");
  EXPECT_EQ(after.face_count, 2);
  EXPECT_GT(after.faces_version, c.faces_version);
}

TEST_P(StoreContract, AnImageIndexedAgainIsADuplicateAndStoresNothing) {
  User ada = add_user("ada@example.org", Role::organizer);
  FaceCollection c = create(store(), ada.id, "c");
  IndexedImageFaces first = add(
      store(), image_faces(c.id, "img-1", "ext", {new_face("f-1", 1.0f), new_face("f-2", 2.0f)}));
  const std::int64_t version = find(store(), ada.id, "c").faces_version;

  // The same image under the same external id: the earlier faces, in their order, not new ones.
  IndexedImageFaces again = add(
      store(), image_faces(c.id, "img-1", "ext", {new_face("f-9", 9.0f), new_face("f-8", 8.0f)}));
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(face_ids_of(again.faces), (std::vector<std::string>{"f-1", "f-2"}));
  EXPECT_EQ(again.faces.at(0).seq, first.faces.at(0).seq);
  EXPECT_EQ(again.faces.at(1).embedding, test_vector(2.0f));
  Result<std::optional<CollectionFace>> not_stored = store().find_collection_face(c.id, "f-9");
  ASSERT_TRUE(not_stored);
  EXPECT_FALSE(*not_stored);
  FaceCollection unchanged = find(store(), ada.id, "c");
  EXPECT_EQ(unchanged.face_count, 2);
  EXPECT_EQ(unchanged.faces_version, version);

  // The same image under another external id (or none) is another entry.
  IndexedImageFaces other_ext =
      add(store(), image_faces(c.id, "img-1", "other", {new_face("f-3", 3.0f)}));
  EXPECT_FALSE(other_ext.duplicate);
  IndexedImageFaces no_ext = add(store(), image_faces(c.id, "img-1", "", {new_face("f-4", 4.0f)}));
  EXPECT_FALSE(no_ext.duplicate);
  EXPECT_EQ(face_ids_of(no_ext.faces), std::vector<std::string>{"f-4"});
  FaceCollection grown = find(store(), ada.id, "c");
  EXPECT_EQ(grown.face_count, 4);
  EXPECT_GT(grown.faces_version, version);

  // Another collection holding the same image is no duplicate either.
  FaceCollection d = create(store(), ada.id, "d");
  EXPECT_FALSE(add(store(), image_faces(d.id, "img-1", "ext", {new_face("f-5", 5.0f)})).duplicate);
}

TEST_P(StoreContract, AnImageWithoutFacesStoresNothingAndIsNoDuplicate) {
  User ada = add_user("ada@example.org", Role::organizer);
  FaceCollection c = create(store(), ada.id, "c");
  for (int i = 0; i < 2; ++i) {
    IndexedImageFaces none = add(store(), image_faces(c.id, "img-empty", "", {}));
    EXPECT_FALSE(none.duplicate);
    EXPECT_TRUE(none.faces.empty());
  }
  FaceCollection after = find(store(), ada.id, "c");
  EXPECT_EQ(after.face_count, 0);
  EXPECT_EQ(after.faces_version, c.faces_version);
  EXPECT_TRUE(list_faces(store(), c.id).empty());
}

TEST_P(StoreContract, AddingFacesToAGoneCollectionIsNotFound) {
  User ada = add_user("ada@example.org", Role::organizer);
  FaceCollection c = create(store(), ada.id, "c");
  ASSERT_TRUE(store().delete_collection(ada.id, "c"));
  for (CollectionId collection : {c.id, CollectionId{999999}}) {
    Result<IndexedImageFaces> added =
        store().add_collection_faces(image_faces(collection, "img", "", {new_face("f", 1.0f)}));
    ASSERT_FALSE(added);
    EXPECT_EQ(added.error().code, Errc::not_found);
    Result<IndexedImageFaces> none =
        store().add_collection_faces(image_faces(collection, "i", "", {}));
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().code, Errc::not_found);
  }
}

TEST_P(StoreContract, CollectionFacesArePagedBySeq) {
  User ada = add_user("ada@example.org", Role::organizer);
  FaceCollection c = create(store(), ada.id, "c");
  FaceCollection other = create(store(), ada.id, "other");
  add(store(), image_faces(c.id, "img-1", "", {new_face("f-1", 1.0f), new_face("f-2", 2.0f)}));
  add(store(), image_faces(other.id, "img-1", "", {new_face("o-1", 1.0f)}));
  add(store(), image_faces(c.id, "img-2", "", {new_face("f-3", 3.0f)}));
  add(store(), image_faces(c.id, "img-3", "", {new_face("f-4", 4.0f), new_face("f-5", 5.0f)}));

  std::vector<CollectionFace> all = list_faces(store(), c.id);
  ASSERT_EQ(face_ids_of(all), (std::vector<std::string>{"f-1", "f-2", "f-3", "f-4", "f-5"}));
  std::vector<std::string> paged;
  std::int64_t after = 0;
  int pages = 0;
  while (true) {
    std::vector<CollectionFace> page = list_faces(store(), c.id, after, 2);
    if (page.empty()) break;
    ASSERT_LE(page.size(), 2u);
    for (const CollectionFace& f : page) {
      EXPECT_GT(f.seq, after);
      paged.push_back(f.face_id);
    }
    after = page.back().seq;
    ASSERT_LT(++pages, 10);
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(paged, face_ids_of(all));
  EXPECT_EQ(face_ids_of(list_faces(store(), c.id, all[2].seq, 100)),
            (std::vector<std::string>{"f-4", "f-5"}));
  EXPECT_TRUE(list_faces(store(), c.id, all.back().seq, 100).empty());
  EXPECT_TRUE(list_faces(store(), CollectionId{999999}).empty());
}

TEST_P(StoreContract, ACollectionFaceIsFoundInItsCollectionOnly) {
  User ada = add_user("ada@example.org", Role::organizer);
  FaceCollection c = create(store(), ada.id, "c");
  FaceCollection other = create(store(), ada.id, "other");
  add(store(), image_faces(c.id, "img-1", "ext", {new_face("f-1", 1.0f)}));

  Result<std::optional<CollectionFace>> found = store().find_collection_face(c.id, "f-1");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->collection_id, c.id);
  EXPECT_EQ((*found)->external_image_id, "ext");
  for (auto [collection, face_id] : {std::pair{other.id, "f-1"}, std::pair{c.id, "f-unknown"}}) {
    Result<std::optional<CollectionFace>> missing =
        store().find_collection_face(collection, face_id);
    ASSERT_TRUE(missing);
    EXPECT_FALSE(*missing) << face_id;
  }
}

TEST_P(StoreContract, DeletingCollectionFacesIgnoresOtherCollectionsAndKeepsInputOrder) {
  User ada = add_user("ada@example.org", Role::organizer);
  FaceCollection c = create(store(), ada.id, "c");
  FaceCollection other = create(store(), ada.id, "other");
  add(store(), image_faces(c.id, "img-1", "",
                           {new_face("f-1", 1.0f), new_face("f-2", 2.0f), new_face("f-3", 3.0f)}));
  add(store(), image_faces(other.id, "img-1", "", {new_face("o-1", 1.0f)}));
  const std::int64_t version = find(store(), ada.id, "c").faces_version;
  const std::int64_t other_version = find(store(), ada.id, "other").faces_version;

  const std::vector<std::string> ids = {"f-3", "o-1", "f-unknown", "f-1", "f-3"};
  Result<std::vector<std::string>> deleted = store().delete_collection_faces(c.id, ids);
  ASSERT_TRUE(deleted) << deleted.error().message;
  EXPECT_EQ(*deleted, (std::vector<std::string>{"f-3", "f-1"}));
  EXPECT_EQ(face_ids_of(list_faces(store(), c.id)), std::vector<std::string>{"f-2"});
  EXPECT_EQ(face_ids_of(list_faces(store(), other.id)), std::vector<std::string>{"o-1"});
  FaceCollection after = find(store(), ada.id, "c");
  EXPECT_EQ(after.face_count, 1);
  EXPECT_GT(after.faces_version, version);
  EXPECT_EQ(find(store(), ada.id, "other").faces_version, other_version);

  // Nothing deleted: the version stays.
  const std::vector<std::string> none = {"o-1", "f-1"};
  Result<std::vector<std::string>> nothing = store().delete_collection_faces(c.id, none);
  ASSERT_TRUE(nothing);
  EXPECT_TRUE(nothing->empty());
  EXPECT_EQ(find(store(), ada.id, "c").faces_version, after.faces_version);
  Result<std::vector<std::string>> empty = store().delete_collection_faces(c.id, {});
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

TEST_P(StoreContract, ConcurrentAddsOfOneImageStoreOneSet) {
  User ada = add_user("ada@example.org", Role::organizer);
  FaceCollection c = create(store(), ada.id, "c");
  constexpr int kThreads = 6;
  std::atomic<int> stored{0};
  std::atomic<int> duplicates{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      const std::string prefix = "t" + std::to_string(i) + "-";
      Result<IndexedImageFaces> added = store().add_collection_faces(image_faces(
          c.id, "img-1", "ext", {new_face(prefix + "a", 1.0f), new_face(prefix + "b", 2.0f)}));
      if (!added || added->faces.size() != 2) {
        ++failed;
      } else if (added->duplicate) {
        ++duplicates;
      } else {
        ++stored;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(stored.load(), 1);
  EXPECT_EQ(duplicates.load(), kThreads - 1);
  EXPECT_EQ(list_faces(store(), c.id).size(), 2u);
  EXPECT_EQ(find(store(), ada.id, "c").face_count, 2);
}

}  // namespace
}  // namespace findme::store::testing
