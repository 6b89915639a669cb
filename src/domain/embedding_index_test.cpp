#include "domain/embedding_index.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "domain/testing/job_test_world.h"

namespace findme::domain {
namespace {

using testing::fake_embedding;
using testing::must;

NewFace new_face(const FaceVector& embedding, bool usable = true) {
  return {.box = {0, 0, 10, 10}, .detection_score = 0.9f, .usable = usable, .embedding = embedding};
}

class EmbeddingIndexTest : public ::testing::Test {
 protected:
  // A photo row whose faces are saved directly, as an index_photo job would.
  std::pair<PhotoId, std::vector<Face>> photo_with(std::vector<NewFace> faces) {
    PhotoId id = world_.add_photo(testing::fake_image("p")).photo.id;
    PhotoIndex index{.width = 10, .height = 10, .faces = std::move(faces)};
    return {id, must(world_.store.save_photo_index(id, index))};
  }

  testing::JobWorld world_;
  EmbeddingIndex& index_ = world_.index;
  EventId event_ = world_.event.id;
};

TEST_F(EmbeddingIndexTest, BestFacePerPhotoUnderThresholdSortedByDistance) {
  auto [p1, f1] = photo_with({new_face(fake_embedding(20)), new_face(fake_embedding(40))});
  auto [p2, f2] =
      photo_with({new_face(fake_embedding(20, 0.3f)), new_face(fake_embedding(20, 0.1f))});
  auto [p3, f3] = photo_with({new_face(fake_embedding(40))});

  std::vector<PhotoHit> hits = must(index_.search(event_, fake_embedding(20), 0.6f));

  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].photo, p1);
  EXPECT_EQ(hits[0].face, f1[0].id);
  EXPECT_NEAR(hits[0].distance, 0.0f, 1e-6);
  EXPECT_EQ(hits[1].photo, p2);
  EXPECT_EQ(hits[1].face, f2[1].id);  // the closer of the photo's two faces
  EXPECT_NEAR(hits[1].distance, 0.1f, 1e-5);
  EXPECT_EQ(index_.face_count(event_), 5u);
}

TEST_F(EmbeddingIndexTest, UnusableFacesMatchOnlyUnderTheStricterThreshold) {
  auto [near, f1] = photo_with({new_face(fake_embedding(20, 0.4f), false)});
  auto [far, f2] = photo_with({new_face(fake_embedding(20, 0.5f), false)});

  std::vector<PhotoHit> hits = must(index_.search(event_, fake_embedding(20), 0.6f));

  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].photo, near);
}

TEST_F(EmbeddingIndexTest, ReplacePhotoSwapsItsRowsInALoadedEvent) {
  auto [p1, f1] = photo_with({new_face(fake_embedding(20))});
  ASSERT_EQ(must(index_.search(event_, fake_embedding(20), 0.6f)).size(), 1u);  // loads

  std::vector<Face> now = must(world_.store.save_photo_index(
      p1, {.width = 10, .height = 10, .faces = {new_face(fake_embedding(60))}}));
  index_.replace_photo(event_, p1, now);

  EXPECT_TRUE(must(index_.search(event_, fake_embedding(20), 0.6f)).empty());
  std::vector<PhotoHit> hits = must(index_.search(event_, fake_embedding(60), 0.6f));
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].face, now[0].id);
  EXPECT_EQ(index_.face_count(event_), 1u);
}

TEST_F(EmbeddingIndexTest, UpdatesBeforeTheFirstSearchAreReadFromTheStore) {
  auto [p1, f1] = photo_with({new_face(fake_embedding(20))});
  index_.replace_photo(event_, p1, f1);  // event not loaded: no effect
  EXPECT_EQ(index_.face_count(event_), 0u);

  EXPECT_EQ(must(index_.search(event_, fake_embedding(20), 0.6f)).size(), 1u);
}

TEST_F(EmbeddingIndexTest, DropEventReloadsFromTheStore) {
  auto [p1, f1] = photo_with({new_face(fake_embedding(20))});
  ASSERT_EQ(must(index_.search(event_, fake_embedding(20), 0.6f)).size(), 1u);
  EXPECT_EQ(index_.face_count(event_), 1u);
  index_.drop_event(event_);
  EXPECT_EQ(index_.face_count(event_), 0u);
  EXPECT_EQ(must(index_.search(event_, fake_embedding(20), 0.6f)).size(), 1u);
}

// Issue #5: several processes on one database. Faces saved without this index's replace_photo
// are another process's work; the next search must see them, and see their removal.
TEST_F(EmbeddingIndexTest, FacesChangedByAnotherProcessAreSeenByTheNextSearch) {
  auto [p1, f1] = photo_with({new_face(fake_embedding(20))});
  ASSERT_EQ(must(index_.search(event_, fake_embedding(30), 0.6f)).size(), 0u);  // loaded
  auto [p2, f2] = photo_with({new_face(fake_embedding(30))});  // saved without replace_photo

  std::vector<PhotoHit> hits = must(index_.search(event_, fake_embedding(30), 0.6f));
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].face, f2[0].id);
  EXPECT_EQ(index_.face_count(event_), 2u);

  // Re-indexed elsewhere with no face left: gone here too, and the other photo is untouched.
  (void)must(world_.store.save_photo_index(p2, {.width = 10, .height = 10}));
  EXPECT_TRUE(must(index_.search(event_, fake_embedding(30), 0.6f)).empty());
  EXPECT_EQ(index_.face_count(event_), 1u);
  EXPECT_EQ(must(index_.search(event_, fake_embedding(20), 0.6f)).size(), 1u);
}

TEST_F(EmbeddingIndexTest, AStaleLocalUpdateLosesToTheStoresNewerFaces) {
  auto [p1, f1] = photo_with({new_face(fake_embedding(20))});
  ASSERT_EQ(must(index_.search(event_, fake_embedding(20), 0.6f)).size(), 1u);
  // Another process re-indexed p1 after this one saved f1 but before it applied it.
  std::vector<Face> newer = must(world_.store.save_photo_index(
      p1, {.width = 10, .height = 10, .faces = {new_face(fake_embedding(60))}}));
  index_.replace_photo(event_, p1, f1);

  EXPECT_TRUE(must(index_.search(event_, fake_embedding(20), 0.6f)).empty());
  std::vector<PhotoHit> hits = must(index_.search(event_, fake_embedding(60), 0.6f));
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].face, newer[0].id);
}

TEST_F(EmbeddingIndexTest, AnEventDeletedElsewhereHasNoFaces) {
  auto [p1, f1] = photo_with({new_face(fake_embedding(20))});
  ASSERT_EQ(must(index_.search(event_, fake_embedding(20), 0.6f)).size(), 1u);
  (void)must(world_.store.delete_event(event_));

  EXPECT_TRUE(must(index_.search(event_, fake_embedding(20), 0.6f)).empty());
  EXPECT_EQ(index_.face_count(event_), 0u);
}

TEST_F(EmbeddingIndexTest, SearchAnyKeepsEachPhotosBestOverEveryQuery) {
  auto [p1, f1] = photo_with({new_face(fake_embedding(20, 0.2f))});
  auto [p2, f2] = photo_with({new_face(fake_embedding(50, 0.1f))});
  const std::vector<FaceVector> queries{fake_embedding(20), fake_embedding(50)};

  std::vector<PhotoHit> hits = must(index_.search_any(event_, queries, 0.6f));

  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].photo, p2);
  EXPECT_EQ(hits[1].photo, p1);
}

TEST_F(EmbeddingIndexTest, EventsAreSeparate) {
  auto [p1, f1] = photo_with({new_face(fake_embedding(20))});
  Event other = *must(world_.store.create_event(
      {.organizer_id = world_.organizer.id, .code = "OTHERX", .name = "Other"}));

  EXPECT_TRUE(must(index_.search(other.id, fake_embedding(20), 0.6f)).empty());
}

// Readers search while a writer keeps swapping a photo's rows: every search sees one whole
// snapshot (the photo once, with either face), never a torn matrix. Meant for the TSan build too.
TEST_F(EmbeddingIndexTest, SearchesRunConcurrentlyWithUpdates) {
  const auto [photo, faces] = photo_with({new_face(fake_embedding(20))});
  ASSERT_EQ(must(index_.search(event_, fake_embedding(20), 0.6f)).size(), 1u);
  const PhotoId the_photo = photo;  // a lambda may not capture a structured binding (C++20)
  Face a = faces[0];
  Face b = a;
  b.embedding = fake_embedding(20, 0.2f);

  std::vector<std::thread> readers;
  readers.reserve(3);
  std::atomic<int> bad{0};
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      for (int i = 0; i < 300; ++i) {
        Result<std::vector<PhotoHit>> hits = index_.search(event_, fake_embedding(20), 0.6f);
        if (!hits || hits->size() != 1 || (*hits)[0].photo != the_photo) {
          ++bad;
        }
      }
    });
  }
  for (int i = 0; i < 300; ++i) {
    index_.replace_photo(event_, the_photo, std::span(i % 2 == 0 ? &b : &a, 1));
  }
  for (std::thread& reader : readers) {
    reader.join();
  }

  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(index_.face_count(event_), 1u);
}

}  // namespace
}  // namespace findme::domain
