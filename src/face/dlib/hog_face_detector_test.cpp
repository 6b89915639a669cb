#include "face/dlib/hog_face_detector.h"

#include <gtest/gtest.h>

#include "face/dlib/test_images.h"

namespace findme::face::dlib {
namespace {

HogFaceDetector make_detector(const DetectionPolicy& policy = {}) {
  Result<HogFaceDetector> detector = HogFaceDetector::create(policy);
  EXPECT_TRUE(detector) << detector.error().message;
  return std::move(detector).value();
}

float overlap(const Box& a, const Box& b) {  // intersection over union
  const float w = std::min(a.x + a.width, b.x + b.width) - std::max(a.x, b.x);
  const float h = std::min(a.y + a.height, b.y + b.height) - std::max(a.y, b.y);
  if (w <= 0 || h <= 0) {
    return 0;
  }
  return w * h / (a.width * a.height + b.width * b.height - w * h);
}

TEST(HogFaceDetectorTest, TextureWithoutFacesGivesNothing) {
  HogFaceDetector detector = make_detector();
  EXPECT_TRUE(detector.detect(testing::make_texture(1600, 1200, 7)).empty());
  EXPECT_TRUE(detector.detect(testing::make_texture(300, 200, 8)).empty());
}

TEST(HogFaceDetectorTest, EmptyOrShortImageGivesNothing) {
  HogFaceDetector detector = make_detector();
  EXPECT_TRUE(detector.detect(image::RgbImage{}).empty());
  EXPECT_TRUE(detector.detect(image::RgbImage{10, 10, std::vector<std::uint8_t>(5)}).empty());
}

TEST(HogFaceDetectorTest, PolicyOutOfRangeIsRefused) {
  Result<HogFaceDetector> tiny = HogFaceDetector::create({.working_long_side = 40});
  ASSERT_FALSE(tiny);
  EXPECT_NE(tiny.error().message.find("working_long_side"), std::string::npos);
  Result<HogFaceDetector> up = HogFaceDetector::create({.upsample = 3});
  ASSERT_FALSE(up);
  EXPECT_NE(up.error().message.find("upsample"), std::string::npos);
}

TEST(HogFaceDetectorTest, BoxesAreInInputPixelsAtEveryWorkingSize) {
  const image::RgbImage photo = testing::load_sample(1);  // 1920 x 1280, three faces
  std::vector<Detection> full = make_detector({.working_long_side = 0}).detect(photo);
  std::vector<Detection> small = make_detector({.working_long_side = 960}).detect(photo);
  ASSERT_EQ(small.size(), 3u);
  for (const Detection& d : small) {
    float best = 0;
    for (const Detection& f : full) {
      best = std::max(best, overlap(d.box, f.box));
    }
    EXPECT_GT(best, 0.6f) << "box at " << d.box.x << "," << d.box.y;
    EXPECT_GT(d.box.width, 150.0f);  // faces are ~200 px wide in the 1920 px photo
  }
  for (std::size_t i = 1; i < small.size(); ++i) {
    EXPECT_GE(small[i - 1].score, small[i].score);
  }
}

TEST(HogFaceDetectorTest, CopiesDetectTheSame) {
  const image::RgbImage photo = testing::load_sample(6);
  HogFaceDetector original = make_detector();
  HogFaceDetector copy = original;
  std::vector<Detection> a = original.detect(photo);
  std::vector<Detection> b = copy.detect(photo);
  ASSERT_EQ(a.size(), b.size());
  ASSERT_FALSE(a.empty());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].box.x, b[i].box.x);
    EXPECT_EQ(a[i].score, b[i].score);
  }
}

}  // namespace
}  // namespace findme::face::dlib
