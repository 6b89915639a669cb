#include "aws/shapes.h"

#include <set>

#include <gtest/gtest.h>

namespace findme::aws {
namespace {

using nlohmann::json;

// A face whose landmark i sits at (i / 100, i / 1000): every mapped coordinate tells which
// iBUG points it came from.
domain::ImageFace numbered_face() {
  domain::ImageFace face;
  face.box = {0.25f, 0.125f, 0.5f, 0.375f};
  face.confidence = 99.5f;
  for (int i = 0; i < 68; ++i) {
    face.points.push_back({static_cast<float>(i) / 100, static_cast<float>(i) / 1000});
  }
  face.roll = -3.5f;
  face.yaw = 12.25f;
  face.pitch = 4.0f;
  face.brightness = 61.5f;
  face.sharpness = 77.0f;
  return face;
}

const json& landmark_of(const json& detail, std::string_view type) {
  for (const json& l : detail.at("Landmarks")) {
    if (l.at("Type").get<std::string>() == type) return l;
  }
  static const json kNone;
  ADD_FAILURE() << "no landmark " << type;
  return kNone;
}

TEST(ShapesTest, FaceDetailHasTheBoxPoseQualityAndConfidence) {
  const json detail = face_detail(numbered_face(), Detail::standard);

  EXPECT_EQ(detail.at("BoundingBox"),
            (json{{"Width", 0.5f}, {"Height", 0.375f}, {"Left", 0.25f}, {"Top", 0.125f}}));
  EXPECT_EQ(detail.at("Pose"), (json{{"Roll", -3.5f}, {"Yaw", 12.25f}, {"Pitch", 4.0f}}));
  EXPECT_EQ(detail.at("Quality"), (json{{"Brightness", 61.5f}, {"Sharpness", 77.0f}}));
  EXPECT_FLOAT_EQ(detail.at("Confidence").get<float>(), 99.5f);
  // Attributes findme does not estimate are left out rather than made up.
  EXPECT_FALSE(detail.contains("AgeRange"));
  EXPECT_FALSE(detail.contains("Emotions"));
}

TEST(ShapesTest, DefaultLandmarksAreTheFiveStandardOnesNamedAsTheViewerSeesThem) {
  const json detail = face_detail(numbered_face(), Detail::standard);

  std::vector<std::string> types;
  for (const json& l : detail.at("Landmarks")) types.push_back(l.at("Type").get<std::string>());
  EXPECT_EQ(types,
            (std::vector<std::string>{"eyeLeft", "eyeRight", "mouthLeft", "mouthRight", "nose"}));
  // eyeLeft is on the image's left: the mean of iBUG 36-41 (the subject's right eye).
  EXPECT_FLOAT_EQ(landmark_of(detail, "eyeLeft").at("X").get<float>(), 0.385f);
  EXPECT_FLOAT_EQ(landmark_of(detail, "eyeLeft").at("Y").get<float>(), 0.0385f);
  EXPECT_FLOAT_EQ(landmark_of(detail, "eyeRight").at("X").get<float>(), 0.445f);
  EXPECT_FLOAT_EQ(landmark_of(detail, "mouthLeft").at("X").get<float>(), 0.48f);
  EXPECT_FLOAT_EQ(landmark_of(detail, "mouthRight").at("X").get<float>(), 0.54f);
  EXPECT_FLOAT_EQ(landmark_of(detail, "nose").at("X").get<float>(), 0.30f);
  EXPECT_LT(landmark_of(detail, "eyeLeft").at("X").get<float>(),
            landmark_of(detail, "eyeRight").at("X").get<float>());
}

TEST(ShapesTest, AllGivesThirtyDistinctLandmarks) {
  const json detail = face_detail(numbered_face(), Detail::all);

  ASSERT_EQ(detail.at("Landmarks").size(), 30u);
  std::set<std::string> types;
  for (const json& l : detail.at("Landmarks")) types.insert(l.at("Type").get<std::string>());
  EXPECT_EQ(types.size(), 30u);
  EXPECT_FLOAT_EQ(landmark_of(detail, "leftPupil").at("X").get<float>(), 0.385f);
  EXPECT_FLOAT_EQ(landmark_of(detail, "rightPupil").at("X").get<float>(), 0.445f);
  EXPECT_FLOAT_EQ(landmark_of(detail, "leftEyeLeft").at("X").get<float>(), 0.36f);
  EXPECT_FLOAT_EQ(landmark_of(detail, "leftEyeUp").at("X").get<float>(), 0.375f);  // 37, 38
  EXPECT_FLOAT_EQ(landmark_of(detail, "rightEyeRight").at("X").get<float>(), 0.45f);
  EXPECT_FLOAT_EQ(landmark_of(detail, "leftEyeBrowLeft").at("X").get<float>(), 0.17f);
  EXPECT_FLOAT_EQ(landmark_of(detail, "chinBottom").at("X").get<float>(), 0.08f);
  EXPECT_FLOAT_EQ(landmark_of(detail, "upperJawlineLeft").at("X").get<float>(), 0.01f);
  EXPECT_FLOAT_EQ(landmark_of(detail, "upperJawlineRight").at("X").get<float>(), 0.15f);
  EXPECT_FLOAT_EQ(landmark_of(detail, "mouthDown").at("X").get<float>(), 0.57f);
}

TEST(ShapesTest, AFaceWithoutSixtyEightPointsHasNoLandmarks) {
  domain::ImageFace face = numbered_face();
  face.points.resize(5);
  EXPECT_EQ(face_detail(face, Detail::all).at("Landmarks"), json::array());
}

TEST(ShapesTest, ComparedFaceIsTheStandardDetail) {
  EXPECT_EQ(compared_face(numbered_face()), face_detail(numbered_face(), Detail::standard));
}

TEST(ShapesTest, StoredFaceCarriesItsIdsAndTheExternalIdOnlyWhenGiven) {
  CollectionFace face;
  face.face_id = "11111111-2222-4333-8444-555555555555";
  face.image_id = "66666666-7777-5888-9999-aaaaaaaaaaaa";
  face.left = 0.5f;
  face.top = 0.25f;
  face.width = 0.125f;
  face.height = 0.0625f;
  face.confidence = 98.5f;

  json out = stored_face(face);
  EXPECT_EQ(out.at("FaceId"), face.face_id);
  EXPECT_EQ(out.at("ImageId"), face.image_id);
  EXPECT_EQ(out.at("BoundingBox"),
            (json{{"Width", 0.125f}, {"Height", 0.0625f}, {"Left", 0.5f}, {"Top", 0.25f}}));
  EXPECT_FLOAT_EQ(out.at("Confidence").get<float>(), 98.5f);
  EXPECT_EQ(out.at("IndexFacesModelVersion"), "1.0");
  EXPECT_FALSE(out.contains("ExternalImageId"));

  face.external_image_id = "photo-7.jpg";
  EXPECT_EQ(stored_face(face).at("ExternalImageId"), "photo-7.jpg");
}

TEST(ShapesTest, CollectionArnNamesRegionTwelveDigitAccountAndName) {
  EXPECT_EQ(collection_arn("eu-west-1", UserId{42}, "team.2024"),
            "arn:aws:rekognition:eu-west-1:000000000042:collection/team.2024");
  EXPECT_EQ(collection_arn("us-east-1", UserId{123456789012}, "x"),
            "arn:aws:rekognition:us-east-1:123456789012:collection/x");
}

}  // namespace
}  // namespace findme::aws
