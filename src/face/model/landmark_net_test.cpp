#include "face/model/landmark_net.h"

#include <array>
#include <cmath>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "face/model/test_files.h"
#include "image/vips/vips_image_decoder.h"

namespace findme::face::model {
namespace {

// One net for the binary.
LandmarkNet& net() {
  static const std::unique_ptr<LandmarkNet> instance = [] {
    Result<LandmarkNetWeights> weights = LandmarkNetWeights::load(testing::face_api_dir());
    EXPECT_TRUE(weights) << weights.error().message;
    if (!weights) {
      return std::unique_ptr<LandmarkNet>();
    }
    Result<std::unique_ptr<LandmarkNet>> made = LandmarkNet::create(*weights);
    EXPECT_TRUE(made) << made.error().message;
    return made ? std::move(made).value() : std::unique_ptr<LandmarkNet>();
  }();
  return *instance;
}

// tests/data/landmarks: PNG face crops and the points face-api.js's faceLandmark68Net gives for
// each whole crop (tools/reference/landmarks.js).
TEST(LandmarkNetTest, AgreesWithFaceApiJsOnEveryReferenceCrop) {
  std::ifstream json_file(testing::reference_dir("landmarks") / "reference.json");
  const nlohmann::json reference = nlohmann::json::parse(json_file);
  ASSERT_GE(reference.at("crops").size(), 8u);
  double worst = 0;
  for (const nlohmann::json& crop : reference.at("crops")) {
    const std::string name = crop.at("name").get<std::string>();
    const image::RgbImage image =
        testing::decode_file(testing::reference_dir("landmarks") / (name + ".png"));
    ASSERT_FALSE(image.empty()) << name;
    ASSERT_EQ(testing::sha256_hex(image.pixels), crop.at("rgb_sha256").get<std::string>()) << name;
    Result<std::vector<Point>> points = net().locate(
        image, Box{0, 0, static_cast<float>(image.width), static_cast<float>(image.height)});
    ASSERT_TRUE(points) << points.error().message;
    const auto& expected = crop.at("points");
    ASSERT_EQ(points->size(), expected.size()) << name;
    const double side = std::max(image.width, image.height);
    for (std::size_t i = 0; i < points->size(); ++i) {
      const double dx = (*points)[i].x - expected[i][0].get<double>();
      const double dy = (*points)[i].y - expected[i][1].get<double>();
      worst = std::max(worst, std::hypot(dx, dy) / side);
      EXPECT_LT(std::hypot(dx, dy), 1e-3 * side) << name << " point " << i;
    }
  }
  std::printf("worst landmark difference to face-api.js: %.2e of the crop side\n", worst);
}

// The same crop inside a larger image, boxed where it lies, gives the same points shifted.
TEST(LandmarkNetTest, BoxInALargerImageGivesTheCropsPointsShifted) {
  const image::RgbImage crop =
      testing::decode_file(testing::reference_dir("landmarks") / "sample1_face0.png");
  ASSERT_FALSE(crop.empty());
  image::RgbImage canvas{crop.width + 200, crop.height + 100, {}};
  canvas.pixels.assign(canvas.byte_size(), 90);
  for (int y = 0; y < crop.height; ++y) {
    std::copy_n(&crop.pixels[crop.offset(0, y)], 3 * crop.width,
                &canvas.pixels[canvas.offset(150, y + 60)]);
  }
  Result<std::vector<Point>> alone = net().locate(
      crop, Box{0, 0, static_cast<float>(crop.width), static_cast<float>(crop.height)});
  // Fractions are floored as face-api floors them.
  Result<std::vector<Point>> placed = net().locate(
      canvas, Box{150.7f, 60.2f, static_cast<float>(crop.width), static_cast<float>(crop.height)});
  ASSERT_TRUE(alone && placed);
  ASSERT_EQ(alone->size(), 68u);
  for (std::size_t i = 0; i < alone->size(); ++i) {
    EXPECT_NEAR((*placed)[i].x, (*alone)[i].x + 150, 1e-3);
    EXPECT_NEAR((*placed)[i].y, (*alone)[i].y + 60, 1e-3);
  }
}

TEST(LandmarkCropTest, ClippedAtTheBordersAndFloored) {
  const LandmarkCrop inside = landmark_crop(Box{10.6f, 20.2f, 50.9f, 60.5f}, 200, 100);
  EXPECT_EQ(inside.x, 10);
  EXPECT_EQ(inside.y, 20);
  EXPECT_EQ(inside.width, 50);
  EXPECT_EQ(inside.height, 60);
  const LandmarkCrop across = landmark_crop(Box{-30, 70, 100, 100}, 200, 100);
  EXPECT_EQ(across.x, 0);
  EXPECT_EQ(across.y, 70);
  EXPECT_EQ(across.width, 70);
  EXPECT_EQ(across.height, 30);
  const LandmarkCrop outside = landmark_crop(Box{300, 300, 10, 10}, 200, 100);
  EXPECT_EQ(outside.x, 199);
  EXPECT_EQ(outside.y, 99);
  EXPECT_EQ(outside.width, 1);
  EXPECT_EQ(outside.height, 1);
}

// A wide crop is padded above and below, so the net's corners map outside the crop by half the
// difference of the sides.
TEST(LandmarkCropTest, OutputsMapFromThePaddedSquare) {
  std::array<float, 136> output{};
  output[0] = 0;  // point 0 at the square's top-left corner
  output[1] = 0;
  output[2] = 1;  // point 1 at its bottom-right corner
  output[3] = 1;
  const std::vector<Point> points = map_landmarks(output, LandmarkCrop{100, 50, 80, 40});
  EXPECT_FLOAT_EQ(points[0].x, 100);
  EXPECT_FLOAT_EQ(points[0].y, 50 - 20);
  EXPECT_FLOAT_EQ(points[1].x, 180);
  EXPECT_FLOAT_EQ(points[1].y, 50 + 40 + 20);
}

TEST(LandmarkNetWeightsTest, EveryTensorIsTakenAndTheSizesAreFaceApis) {
  Result<LandmarkNetWeights> weights = LandmarkNetWeights::load(testing::face_api_dir());
  ASSERT_TRUE(weights) << weights.error().message;
  EXPECT_FALSE(weights->blocks()[0].convs[0].separable());
  EXPECT_TRUE(weights->blocks()[0].convs[1].separable());
  EXPECT_EQ(weights->blocks()[3].convs[3].out_channels, 256);
  EXPECT_EQ(weights->fc_weights().rows, 136);
  EXPECT_EQ(weights->fc_weights().cols, 256);
  std::printf("landmark net: %.1f M multiply-adds per face\n",
              static_cast<double>(weights->multiply_adds_per_face()) / 1e6);
}

TEST(LandmarkNetWeightsTest, AlteredFileIsRefusedAtLoad) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("findme_landmark_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "model");
  for (const char* file :
       {"face_landmark_68_model-weights_manifest.json", "face_landmark_68_model.bin"}) {
    std::filesystem::copy_file(testing::face_api_dir() / "model" / file, dir / "model" / file);
  }
  {
    std::fstream bin(dir / "model/face_landmark_68_model.bin",
                     std::ios::binary | std::ios::in | std::ios::out);
    bin.seekg(1000);
    const int byte = bin.get();
    bin.seekp(1000);
    bin.put(static_cast<char>(byte ^ 0xff));
  }
  Result<LandmarkNetWeights> weights = LandmarkNetWeights::load(dir);
  std::filesystem::remove_all(dir);
  ASSERT_FALSE(weights);
  EXPECT_NE(weights.error().message.find("tools/fetch_models.sh"), std::string::npos)
      << weights.error().message;
}

}  // namespace
}  // namespace findme::face::model
