#include "domain/image_faces.h"

#include <cmath>
#include <numbers>

#include <gtest/gtest.h>

#include "domain/testing/fake_face_engine.h"
#include "domain/testing/job_test_world.h"

namespace findme::domain {
namespace {

using testing::bytes_of;
using testing::fake_image;
using testing::must;

image::RgbImage filled_image(int width, int height, std::uint8_t r, std::uint8_t g,
                             std::uint8_t b) {
  image::RgbImage img{width, height, {}};
  img.pixels.resize(img.byte_size());
  for (std::size_t i = 0; i < img.pixels.size(); i += 3) {
    img.pixels[i] = r;
    img.pixels[i + 1] = g;
    img.pixels[i + 2] = b;
  }
  return img;
}

void paint(image::RgbImage& img, int x0, int y0, int x1, int y1, std::uint8_t grey) {
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) {
      const std::size_t o = img.offset(x, y);
      img.pixels[o] = img.pixels[o + 1] = img.pixels[o + 2] = grey;
    }
  }
}

// 68 landmarks of a level, frontal face: eyes centred at (eye_y) 40 px apart around x = 100,
// the nose tip at 55 % of the way from the eye line to the mouth, mouth corners symmetric.
std::vector<face::Point> level_face() {
  std::vector<face::Point> p(68, face::Point{100, 100});
  for (std::size_t i = 36; i < 42; ++i) p[i] = {80, 60};   // image-left eye
  for (std::size_t i = 42; i < 48; ++i) p[i] = {120, 60};  // image-right eye
  p[30] = {100, 60 + 0.55f * 40};
  p[48] = {85, 100};
  p[54] = {115, 100};
  return p;
}

face::Face face_with(std::vector<face::Point> landmarks) {
  face::Face f;
  f.box = {60, 40, 80, 80};
  f.landmarks = std::move(landmarks);
  f.quality.detector_score = 0.9f;
  return f;
}

float degrees_of(double radians) { return static_cast<float>(radians * 180 / std::numbers::pi); }

TEST(ImageFaceTest, BoxAndPointsAreRatiosOfTheAnalysedImage) {
  const image::RgbImage img = filled_image(400, 200, 0, 0, 0);
  face::Face f = face_with(level_face());
  f.quality.size_px = 80;
  f.quality.sharpness = 100;
  f.embedding[5] = 0.25f;

  const ImageFace out = to_image_face(f, img);

  EXPECT_FLOAT_EQ(out.box.left, 0.15f);
  EXPECT_FLOAT_EQ(out.box.top, 0.2f);
  EXPECT_FLOAT_EQ(out.box.width, 0.2f);
  EXPECT_FLOAT_EQ(out.box.height, 0.4f);
  ASSERT_EQ(out.points.size(), 68u);
  EXPECT_FLOAT_EQ(out.points[36].x, 0.2f);
  EXPECT_FLOAT_EQ(out.points[36].y, 0.3f);
  EXPECT_FLOAT_EQ(out.points[54].x, 115.0f / 400);
  EXPECT_FLOAT_EQ(out.size_px, 80);
  EXPECT_EQ(out.embedding, f.embedding);
  EXPECT_NEAR(out.sharpness, 200.0f / 3, 1e-3);  // log10(100) / 3
}

TEST(ImageFaceTest, ConfidenceIsThePercentageOfTheScoreClampedTo100) {
  const image::RgbImage img = filled_image(10, 10, 0, 0, 0);
  face::Face f = face_with({});
  const std::pair<float, float> cases[] = {{0.9f, 90.0f}, {1.7f, 100.0f}, {-0.2f, 0.0f}};
  for (auto [score, percent] : cases) {
    f.quality.detector_score = score;
    EXPECT_FLOAT_EQ(to_image_face(f, img).confidence, percent) << score;
  }
}

TEST(ImageFaceTest, SharpnessRunsFromZeroToHundredOnALogScale) {
  const image::RgbImage img = filled_image(10, 10, 0, 0, 0);
  face::Face f = face_with({});
  const std::pair<float, float> cases[] = {
      {0.5f, 0.0f}, {1.0f, 0.0f}, {10.0f, 100.0f / 3}, {1000.0f, 100.0f}, {50000.0f, 100.0f}};
  for (auto [variance, percent] : cases) {
    f.quality.sharpness = variance;
    EXPECT_NEAR(to_image_face(f, img).sharpness, percent, 1e-3) << variance;
  }
}

TEST(ImageFaceTest, BrightnessIsTheMeanLumaOfTheBoxOnly) {
  image::RgbImage img = filled_image(200, 200, 255, 255, 255);  // white around the face
  paint(img, 60, 40, 140, 120, 102);                            // 40 % grey face box
  EXPECT_NEAR(to_image_face(face_with({}), img).brightness, 40.0f, 0.01f);

  // BT.601 weights: pure red is 29.9 % as bright as white.
  const image::RgbImage red = filled_image(200, 200, 255, 0, 0);
  EXPECT_NEAR(to_image_face(face_with({}), red).brightness, 29.9f, 0.01f);

  // A box reaching past the image counts the pixels inside it.
  image::RgbImage half = filled_image(100, 100, 0, 0, 0);
  paint(half, 80, 80, 100, 100, 255);
  face::Face edge = face_with({});
  edge.box = {80, 80, 40, 40};
  EXPECT_NEAR(to_image_face(edge, half).brightness, 100.0f, 0.01f);
}

TEST(ImageFaceTest, LevelFrontalFaceHasNoRollYawOrPitch) {
  const ImageFace out = to_image_face(face_with(level_face()), filled_image(200, 200, 0, 0, 0));
  EXPECT_NEAR(out.roll, 0, 1e-3);
  EXPECT_NEAR(out.yaw, 0, 1e-3);
  EXPECT_NEAR(out.pitch, 0, 1e-3);
}

TEST(ImageFaceTest, EyeLineTiltedClockwiseIsPositiveRoll) {
  std::vector<face::Point> p = level_face();
  for (std::size_t i = 42; i < 48; ++i) p[i].y += 10;  // image-right eye lower

  const ImageFace out = to_image_face(face_with(p), filled_image(200, 200, 0, 0, 0));

  EXPECT_NEAR(out.roll, degrees_of(std::atan2(10.0, 40.0)), 1e-3);
  for (std::size_t i = 36; i < 42; ++i) p[i].y += 20;  // now the image-left eye is lower
  EXPECT_LT(to_image_face(face_with(p), filled_image(200, 200, 0, 0, 0)).roll, -10);
}

TEST(ImageFaceTest, NoseTowardsAnEyeTurnsYawThatWay) {
  std::vector<face::Point> p = level_face();
  p[30].x += 10;  // a quarter of the eye distance towards the image's right

  EXPECT_NEAR(to_image_face(face_with(p), filled_image(200, 200, 0, 0, 0)).yaw, 30.0f, 1e-3);
  p[30].x -= 20;
  EXPECT_NEAR(to_image_face(face_with(p), filled_image(200, 200, 0, 0, 0)).yaw, -30.0f, 1e-3);
}

TEST(ImageFaceTest, YawIsMeasuredAlongTheEyeLineOfARolledFace) {
  // The level face turned by 90 degrees: still frontal.
  std::vector<face::Point> p = level_face();
  for (face::Point& q : p) q = {200 - q.y, q.x};
  const ImageFace out = to_image_face(face_with(p), filled_image(200, 200, 0, 0, 0));
  EXPECT_NEAR(std::abs(out.roll), 90.0f, 1e-3);
  EXPECT_NEAR(out.yaw, 0, 1e-3);
  EXPECT_NEAR(out.pitch, 0, 1e-3);
}

TEST(ImageFaceTest, NoseCloserToTheEyesIsPositivePitch) {
  std::vector<face::Point> p = level_face();
  p[30].y = 60 + 0.4f * 40;
  EXPECT_NEAR(to_image_face(face_with(p), filled_image(200, 200, 0, 0, 0)).pitch,
              degrees_of(std::asin(0.3)), 1e-2);
}

TEST(ImageFaceTest, WithoutSixtyEightLandmarksThereIsNoPose) {
  std::vector<face::Point> p = level_face();
  for (std::size_t i = 42; i < 48; ++i) p[i].y += 10;
  p.resize(67);
  const ImageFace out = to_image_face(face_with(p), filled_image(200, 200, 0, 0, 0));
  EXPECT_EQ(out.points.size(), 67u);
  EXPECT_EQ(out.roll, 0);
  EXPECT_EQ(out.yaw, 0);
  EXPECT_EQ(out.pitch, 0);
}

// Records which analysis find_image_faces asked for.
class ShotEngine final : public face::FaceEngine {
 public:
  Result<face::FaceAnalysis> analyze(const image::RgbImage& image) override {
    return answer("photo", image);
  }
  Result<face::FaceAnalysis> analyze_selfie(const image::RgbImage& image) override {
    return answer("selfie", image);
  }
  std::string last;
  int last_width = 0;
  std::vector<int> widths;     // of every analysed image, in order
  float face_px = 0;           // the size of the face it finds
  float face_fraction = 0.5f;  // its box's width, as a fraction of the analysed image's

 private:
  Result<face::FaceAnalysis> answer(std::string kind, const image::RgbImage& image) {
    last = std::move(kind);
    last_width = image.width;
    widths.push_back(image.width);
    face::FaceAnalysis analysis;
    analysis.faces.push_back(face_with({}));
    analysis.faces.back().quality.size_px = face_px;
    analysis.faces.back().box.width = face_fraction * static_cast<float>(image.width);
    return analysis;
  }
};

TEST(FindImageFacesTest, SelfiesTakeTheSelfiePathAndRatiosFollowTheAnalysedImage) {
  testing::FakeImageDecoder decoder;
  ShotEngine engine;
  const std::string big = fake_image("big", 2560, 1280);

  ImageFaces selfie = must(find_image_faces(decoder, engine, bytes_of(big), Shot::selfie, {}));
  EXPECT_EQ(engine.last, "selfie");
  EXPECT_EQ(engine.last_width, 1280);  // selfie_long_side
  EXPECT_EQ(selfie.width, 2560);       // the image's own size
  EXPECT_EQ(selfie.height, 1280);
  ASSERT_EQ(selfie.faces.size(), 1u);
  EXPECT_FLOAT_EQ(selfie.faces[0].box.left, 60.0f / 1280);

  ImageFaces photo = must(find_image_faces(decoder, engine, bytes_of(big), Shot::event_photo,
                                           {.detect_long_side = 640}));
  EXPECT_EQ(engine.last, "photo");
  EXPECT_EQ(engine.last_width, 640);
  EXPECT_FLOAT_EQ(photo.faces[0].box.left, 60.0f / 640);

  const std::string corrupt = "BAD";
  Result<ImageFaces> bad = find_image_faces(decoder, engine, bytes_of(corrupt), Shot::selfie, {});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::invalid_image);
}

TEST(FindImageFacesTest, ASelfieWithALargeFaceIsAnalysedAtTheCheapestShrinkOnly) {
  testing::FakeImageDecoder decoder;
  ShotEngine engine;
  engine.face_px = 150;  // over selfie_min_face_px (112)
  const std::string phone = fake_image("phone", 4000, 3000);

  ImageFaces selfie = must(find_image_faces(decoder, engine, bytes_of(phone), Shot::selfie, {}));

  EXPECT_EQ(engine.widths, std::vector<int>{500});  // 1/8: the long side stays >= 320
  EXPECT_EQ(selfie.width, 4000);
  EXPECT_FLOAT_EQ(selfie.faces[0].box.left, 60.0f / 500);
}

TEST(FindImageFacesTest, ASelfieWhoseFaceIsTooSmallThereIsDecodedAgainLarger) {
  testing::FakeImageDecoder decoder;
  ShotEngine engine;
  engine.face_px = 60;  // under selfie_min_face_px
  const std::string phone = fake_image("phone", 4000, 3000);

  ImageFaces selfie = must(find_image_faces(decoder, engine, bytes_of(phone), Shot::selfie, {}));

  EXPECT_EQ(engine.widths, (std::vector<int>{500, 1000}));  // then within selfie_long_side
  EXPECT_FLOAT_EQ(selfie.faces[0].box.left, 60.0f / 1000);

  // A small image is decoded once, at full size, whatever its face.
  engine.widths.clear();
  const std::string crop = fake_image("crop", 250, 250);
  must(find_image_faces(decoder, engine, bytes_of(crop), Shot::selfie, {}));
  EXPECT_EQ(engine.widths, std::vector<int>{250});
}

TEST(FindImageFacesTest, AGroupPhotoSentAsASelfieIsAnalysedAsAnEventPhoto) {
  testing::FakeImageDecoder decoder;
  ShotEngine engine;
  engine.face_px = 150;
  engine.face_fraction = 0.1f;  // a face among many
  const std::string group = fake_image("group", 1920, 1280);

  ImageFaces faces = must(find_image_faces(decoder, engine, bytes_of(group), Shot::selfie, {}));

  EXPECT_EQ(engine.last, "photo");
  EXPECT_EQ(engine.widths.back(), 1920);  // detect_long_side
  EXPECT_FLOAT_EQ(faces.faces[0].box.left, 60.0f / 1920);
}

}  // namespace
}  // namespace findme::domain
