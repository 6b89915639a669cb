#include "domain/collection_index.h"

#include <gtest/gtest.h>

#include "domain/testing/job_test_world.h"

namespace findme::domain {
namespace {

using testing::fake_embedding;
using testing::JobWorld;
using testing::must;

class CollectionIndexTest : public ::testing::Test {
 protected:
  FaceCollection create(const std::string& name) {
    std::optional<FaceCollection> created =
        must(world_.store.create_collection(world_.organizer.id, name));
    EXPECT_TRUE(created) << name;
    return *created;
  }

  // Adds one face (of person `axis`) from a new image; returns the collection as stored now.
  FaceCollection add_face(const FaceCollection& collection, std::size_t axis) {
    const std::string image = "image-" + std::to_string(++images_);
    must(world_.store.add_collection_faces({.collection = collection.id,
                                            .image_id = image,
                                            .external_image_id = "",
                                            .faces = {{.face_id = "face-" + std::to_string(images_),
                                                       .width = 0.5f,
                                                       .height = 0.5f,
                                                       .confidence = 99,
                                                       .embedding = fake_embedding(axis)}}}));
    return reread(collection);
  }

  FaceCollection reread(const FaceCollection& collection) {
    std::optional<FaceCollection> found =
        must(world_.store.find_collection(collection.owner_id, collection.name));
    EXPECT_TRUE(found) << collection.name;
    return *found;
  }

  static std::vector<std::string> ids_of(const CollectionIndex::Snapshot& snapshot) {
    std::vector<std::string> ids;
    for (const CollectionFace& f : snapshot.faces) ids.push_back(f.face_id);
    return ids;
  }

  JobWorld world_;
  int images_ = 0;
};

TEST_F(CollectionIndexTest, ServesItsSnapshotUntilTheCollectionsVersionMovesOn) {
  CollectionIndex index(world_.store);
  const FaceCollection one = add_face(create("team"), 1);

  std::shared_ptr<const CollectionIndex::Snapshot> first = must(index.faces(one));
  EXPECT_EQ(ids_of(*first), std::vector<std::string>{"face-1"});
  EXPECT_EQ(first->version, one.faces_version);

  const FaceCollection two = add_face(one, 2);
  ASSERT_GT(two.faces_version, one.faces_version);
  // Asked with the version it holds, the index does not read the store again.
  EXPECT_EQ(must(index.faces(one)), first);

  std::shared_ptr<const CollectionIndex::Snapshot> second = must(index.faces(two));
  EXPECT_NE(second, first);
  EXPECT_EQ(ids_of(*second), (std::vector<std::string>{"face-1", "face-2"}));
  EXPECT_EQ(second->faces[1].embedding, fake_embedding(2));
  // An older version than the one held is served the newer snapshot.
  EXPECT_EQ(must(index.faces(one)), second);
}

TEST_F(CollectionIndexTest, EvictsTheCollectionSearchedLeastRecently) {
  CollectionIndex index(world_.store, 2);
  FaceCollection a = add_face(create("a"), 1);
  FaceCollection b = add_face(create("b"), 2);
  FaceCollection c = add_face(create("c"), 3);
  auto a_first = must(index.faces(a));
  auto b_first = must(index.faces(b));
  EXPECT_EQ(must(index.faces(a)), a_first);  // a is now the most recent

  auto c_first = must(index.faces(c));  // evicts b

  // Faces added behind the index's back (the stale version asked) show who was still cached:
  // a cached collection answers from memory, an evicted one is read again.
  add_face(a, 4);
  add_face(b, 5);
  EXPECT_EQ(must(index.faces(a)), a_first);
  EXPECT_EQ(must(index.faces(c)), c_first);
  std::shared_ptr<const CollectionIndex::Snapshot> b_again = must(index.faces(b));
  EXPECT_NE(b_again, b_first);
  EXPECT_EQ(b_again->faces.size(), 2u);
}

TEST_F(CollectionIndexTest, ARecreatedCollectionWithTheSameIdIsNotServedTheOldFaces) {
  CollectionIndex index(world_.store);
  FaceCollection old = add_face(add_face(create("team"), 1), 2);
  ASSERT_EQ(must(index.faces(old))->faces.size(), 2u);

  ASSERT_TRUE(must(world_.store.delete_collection(world_.organizer.id, "team")));
  world_.clock.advance(std::chrono::seconds(1));
  FaceCollection fresh = add_face(create("team"), 3);
  FaceCollection fresher = add_face(fresh, 4);
  // The store does not reuse ids; a database that did (or a backup restored under the cache)
  // would present the new collection under the old id with the versions met again.
  EXPECT_NE(fresher.id, old.id);
  ASSERT_EQ(fresher.faces_version, old.faces_version);
  FaceCollection reused = fresher;
  reused.id = old.id;

  std::shared_ptr<const CollectionIndex::Snapshot> snapshot = must(index.faces(reused));

  EXPECT_TRUE(ids_of(*snapshot).empty());  // read again: the old id holds no face any more
  EXPECT_EQ(snapshot->created_at, fresher.created_at);
  EXPECT_EQ(ids_of(*must(index.faces(fresher))), (std::vector<std::string>{"face-3", "face-4"}));
}

TEST_F(CollectionIndexTest, AnotherOwnersCollectionUnderACachedIdIsReadAgain) {
  CollectionIndex index(world_.store);
  const FaceCollection team = add_face(create("team"), 1);
  ASSERT_EQ(must(index.faces(team))->faces.size(), 1u);

  // A value made by hand: the same id and version, another owner and name (the store has
  // nothing else under that id, so a fresh read finds the team's face again).
  FaceCollection other = team;
  other.owner_id = UserId{team.owner_id.value + 1};
  other.name = "other";
  std::shared_ptr<const CollectionIndex::Snapshot> snapshot = must(index.faces(other));

  EXPECT_EQ(snapshot->owner, other.owner_id);
  EXPECT_EQ(snapshot->name, "other");
  // And the original is read again too: the entry now describes the other collection.
  std::shared_ptr<const CollectionIndex::Snapshot> back = must(index.faces(team));
  EXPECT_NE(back, snapshot);
  EXPECT_EQ(back->owner, team.owner_id);
}

TEST_F(CollectionIndexTest, AnEmptyCollectionHasAnEmptySnapshot) {
  CollectionIndex index(world_.store);
  const FaceCollection empty = create("empty");
  std::shared_ptr<const CollectionIndex::Snapshot> snapshot = must(index.faces(empty));
  EXPECT_TRUE(snapshot->faces.empty());
  EXPECT_EQ(snapshot->name, "empty");
}

}  // namespace
}  // namespace findme::domain
