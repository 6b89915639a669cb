#include "domain/face_collections.h"

#include <regex>

#include <gtest/gtest.h>

#include "domain/testing/job_test_world.h"

namespace findme::domain {
namespace {

using testing::bytes_of;
using testing::fake_embedding;
using testing::fake_image;
using testing::FakeFaceEngine;
using testing::JobWorld;
using testing::must;

// A face of `size` px at (x, y) of the analysed image; `reason` empty is a usable face, else one
// of face/quality.h's reasons.
face::Face scripted_face(const FaceVector& embedding, float x, float y, float size,
                         const char* reason = "") {
  face::Face f;
  f.box = {x, y, size, size};
  f.quality.size_px = size;
  f.quality.detector_score = 0.9f;
  f.quality.usable = *reason == '\0';
  f.quality.reason = reason;
  f.embedding = embedding;
  return f;
}

std::vector<std::string> face_ids_of(const std::vector<FaceMatch>& matches) {
  std::vector<std::string> ids;
  ids.reserve(matches.size());
  for (const FaceMatch& m : matches) ids.push_back(m.face.face_id);
  return ids;
}

class FaceCollectionsTest : public ::testing::Test {
 protected:
  Result<IndexFacesResult> index(const std::string& image, const std::string& external = "",
                                 QualityFilter quality = QualityFilter::automatic,
                                 int max_faces = 0) {
    return collections_.index_faces(world_.organizer,
                                    {.collection = "team",
                                     .image = bytes_of(image),
                                     .external_image_id = external,
                                     .max_faces = max_faces,
                                     .quality = quality},
                                    engine_);
  }

  // "people": faces of one person at distances 0.5, 0.1 and 0.3 of the selfie's face (largest
  // first, which is not their similarity order), and a stranger's face. Returns their face ids in
  // that order.
  std::vector<std::string> index_people() {
    world_.script.set("people", {scripted_face(fake_embedding(1, 0.5f), 0, 0, 60),
                                 scripted_face(fake_embedding(1, 0.1f), 100, 0, 50),
                                 scripted_face(fake_embedding(1, 0.3f), 200, 0, 40),
                                 scripted_face(fake_embedding(7), 300, 0, 30)});
    IndexFacesResult result = must(index(people_));
    std::vector<std::string> ids;
    for (const IndexedFace& f : result.indexed) ids.push_back(f.stored.face_id);
    EXPECT_EQ(ids.size(), 4u);
    return ids;
  }

  Result<ImageSearchResult> search(SearchOptions options = {}) {
    return collections_.search_by_image(world_.organizer, "team", bytes_of(selfie_), options,
                                        engine_);
  }

  void SetUp() override {
    ASSERT_TRUE(must(collections_.create(world_.organizer, "team")));
    world_.script.set("selfie", {scripted_face(fake_embedding(1), 10, 20, 80),
                                 scripted_face(fake_embedding(7), 100, 20, 30)});
  }

  JobWorld world_;
  FakeFaceEngine engine_{world_.script};
  FaceCollections collections_{world_.store, world_.decoder, {}};
  const std::string people_ = fake_image("people", 400, 100);
  const std::string selfie_ = fake_image("selfie", 200, 100);
};

TEST_F(FaceCollectionsTest, CreateDescribeListAndRemove) {
  EXPECT_FALSE(must(collections_.create(world_.organizer, "team")));  // taken: nullopt
  ASSERT_TRUE(must(collections_.create(world_.organizer, "alpha")));
  ASSERT_TRUE(must(collections_.create(world_.organizer, "zulu")));

  FaceCollection team = must(collections_.describe(world_.organizer, "team"));
  EXPECT_EQ(team.name, "team");
  EXPECT_EQ(team.owner_id, world_.organizer.id);
  EXPECT_EQ(team.face_count, 0);

  std::vector<FaceCollection> page = must(collections_.list(world_.organizer, "", 2));
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].name, "alpha");
  EXPECT_EQ(page[1].name, "team");
  page = must(collections_.list(world_.organizer, "team", 10));
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].name, "zulu");

  ASSERT_TRUE(collections_.remove(world_.organizer, "team"));
  Result<FaceCollection> gone = collections_.describe(world_.organizer, "team");
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, Errc::not_found);
  EXPECT_EQ(gone.error().message, "The collection id: team does not exist");
  Result<void> again = collections_.remove(world_.organizer, "team");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message, "The collection id: team does not exist");
}

TEST_F(FaceCollectionsTest, NamesHaveOneTo255CharactersAndBelongToTheirOwner) {
  for (const std::string& name : {std::string(), std::string(256, 'a')}) {
    Result<std::optional<FaceCollection>> created = collections_.create(world_.organizer, name);
    ASSERT_FALSE(created) << name.size();
    EXPECT_EQ(created.error().code, Errc::invalid_request);
  }
  EXPECT_TRUE(must(collections_.create(world_.organizer, std::string(255, 'a'))));

  const User other = *must(world_.store.find_user(world_.add_attendee("bob")));
  Result<FaceCollection> theirs = collections_.describe(other, "team");
  ASSERT_FALSE(theirs);
  EXPECT_EQ(theirs.error().code, Errc::not_found);
}

TEST_F(FaceCollectionsTest, AutoKeepsUsableFacesWithBoxesAsRatiosAndSaysWhyOthersAreNot) {
  world_.script.set("group", {scripted_face(fake_embedding(1), 40, 10, 80),
                              scripted_face(fake_embedding(2), 0, 0, 60, "blurry"),
                              scripted_face(fake_embedding(3), 0, 0, 40, "too_small"),
                              scripted_face(fake_embedding(4), 0, 0, 50, "low_score")});
  const std::string image = fake_image("group", 400, 200);

  IndexFacesResult result = must(index(image, "group-1"));

  ASSERT_EQ(result.indexed.size(), 1u);
  const CollectionFace& stored = result.indexed[0].stored;
  EXPECT_FLOAT_EQ(stored.left, 0.1f);
  EXPECT_FLOAT_EQ(stored.top, 0.05f);
  EXPECT_FLOAT_EQ(stored.width, 0.2f);
  EXPECT_FLOAT_EQ(stored.height, 0.4f);
  EXPECT_FLOAT_EQ(stored.confidence, 90.0f);
  EXPECT_EQ(stored.external_image_id, "group-1");
  EXPECT_EQ(stored.image_id, content_uuid(bytes_of(image)));
  EXPECT_EQ(stored.embedding, fake_embedding(1));
  ASSERT_EQ(result.unindexed.size(), 3u);
  EXPECT_EQ(result.unindexed[0].reasons, std::vector<std::string>{"LOW_SHARPNESS"});
  EXPECT_EQ(result.unindexed[1].reasons, std::vector<std::string>{"SMALL_BOUNDING_BOX"});
  EXPECT_EQ(result.unindexed[2].reasons, std::vector<std::string>{"LOW_CONFIDENCE"});
  EXPECT_FLOAT_EQ(result.unindexed[0].face.box.width, 60.0f / 400);

  const std::vector<CollectionFace> all =
      must(collections_.list_faces(world_.organizer, "team", 0, 10));
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].face_id, stored.face_id);
}

TEST_F(FaceCollectionsTest, EveryQualityLevelButNoneDropsUnusableFaces) {
  world_.script.set("blurry", {scripted_face(fake_embedding(2), 0, 0, 60, "blurry")});
  for (QualityFilter q : {QualityFilter::low, QualityFilter::medium, QualityFilter::high}) {
    IndexFacesResult result = must(index(fake_image("blurry"), "", q));
    EXPECT_TRUE(result.indexed.empty());
    EXPECT_EQ(result.unindexed.size(), 1u);
  }
  IndexFacesResult kept = must(index(fake_image("blurry"), "", QualityFilter::none));
  EXPECT_EQ(kept.indexed.size(), 1u);
  EXPECT_TRUE(kept.unindexed.empty());
}

TEST_F(FaceCollectionsTest, MaxFacesKeepsTheLargestUsableFaces) {
  world_.script.set("crowd", {scripted_face(fake_embedding(1), 0, 0, 90),
                              scripted_face(fake_embedding(2), 0, 0, 80, "blurry"),
                              scripted_face(fake_embedding(3), 0, 0, 70),
                              scripted_face(fake_embedding(4), 0, 0, 60)});

  IndexFacesResult result =
      must(index(fake_image("crowd", 400, 400), "", QualityFilter::automatic, 2));

  ASSERT_EQ(result.indexed.size(), 2u);
  EXPECT_EQ(result.indexed[0].stored.embedding, fake_embedding(1));
  EXPECT_EQ(result.indexed[1].stored.embedding, fake_embedding(3));
  ASSERT_EQ(result.unindexed.size(), 2u);
  EXPECT_EQ(result.unindexed[0].reasons, std::vector<std::string>{"LOW_SHARPNESS"});
  EXPECT_EQ(result.unindexed[1].reasons, std::vector<std::string>{"EXCEEDS_MAX_FACES"});
  EXPECT_EQ(result.unindexed[1].face.embedding, fake_embedding(4));
}

TEST_F(FaceCollectionsTest, TheSameImageAndExternalIdAgainAnswersTheFirstFacesAndStoresNothing) {
  const std::vector<std::string> first = index_people();
  const std::int64_t version = must(collections_.describe(world_.organizer, "team")).faces_version;

  IndexFacesResult again = must(index(people_));

  std::vector<std::string> ids;
  for (const IndexedFace& f : again.indexed) ids.push_back(f.stored.face_id);
  EXPECT_EQ(ids, first);
  const FaceCollection after = must(collections_.describe(world_.organizer, "team"));
  EXPECT_EQ(after.face_count, 4);
  EXPECT_EQ(after.faces_version, version);

  // Another external id for the same bytes is another image.
  IndexFacesResult other = must(index(people_, "second"));
  EXPECT_NE(other.indexed[0].stored.face_id, first[0]);
  EXPECT_EQ(must(collections_.describe(world_.organizer, "team")).face_count, 8);
}

TEST_F(FaceCollectionsTest, AnImageIndexedAgainWithOtherOptionsDescribesEachStoredFaceByItsBox) {
  world_.script.set("crowd", {scripted_face(fake_embedding(1), 0, 0, 90),
                              scripted_face(fake_embedding(2), 100, 0, 80),
                              scripted_face(fake_embedding(3), 200, 0, 70)});
  const std::string crowd = fake_image("crowd", 400, 400);
  // The first call keeps the largest face only; the second would keep every face.
  IndexFacesResult first = must(index(crowd, "", QualityFilter::automatic, 1));
  ASSERT_EQ(first.indexed.size(), 1u);

  IndexFacesResult again = must(index(crowd));

  ASSERT_EQ(again.indexed.size(), 1u);
  EXPECT_EQ(again.indexed[0].stored.face_id, first.indexed[0].stored.face_id);
  EXPECT_EQ(again.indexed[0].face.embedding, fake_embedding(1));
  EXPECT_FLOAT_EQ(again.indexed[0].face.box.left, 0.0f);
  EXPECT_TRUE(again.unindexed.empty());
  EXPECT_EQ(must(collections_.describe(world_.organizer, "team")).face_count, 1);
}

TEST_F(FaceCollectionsTest, UndecodableImagesAndUnknownCollectionsAreErrors) {
  const std::string corrupt = "BAD bytes";
  Result<IndexFacesResult> bad = index(corrupt);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::invalid_image);
  Result<IndexFacesResult> text = index("plain text");
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code, Errc::unsupported_media_type);

  Result<IndexFacesResult> unknown = collections_.index_faces(
      world_.organizer, {.collection = "nope", .image = bytes_of(people_)}, engine_);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::not_found);
  EXPECT_EQ(unknown.error().message, "The collection id: nope does not exist");
  EXPECT_EQ(world_.script.count("people"), 0u);  // refused before any face work
}

TEST_F(FaceCollectionsTest, SearchByImageRanksTheLargestFaceAboveTheThreshold) {
  const std::vector<std::string> ids = index_people();  // distances 0.5, 0.1, 0.3, stranger

  ImageSearchResult found = must(search());

  EXPECT_FLOAT_EQ(found.searched.box.left, 0.05f);  // the selfie's largest face
  EXPECT_FLOAT_EQ(found.searched.box.width, 0.4f);
  EXPECT_EQ(face_ids_of(found.matches), (std::vector<std::string>{ids[1], ids[2]}));
  EXPECT_NEAR(found.matches[0].similarity, 95.0f, 1e-3);
  EXPECT_NEAR(found.matches[1].similarity, 85.0f, 1e-3);

  found = must(search({.threshold = 70}));
  EXPECT_EQ(face_ids_of(found.matches), (std::vector<std::string>{ids[1], ids[2], ids[0]}));
  found = must(search({.threshold = 0, .max_faces = 1}));
  EXPECT_EQ(face_ids_of(found.matches), (std::vector<std::string>{ids[1]}));
  found = must(search({.threshold = 0}));
  EXPECT_EQ(found.matches.size(), 4u);
}

TEST_F(FaceCollectionsTest, SearchByAnImageWithoutAFaceIsNoFaceFound) {
  index_people();
  const std::string empty = fake_image("empty");
  Result<ImageSearchResult> found =
      collections_.search_by_image(world_.organizer, "team", bytes_of(empty), {}, engine_);
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code, Errc::no_face_found);
}

TEST_F(FaceCollectionsTest, SearchByFaceLeavesTheFaceItselfOut) {
  const std::vector<std::string> ids = index_people();

  std::vector<FaceMatch> matches =
      must(collections_.search_by_face(world_.organizer, "team", ids[1], {.threshold = 70}));

  // From the face at 0.1: 0.3 is 0.2 away (90), 0.5 is 0.4 away (80).
  EXPECT_EQ(face_ids_of(matches), (std::vector<std::string>{ids[2], ids[0]}));
  EXPECT_NEAR(matches[0].similarity, 90.0f, 1e-3);

  const std::string unknown = random_uuid();
  Result<std::vector<FaceMatch>> missing =
      collections_.search_by_face(world_.organizer, "team", unknown, {});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::not_found);
}

TEST_F(FaceCollectionsTest, SearchSeesFacesAddedAndNotFacesDeletedSinceTheLastSearch) {
  const std::vector<std::string> ids = index_people();
  ASSERT_EQ(must(search()).matches.size(), 2u);  // loads the collection's faces

  world_.script.set("late", {scripted_face(fake_embedding(1, 0.05f), 0, 0, 60)});
  const std::string late_id = must(index(fake_image("late"))).indexed.at(0).stored.face_id;
  EXPECT_EQ(face_ids_of(must(search()).matches),
            (std::vector<std::string>{late_id, ids[1], ids[2]}));

  const std::vector<std::string> doomed{ids[1]};
  EXPECT_EQ(must(collections_.delete_faces(world_.organizer, "team", doomed)), doomed);
  EXPECT_EQ(face_ids_of(must(search()).matches), (std::vector<std::string>{late_id, ids[2]}));
  EXPECT_EQ(face_ids_of(must(
                collections_.search_by_face(world_.organizer, "team", late_id, {.threshold = 0}))),
            (std::vector<std::string>{ids[2], ids[0], ids[3]}));
}

TEST_F(FaceCollectionsTest, CompareFacesSplitsTargetFacesAtTheThreshold) {
  world_.script.set("target", {scripted_face(fake_embedding(7), 0, 0, 90),
                               scripted_face(fake_embedding(1, 0.3f), 0, 0, 80),
                               scripted_face(fake_embedding(1, 0.1f), 0, 0, 70)});
  const std::string target = fake_image("target", 200, 200);

  CompareResult result =
      must(collections_.compare_faces(bytes_of(selfie_), bytes_of(target), 80, engine_));

  EXPECT_EQ(result.source.embedding, fake_embedding(1));
  ASSERT_EQ(result.matches.size(), 2u);
  EXPECT_EQ(result.matches[0].first.embedding, fake_embedding(1, 0.1f));  // most alike first
  EXPECT_NEAR(result.matches[0].second, 95.0f, 1e-3);
  EXPECT_EQ(result.matches[1].first.embedding, fake_embedding(1, 0.3f));
  ASSERT_EQ(result.unmatched.size(), 1u);
  EXPECT_EQ(result.unmatched[0].embedding, fake_embedding(7));

  CompareResult strict =
      must(collections_.compare_faces(bytes_of(selfie_), bytes_of(target), 90, engine_));
  EXPECT_EQ(strict.matches.size(), 1u);
  EXPECT_EQ(strict.unmatched.size(), 2u);

  const std::string empty = fake_image("empty");
  Result<CompareResult> no_source =
      collections_.compare_faces(bytes_of(empty), bytes_of(target), 80, engine_);
  ASSERT_FALSE(no_source);
  EXPECT_EQ(no_source.error().code, Errc::no_face_found);
}

TEST(SimilarityPercentTest, HundredAtZeroEightyAtSureZeroFromFiveTimesSure) {
  EXPECT_FLOAT_EQ(similarity_percent(0.0f, 0.4f), 100.0f);
  EXPECT_FLOAT_EQ(similarity_percent(0.4f, 0.4f), 80.0f);
  EXPECT_FLOAT_EQ(similarity_percent(0.8f, 0.4f), 60.0f);
  EXPECT_FLOAT_EQ(similarity_percent(2.0f, 0.4f), 0.0f);
  EXPECT_FLOAT_EQ(similarity_percent(3.0f, 0.4f), 0.0f);
  EXPECT_FLOAT_EQ(similarity_percent(0.5f, 0.5f), 80.0f);
  float previous = 101;
  for (float d = 0; d < 2.0f; d += 0.01f) {
    const float s = similarity_percent(d, 0.4f);
    EXPECT_LT(s, previous) << d;
    previous = s;
  }
}

TEST(UuidTest, RandomUuidsAreVersion4AndDistinct) {
  const std::regex shape("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string id = random_uuid();
    EXPECT_TRUE(std::regex_match(id, shape)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(UuidTest, ContentUuidsAreVersion5AndTheSameForTheSameBytes) {
  const std::regex shape("[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  const std::string a = "image bytes";
  const std::string a_again = "image bytes";
  const std::string b = "image bytez";
  const std::string id = content_uuid(bytes_of(a));
  EXPECT_TRUE(std::regex_match(id, shape)) << id;
  EXPECT_EQ(content_uuid(bytes_of(a_again)), id);
  EXPECT_NE(content_uuid(bytes_of(b)), id);
  EXPECT_TRUE(std::regex_match(content_uuid({}), shape));
}

}  // namespace
}  // namespace findme::domain
