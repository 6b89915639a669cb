#include "face/model/ssd_boxes.h"

#include <array>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "face/model/ssd_face_detector.h"

namespace findme::face::model {
namespace {

TEST(SsdBoxesTest, ZeroEncodingGivesTheAnchorBack) {
  const std::array<float, 4> anchor{0.1f, 0.2f, 0.5f, 0.4f};
  const std::array<float, 4> zero{0, 0, 0, 0};
  const SsdBox box = decode_box(zero.data(), anchor.data());
  EXPECT_FLOAT_EQ(box.ymin, 0.1f);
  EXPECT_FLOAT_EQ(box.xmin, 0.2f);
  EXPECT_FLOAT_EQ(box.ymax, 0.5f);
  EXPECT_FLOAT_EQ(box.xmax, 0.4f);
}

TEST(SsdBoxesTest, EncodingShiftsByATenthAndScalesByAFifthInLogSpace) {
  const std::array<float, 4> anchor{0.0f, 0.0f, 0.2f, 0.4f};  // centre (0.1, 0.2), 0.2 x 0.4
  const std::array<float, 4> encoding{10.0f, -10.0f, 5.0f * std::log(2.0f), 0.0f};
  const SsdBox box = decode_box(encoding.data(), anchor.data());
  EXPECT_NEAR(box.ymin, 0.3f - 0.2f, 1e-6f);  // centre y + 1 height, twice as high
  EXPECT_NEAR(box.ymax, 0.3f + 0.2f, 1e-6f);
  EXPECT_NEAR(box.xmin, -0.2f - 0.2f, 1e-6f);  // centre x - 1 width, same width
  EXPECT_NEAR(box.xmax, -0.2f + 0.2f, 1e-6f);
}

TEST(SsdBoxesTest, SuppressionKeepsBestFirstAndDropsOverlapsAboveTheLimit) {
  const std::vector<SsdBox> boxes{
      {0, 0, 1, 1, 0.6f},        // 0
      {0, 0, 1, 1.2f, 0.9f},     // 1: IoU with 0 is 1/1.2 > 0.5: suppresses it
      {0, 2, 1, 3, 0.9f},        // 2: same score as 1, later index: after it
      {0, 2.5f, 1, 3.5f, 0.7f},  // 3: IoU with 2 is 1/3, kept
      {5, 5, 6, 6, 0.5f},        // 4: not above min_score 0.5
  };
  EXPECT_EQ(non_max_suppression(boxes, 0.5f, 0.5f, 100), (std::vector<std::size_t>{1, 2, 3}));
  EXPECT_EQ(non_max_suppression(boxes, 0.5f, 0.5f, 2), (std::vector<std::size_t>{1, 2}));
  EXPECT_EQ(non_max_suppression(boxes, 0.9f, 0.0f, 100), (std::vector<std::size_t>{1, 2, 3, 0, 4}));
}

TEST(SsdBoxesTest, EmptyBoxesNeverOverlap) {
  EXPECT_EQ(intersection_over_union({0, 0, 0, 1, 1}, {0, 0, 0, 1, 1}), 0.0f);
  EXPECT_FLOAT_EQ(intersection_over_union({0, 0, 1, 1, 1}, {0, 0, 1, 1, 1}), 1.0f);
}

// TF.js resizeBilinear without half-pixel centres samples output i at source i * ratio: halving
// takes every second pixel as it is; the padding (zeros) becomes -1.
TEST(SsdBoxesTest, InputIsPaddedAtTheBottomResizedTfjsStyleAndScaledToPlusMinusOne) {
  image::RgbImage image{4, 2, std::vector<std::uint8_t>(24)};
  for (std::size_t i = 0; i < image.pixels.size(); ++i) {
    image.pixels[i] = static_cast<std::uint8_t>(i * 10);
  }
  const cv::Mat blob = make_ssd_input(image, {0, 0, 4, 2}, 2);
  ASSERT_EQ(blob.size[0], 1);
  ASSERT_EQ(blob.size[1], 3);
  ASSERT_EQ(blob.size[2], 2);
  const float* v = blob.ptr<float>();
  const auto scaled = [](int pixel) { return static_cast<float>(pixel) / 127.5f - 1.0f; };
  for (int c = 0; c < 3; ++c) {
    const float* plane = v + static_cast<std::ptrdiff_t>(c) * 4;
    EXPECT_NEAR(plane[0], scaled(c * 10), 1e-6f);            // pixel (0, 0)
    EXPECT_NEAR(plane[1], scaled((2 * 3 + c) * 10), 1e-6f);  // pixel (0, 2)
    EXPECT_NEAR(plane[2], -1.0f, 1e-6f);                     // row 2 is padding
    EXPECT_NEAR(plane[3], -1.0f, 1e-6f);
  }
}

TEST(SsdBoxesTest, InputOfARegionReadsOnlyTheRegion) {
  image::RgbImage image{3, 3, std::vector<std::uint8_t>(27, 0)};
  image.pixels[image.offset(2, 1)] = 255;  // red at (x 2, y 1)
  const cv::Mat blob = make_ssd_input(image, {2, 1, 1, 1}, 1);
  EXPECT_NEAR(blob.ptr<float>()[0], 1.0f, 1e-6f);
  EXPECT_NEAR(blob.ptr<float>()[1], -1.0f, 1e-6f);
}

TEST(SsdTilesTest, LandscapePhotoGetsSquaresAsHighAsThePhotoOrAGrid) {
  const std::vector<PixelRegion> two = ssd_tiles(1920, 1280, {.tiles_per_long_side = 2});
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].x, 0);
  EXPECT_EQ(two[1].x, 640);
  EXPECT_EQ(two[1].width, 1280);
  EXPECT_EQ(two[1].height, 1280);

  const std::vector<PixelRegion> three = ssd_tiles(1920, 1280, {.tiles_per_long_side = 3});
  ASSERT_EQ(three.size(), 6u);  // 800 px squares, 3 across and 2 down, >= 25 % overlap
  for (const PixelRegion& t : three) {
    EXPECT_EQ(t.width, 800);
    EXPECT_LE(t.x + t.width, 1920);
    EXPECT_LE(t.y + t.height, 1280);
  }
  EXPECT_EQ(three.back().x, 1120);
  EXPECT_EQ(three.back().y, 480);
}

TEST(SsdTilesTest, NoTilesWhenOffOrForSmallPhotos) {
  EXPECT_TRUE(ssd_tiles(1920, 1280, {}).empty());
  EXPECT_TRUE(ssd_tiles(1000, 800, {.tiles_per_long_side = 2}).empty());
  EXPECT_EQ(ssd_tiles(1000, 800, {.tiles_per_long_side = 2, .tile_min_long_side = 0}).size(), 2u);
}

TEST(SsdPolicyTest, OutOfRangeFieldsAreNamed) {
  EXPECT_TRUE(check_ssd_policy({}));
  const std::vector<std::pair<SsdPolicy, const char*>> bad{
      {{.min_confidence = 0}, "min_confidence"},
      {{.min_confidence = 1}, "min_confidence"},
      {{.max_results = 0}, "max_results"},
      {{.max_iou = 0}, "max_iou"},
      {{.tiles_per_long_side = 1}, "tiles_per_long_side"},
      {{.tiles_per_long_side = 9}, "tiles_per_long_side"},
      {{.tile_overlap = 1}, "tile_overlap"},
  };
  for (const auto& [policy, field] : bad) {
    Result<void> checked = check_ssd_policy(policy);
    ASSERT_FALSE(checked) << field;
    EXPECT_NE(checked.error().message.find(field), std::string::npos) << checked.error().message;
  }
}

}  // namespace
}  // namespace findme::face::model
