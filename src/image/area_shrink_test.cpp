#include "image/area_shrink.h"

#include <gtest/gtest.h>

namespace findme::image {
namespace {

RgbImage filled(int width, int height, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  RgbImage image{width, height, {}};
  for (int i = 0; i < width * height; ++i) {
    image.pixels.insert(image.pixels.end(), {r, g, b});
  }
  return image;
}

TEST(AreaShrinkTest, AnIntegerFactorAveragesWholeBlocks) {
  RgbImage image = filled(4, 2, 0, 0, 0);
  // Red 0, 10, 20, 30 in the first row and 40, 50, 60, 70 in the second.
  for (int y = 0; y < 2; ++y) {
    for (int x = 0; x < 4; ++x) {
      image.pixels[image.offset(x, y)] = static_cast<std::uint8_t>(10 * (x + 4 * y));
    }
  }
  const RgbImage out = area_shrink(image, 2, 1);
  ASSERT_EQ(out.width, 2);
  ASSERT_EQ(out.height, 1);
  EXPECT_EQ(out.pixels[0], 25);  // (0 + 10 + 40 + 50) / 4
  EXPECT_EQ(out.pixels[3], 45);  // (20 + 30 + 60 + 70) / 4
}

// 3 -> 2 columns: each output covers 1.5 inputs, the middle one shared half and half.
TEST(AreaShrinkTest, APixelCutByACellEdgeCountsForThePartInside) {
  RgbImage image = filled(3, 1, 0, 0, 0);
  image.pixels[image.offset(0, 0)] = 90;
  image.pixels[image.offset(1, 0)] = 30;
  image.pixels[image.offset(2, 0)] = 60;
  const RgbImage out = area_shrink(image, 2, 1);
  EXPECT_EQ(out.pixels[0], 70);  // (90 + 0.5 * 30) / 1.5
  EXPECT_EQ(out.pixels[3], 50);  // (0.5 * 30 + 60) / 1.5
}

TEST(AreaShrinkTest, AFlatImageStaysFlatAndTheSameSizeIsACopy) {
  const RgbImage flat = area_shrink(filled(1920, 1280, 12, 130, 250), 128, 85);
  ASSERT_EQ(flat.pixels.size(), flat.byte_size());
  for (std::size_t i = 0; i < flat.pixels.size(); i += 3) {
    ASSERT_EQ(flat.pixels[i], 12);
    ASSERT_EQ(flat.pixels[i + 1], 130);
    ASSERT_EQ(flat.pixels[i + 2], 250);
  }
  RgbImage image = filled(5, 3, 0, 0, 0);
  for (std::size_t i = 0; i < image.pixels.size(); ++i) {
    image.pixels[i] = static_cast<std::uint8_t>(7 * i);
  }
  EXPECT_EQ(area_shrink(image, 5, 3).pixels, image.pixels);
}

}  // namespace
}  // namespace findme::image
