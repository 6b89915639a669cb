#include "face/dlib/face_landmarker.h"

#include <cmath>
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
  static void SetUpTestSuite() {  // once per process: CTest runs each test in its own
    Result<FaceLandmarker> loaded = FaceLandmarker::load(kDefaultLandmarkModel);
    ASSERT_TRUE(loaded) << loaded.error().message;
    landmarker.emplace(std::move(loaded).value());
    photo = testing::load_sample(1);
    std::vector<Detection> found = HogFaceDetector::create({}).value().detect(photo);
    ASSERT_FALSE(found.empty());
    face = found.front().box;
  }
  static void TearDownTestSuite() {
    landmarker.reset();
    photo = {};
  }

  static inline std::optional<FaceLandmarker> landmarker;
  static inline image::RgbImage photo;
  static inline Box face;
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
      const std::size_t from = in.offset(x, y);
      const std::size_t to = out.offset(in.height - 1 - y, x);
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
  const std::vector<Point> points = landmarker->locate(photo, face);
  ASSERT_EQ(points.size(), static_cast<std::size_t>(kLandmarkCount));
  for (const Point& p : points) {  // within the box grown by a third on each side
    EXPECT_GT(p.x, face.x - face.width / 3);
    EXPECT_LT(p.x, face.x + face.width * 4 / 3);
    EXPECT_GT(p.y, face.y - face.height / 3);
    EXPECT_LT(p.y, face.y + face.height * 4 / 3);
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
  const std::vector<Point> points = landmarker->locate(photo, face);
  const image::RgbImage chip = extract_face_chip(photo, points);
  ASSERT_EQ(chip.width, kChipSize);
  ASSERT_EQ(chip.height, kChipSize);
  ASSERT_EQ(chip.pixels.size(), chip.byte_size());

  // The same face turned a quarter, with its landmarks turned alike, gives the same chip.
  std::vector<Point> turned_points;
  turned_points.reserve(points.size());
  for (const Point& p : points) {
    turned_points.push_back(Point{static_cast<float>(photo.height - 1) - p.y, p.x});
  }
  const image::RgbImage turned = extract_face_chip(rotate_clockwise(photo), turned_points);
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

// Chip from 5 points: synthetic image points made by a known similarity (rotated 25 degrees,
// scaled 1.7, shifted) of where dlib's chip puts the five points.
TEST(ChipFromFivePointsTest, RecoversTheSimilarityAndPutsThePointsWhereDlibsChipDoes) {
  const std::vector<Point> chip{kChipLeftEye, kChipRightEye, kChipNoseTip, kChipMouthLeft,
                                kChipMouthRight};
  const double angle = 25 * 3.14159265358979 / 180;
  const Similarity truth{1.7 * std::cos(angle), 1.7 * std::sin(angle), 210, 95};
  std::vector<Point> in_image;
  in_image.reserve(chip.size());
  for (const Point& p : chip) in_image.push_back(truth.apply(p));
  const Similarity found = chip_to_image(chip, in_image);
  EXPECT_NEAR(found.a, truth.a, 1e-6);
  EXPECT_NEAR(found.b, truth.b, 1e-6);
  EXPECT_NEAR(found.tx, truth.tx, 1e-3);
  EXPECT_NEAR(found.ty, truth.ty, 1e-3);

  // A black image with a bright 5x5 dot at each image point: the chip shows each dot at its
  // chip position (the bright centre of a 15x15 window around it lies within 1 px: the dots are
  // drawn at whole pixels).
  image::RgbImage image{600, 500, {}};
  image.pixels.assign(image.byte_size(), 0);
  for (const Point& p : in_image) {
    for (int dy = -2; dy <= 2; ++dy) {
      for (int dx = -2; dx <= 2; ++dx) {
        const auto at = 3 * static_cast<std::size_t>((std::lround(p.y) + dy) * image.width +
                                                     std::lround(p.x) + dx);
        image.pixels[at] = image.pixels[at + 1] = image.pixels[at + 2] = 255;
      }
    }
  }
  const image::RgbImage out = extract_face_chip(image, in_image, chip);
  ASSERT_EQ(out.width, kChipSize);
  ASSERT_EQ(out.height, kChipSize);
  for (const Point& p : chip) {
    double sum = 0, x_sum = 0, y_sum = 0;  // brightness-weighted centre of a 15x15 window
    for (int y = static_cast<int>(p.y) - 7; y <= static_cast<int>(p.y) + 7; ++y) {
      for (int x = static_cast<int>(p.x) - 7; x <= static_cast<int>(p.x) + 7; ++x) {
        const double v = out.pixels[3 * static_cast<std::size_t>(y * out.width + x)];
        sum += v;
        x_sum += v * x;
        y_sum += v * y;
      }
    }
    ASSERT_GT(sum, 0);
    EXPECT_LT(std::hypot(x_sum / sum - p.x, y_sum / sum - p.y), 1.0) << p.x << "," << p.y;
  }
}

TEST(ChipFromFivePointsTest, FivePointsOfSixtyEightAreTheEyeMeansNoseTipAndMouthCorners) {
  std::vector<Point> landmarks(kLandmarkCount);
  for (std::size_t i = 0; i < landmarks.size(); ++i) {
    landmarks[i] = Point{static_cast<float>(i), static_cast<float>(2 * i)};
  }
  const std::vector<Point> five = five_points(landmarks);
  ASSERT_EQ(five.size(), 5u);
  EXPECT_FLOAT_EQ(five[0].x, 38.5f);  // mean of 36..41
  EXPECT_FLOAT_EQ(five[1].y, 89.0f);  // 2 x mean of 42..47
  EXPECT_FLOAT_EQ(five[2].x, 30.0f);
  EXPECT_FLOAT_EQ(five[3].x, 48.0f);
  EXPECT_FLOAT_EQ(five[4].x, 54.0f);
}

// On a real face, the 5-point chip of dlib's own 68 points is close to its 68-point chip (the
// chip constants are dlib's mean face's): mean absolute pixel difference under 12 of 255.
TEST_F(FaceLandmarkerTest, FivePointChipIsCloseToTheSixtyEightPointChip) {
  const std::vector<Point> points = landmarker->locate(photo, face);
  const image::RgbImage full = extract_face_chip(photo, points);
  const std::vector<Point> chip{kChipLeftEye, kChipRightEye, kChipNoseTip, kChipMouthLeft,
                                kChipMouthRight};
  const image::RgbImage five = extract_face_chip(photo, five_points(points), chip);
  ASSERT_EQ(full.pixels.size(), five.pixels.size());
  double diff = 0;
  for (std::size_t i = 0; i < full.pixels.size(); ++i) {
    diff += std::abs(int{full.pixels[i]} - int{five.pixels[i]});
  }
  EXPECT_LT(diff / static_cast<double>(full.pixels.size()), 12.0);
}

}  // namespace
}  // namespace findme::face::dlib
