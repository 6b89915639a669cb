// Detection accuracy of the default policy on the package's six sample photos (1920 px).
#include <algorithm>
#include <vector>

#include <gtest/gtest.h>

#include "face/dlib/hog_face_detector.h"
#include "face/local/test_photos.h"

namespace findme::face {
namespace {

// The clearly visible faces, counted by eye on the photos with a 100 px grid and the detector's
// boxes drawn over them (22 in all, as FACE-NOTES.md counts). Boxes are approximate, in the
// photos' 1920 px pixels.
struct Photo {
  int sample;
  std::vector<Box> faces;
};
const std::vector<Photo>& photos() {
  static const std::vector<Photo> kPhotos = {
      {1, {{376, 376, 216, 216}, {830, 472, 216, 216}, {1451, 233, 216, 216}}},  // + a badge
      {2,
       {{350, 160, 170, 250},  // profile, looking right
        {880, 280, 200, 200},  // head bowed low
        {1440, 200, 200, 200}}},
      {3, {{567, 376, 216, 216}, {1025, 251, 259, 259}, {1499, 352, 216, 216}}},
      {4,
       {{273, 254, 181, 181},  // three-quarter view
        {615, 113, 216, 216},
        {950, 209, 216, 216},
        {1229, 194, 180, 180}}},
      {5,
       {{376, 926, 216, 216},
        {642, 476, 151, 151},
        {791, 134, 180, 180},
        {1090, 254, 180, 180},
        {1380, 448, 216, 216}}},
      {6,
       {{257, 543, 216, 216}, {639, 376, 216, 216}, {1165, 376, 216, 216}, {1451, 328, 216, 216}}},
  };
  return kPhotos;
}

// Measured with the default policy (1280 px, no upsampling, score >= 0): 19 of 22, missing the
// profile and the bowed head of sample2 and the three-quarter view of sample4. HOG at any size
// up to 1920 px and with upsampling found no more at a score that keeps the badge out.
constexpr double kMinRecall = 19.0 / 22.0;

float overlap(const Box& a, const Box& b) {  // intersection over union
  const float w = std::min(a.x + a.width, b.x + b.width) - std::max(a.x, b.x);
  const float h = std::min(a.y + a.height, b.y + b.height) - std::max(a.y, b.y);
  if (w <= 0 || h <= 0) {
    return 0;
  }
  return w * h / (a.width * a.height + b.width * b.height - w * h);
}

constexpr float kSameFace = 0.3f;  // IoU: the by-eye boxes are rough

TEST(DetectionAccuracyTest, DefaultPolicyFindsRealFacesOnly) {
  Result<dlib::HogFaceDetector> created = dlib::HogFaceDetector::create({});
  ASSERT_TRUE(created) << created.error().message;
  dlib::HogFaceDetector& detector = *created;
  int visible = 0;
  int found = 0;
  for (const Photo& photo : photos()) {
    const image::RgbImage image = local::testing::load_sample(photo.sample);
    ASSERT_EQ(image.width, 1920) << "sample" << photo.sample;
    std::vector<bool> matched(photo.faces.size(), false);
    for (const Detection& d : detector.detect(image)) {
      bool real = false;
      for (std::size_t i = 0; i < photo.faces.size(); ++i) {
        if (overlap(d.box, photo.faces[i]) >= kSameFace) {
          EXPECT_FALSE(matched[i]) << "sample" << photo.sample << ": face " << i << " twice";
          matched[i] = true;
          real = true;
        }
      }
      EXPECT_TRUE(real) << "sample" << photo.sample << ": false positive at " << d.box.x << ","
                        << d.box.y << " " << d.box.width << " px, score " << d.score;
    }
    visible += static_cast<int>(photo.faces.size());
    found += static_cast<int>(std::count(matched.begin(), matched.end(), true));
  }
  EXPECT_EQ(visible, 22);
  EXPECT_GE(static_cast<double>(found) / visible, kMinRecall) << found << " of " << visible;
}

}  // namespace
}  // namespace findme::face
