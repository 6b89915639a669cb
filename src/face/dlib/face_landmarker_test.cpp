#include "face/dlib/face_landmarker.h"

#include <cstdlib>
#include <fstream>
#include <optional>

#include <gtest/gtest.h>

#include "face/dlib/hog_face_detector.h"
#include "face/dlib/test_images.h"
#include "face/face_embedder.h"

namespace findme::face::dlib {
namespace {

class FaceLandmarkerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {  // the model takes ~0.5 s to read: once for the suite
    Result<FaceLandmarker> loaded = FaceLandmarker::load(kDefaultLandmarkModel);
    ASSERT_TRUE(loaded) << loaded.error().message;
    landmarker_.emplace(std::move(loaded).value());
    photo_ = testing::load_sample(1);
    std::vector<Detection> found = HogFaceDetector::create({}).value().detect(photo_);
    ASSERT_FALSE(found.empty());
    face_ = found.front().box;
  }
  static void TearDownTestSuite() {
    landmarker_.reset();
    photo_ = {};
  }

  static inline std::optional<FaceLandmarker> landmarker_;
  static inline image::RgbImage photo_;
  static inline Box face_;
};

Point mean(const std::vector<Point>& points, std::size_t first, std::size_t last) {
  Point m;
  for (std::size_t i = first; i <= last; ++i) {
    m.x += points[i].x / static_cast<float>(last - first + 1);
    m.y += points[i].y / static_cast<float>(last - first + 1);
  }
  return m;
}

// Turns the image a quarter clockwise: (x, y) -> (height - 1 - y, x).
image::RgbImage rotate_clockwise(const image::RgbImage& in) {
  image::RgbImage out{in.height, in.width, std::vector<std::uint8_t>(in.byte_size())};
  for (int y = 0; y < in.height; ++y) {
    for (int x = 0; x < in.width; ++x) {
      const auto from = static_cast<std::size_t>(3 * (y * in.width + x));
      const auto to = static_cast<std::size_t>(3 * (x * out.width + (in.height - 1 - y)));
      for (std::size_t c = 0; c < 3; ++c) {
        out.pixels[to + c] = in.pixels[from + c];
      }
    }
  }
  return out;
}

TEST(FaceLandmarkerLoadTest, MissingModelNamesThePackage) {
  Result<FaceLandmarker> loaded = FaceLandmarker::load("/nonexistent/landmarks.dat");
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, Errc::internal);
  EXPECT_NE(loaded.error().message.find("apt-get install libdlib-data"), std::string::npos);
}

TEST(FaceLandmarkerLoadTest, CorruptModelIsRefused) {
  const std::string path = ::testing::TempDir() + "corrupt_landmarks.dat";
  std::ofstream(path, std::ios::binary) << "not a shape predictor";
  Result<FaceLandmarker> loaded = FaceLandmarker::load(path);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message.find("corrupt"), std::string::npos);
  std::remove(path.c_str());
}

TEST_F(FaceLandmarkerTest, LandmarksLieOnTheFaceInOrder) {
  const std::vector<Point> points = landmarker_->locate(photo_, face_);
  ASSERT_EQ(points.size(), static_cast<std::size_t>(kLandmarkCount));
  for (const Point& p : points) {  // within the box grown by a third on each side
    EXPECT_GT(p.x, face_.x - face_.width / 3);
    EXPECT_LT(p.x, face_.x + face_.width * 4 / 3);
    EXPECT_GT(p.y, face_.y - face_.height / 3);
    EXPECT_LT(p.y, face_.y + face_.height * 4 / 3);
  }
  const Point right_eye = mean(points, 36, 41);  // the subject's right: image left
  const Point left_eye = mean(points, 42, 47);
  const Point mouth = mean(points, 48, 67);
  EXPECT_LT(right_eye.x, left_eye.x);
  EXPECT_LT(std::max(right_eye.y, left_eye.y), points[30].y);  // eyes above the nose tip
  EXPECT_LT(points[30].y, mouth.y);                            // nose tip above the mouth
  EXPECT_GT(points[30].x, right_eye.x);
  EXPECT_LT(points[30].x, left_eye.x);
}

TEST_F(FaceLandmarkerTest, ChipIsUprightWhateverTheImageRotation) {
  const std::vector<Point> points = landmarker_->locate(photo_, face_);
  const image::RgbImage chip = extract_face_chip(photo_, points);
  ASSERT_EQ(chip.width, kChipSize);
  ASSERT_EQ(chip.height, kChipSize);
  ASSERT_EQ(chip.pixels.size(), chip.byte_size());

  // The same face turned a quarter, with its landmarks turned alike, gives the same chip.
  std::vector<Point> turned_points;
  for (const Point& p : points) {
    turned_points.push_back(Point{static_cast<float>(photo_.height - 1) - p.y, p.x});
  }
  const image::RgbImage turned = extract_face_chip(rotate_clockwise(photo_), turned_points);
  ASSERT_EQ(turned.pixels.size(), chip.pixels.size());
  double total = 0;
  for (std::size_t i = 0; i < chip.pixels.size(); ++i) {
    total += std::abs(int{chip.pixels[i]} - int{turned.pixels[i]});
  }
  EXPECT_LT(total / static_cast<double>(chip.pixels.size()), 2.0);

  // And it is not trivially uniform: a face has contrast.
  EXPECT_GT(*std::max_element(chip.pixels.begin(), chip.pixels.end()) -
                *std::min_element(chip.pixels.begin(), chip.pixels.end()),
            100);
}

}  // namespace
}  // namespace findme::face::dlib
