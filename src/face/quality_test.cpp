#include "face/quality.h"

#include <cmath>
#include <string>

#include <gtest/gtest.h>

namespace findme::face {
namespace {

// A 150 px chip of vertical stripes, `period` px each: hard-edged (a sharp photo) or a sine wave
// of the same period (the same stripes out of focus).
image::RgbImage stripes(int period, bool sharp) {
  image::RgbImage chip{150, 150, {}};
  chip.pixels.resize(chip.byte_size());
  for (int y = 0; y < chip.height; ++y) {
    for (int x = 0; x < chip.width; ++x) {
      const double wave = std::sin(3.14159265 * x / period);
      const double level = sharp ? (wave >= 0 ? 210 : 40) : 125 + 85 * wave;
      for (std::size_t c = 0; c < 3; ++c) {
        chip.pixels[chip.offset(x, y) + c] = static_cast<std::uint8_t>(level);
      }
    }
  }
  return chip;
}

TEST(LaplacianVarianceTest, UniformChipHasNone) {
  image::RgbImage grey{150, 150, std::vector<std::uint8_t>(std::size_t{150} * 150 * 3, 128)};
  EXPECT_EQ(laplacian_variance(grey), 0.0f);
}

TEST(LaplacianVarianceTest, SharpEdgesScoreHigherThanSoftOnes) {
  const float sharp = laplacian_variance(stripes(10, true));
  const float soft = laplacian_variance(stripes(10, false));
  EXPECT_GT(sharp, 1000.0f);
  EXPECT_LT(soft, 100.0f);
  EXPECT_GT(sharp, 20 * soft);
}

TEST(LaplacianVarianceTest, TinyOrShortImageIsZero) {
  EXPECT_EQ(laplacian_variance(image::RgbImage{2, 2, std::vector<std::uint8_t>(12, 9)}), 0.0f);
  EXPECT_EQ(laplacian_variance(image::RgbImage{10, 10, std::vector<std::uint8_t>(3, 9)}), 0.0f);
}

TEST(AssessQualityTest, GoodFaceIsUsable) {
  const FaceQuality q = assess_quality(200, 1.2f, 150, {});
  EXPECT_TRUE(q.usable);
  EXPECT_EQ(std::string(q.reason), "");
  EXPECT_EQ(q.size_px, 200);
  EXPECT_EQ(q.detector_score, 1.2f);
  EXPECT_EQ(q.sharpness, 150);
}

TEST(AssessQualityTest, EachThresholdHasItsReason) {
  const QualityThresholds t{};
  EXPECT_EQ(std::string(assess_quality(t.min_size_px - 1, 1, 100, t).reason), "too_small");
  EXPECT_EQ(std::string(assess_quality(200, 1, t.min_sharpness - 1, t).reason), "blurry");
  EXPECT_EQ(std::string(assess_quality(200, t.min_score - 0.01f, 100, t).reason), "low_score");
  EXPECT_FALSE(assess_quality(200, 1, t.min_sharpness - 1, t).usable);
  EXPECT_TRUE(assess_quality(t.min_size_px, t.min_score, t.min_sharpness, t).usable);
}

TEST(AssessQualityTest, SizeIsReportedBeforeBlurAndScore) {
  EXPECT_EQ(std::string(assess_quality(10, -1, 0, {}).reason), "too_small");
  EXPECT_EQ(std::string(assess_quality(100, -1, 0, {}).reason), "blurry");
}

}  // namespace
}  // namespace findme::face
