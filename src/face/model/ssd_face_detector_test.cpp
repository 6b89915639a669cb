#include "face/model/ssd_face_detector.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sodium.h>

#include "face/model/test_files.h"
#include "image/vips/vips_image_decoder.h"

namespace findme::face::model {
namespace {

// One detector for the binary: building the net takes ~0.3 s.
SsdFaceDetector& ssd_detector() {
  static const std::unique_ptr<SsdFaceDetector> instance = [] {
    Result<SsdWeights> weights = SsdWeights::load(testing::face_api_dir());
    EXPECT_TRUE(weights) << weights.error().message;
    if (!weights) {
      return std::unique_ptr<SsdFaceDetector>();
    }
    // face-api's own defaults: minConfidence 0.5, maxResults 100.
    Result<std::unique_ptr<SsdFaceDetector>> made =
        SsdFaceDetector::create(*weights, {.min_confidence = 0.5f, .max_results = 100});
    EXPECT_TRUE(made) << made.error().message;
    return made ? std::move(made).value() : std::unique_ptr<SsdFaceDetector>();
  }();
  return *instance;
}

// tests/data/ssd/reference.json: face-api.js's own locateFaces() on the six samples
// (tools/reference/ssd_boxes.js, pure-JS tfjs cpu backend), on exactly the pixels libvips gives.
// face-api maps its boxes to the image through its rounded 512 px image size
// (getReshapedInputDimensions); undoing that gives the boxes in its 512 px input square.
TEST(SsdFaceDetectorTest, AgreesWithFaceApiOnTheSixSamples) {
  ASSERT_GE(sodium_init(), 0);
  const nlohmann::json reference = nlohmann::json::parse(testing::read_file(
      std::filesystem::path(FINDME_SOURCE_DIR) / "tests/data/ssd/reference.json"));
  ASSERT_EQ(reference.at("samples").size(), 6u);
  float worst_box = 0;
  float worst_score = 0;
  for (const nlohmann::json& sample : reference.at("samples")) {
    const std::string file = sample.at("file");
    const image::RgbImage image = testing::decode_file(testing::face_api_dir() / "demo" / file);
    ASSERT_EQ(image.width, sample.at("width").get<int>()) << file;
    ASSERT_EQ(image.height, sample.at("height").get<int>()) << file;
    ASSERT_EQ(testing::sha256_hex(image.pixels), sample.at("rgb_sha256").get<std::string>())
        << file << ": libvips decodes it differently from the reference run; regenerate it";

    Result<std::vector<SsdBox>> boxes = ssd_detector().detect_in_input_square(image);
    ASSERT_TRUE(boxes) << boxes.error().message;
    const nlohmann::json& expected = sample.at("detections");
    ASSERT_EQ(boxes->size(), expected.size()) << file;

    const int long_side = std::max(image.width, image.height);
    const double scale = 512.0 / long_side;
    const double reshaped_w = std::round(image.width * scale);
    const double reshaped_h = std::round(image.height * scale);
    for (std::size_t i = 0; i < boxes->size(); ++i) {
      const SsdBox& got = (*boxes)[i];
      const nlohmann::json& e = expected[i];
      // face-api: image px = square units * (512 / reshaped) * image side.
      const auto to_square = [](double v, double side, double reshaped) {
        return v / side / (512.0 / reshaped) * 512.0;
      };
      const std::array<double, 4> want{
          to_square(e.at("y"), image.height, reshaped_h),
          to_square(e.at("x"), image.width, reshaped_w),
          to_square(e.at("y").get<double>() + e.at("height").get<double>(), image.height,
                    reshaped_h),
          to_square(e.at("x").get<double>() + e.at("width").get<double>(), image.width,
                    reshaped_w)};
      const std::array<double, 4> have{std::max(0.0f, got.ymin), std::max(0.0f, got.xmin), got.ymax,
                                       got.xmax};
      for (std::size_t k = 0; k < 4; ++k) {
        EXPECT_NEAR(have[k], want[k], 1.0) << file << " face " << i << " coordinate " << k;
        worst_box = std::max(worst_box, static_cast<float>(std::abs(have[k] - want[k])));
      }
      EXPECT_NEAR(got.score, e.at("score").get<double>(), 1e-3) << file << " face " << i;
      worst_score = std::max(worst_score, std::abs(got.score - e.at("score").get<float>()));
    }
  }
  std::printf("largest difference to face-api.js: box %.4f px (of 512), score %.2g\n",
              static_cast<double>(worst_box), static_cast<double>(worst_score));
}

}  // namespace
}  // namespace findme::face::model
