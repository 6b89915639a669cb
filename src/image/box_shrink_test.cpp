#include "image/box_shrink.h"

#include <gtest/gtest.h>

namespace findme::image {
namespace {

// A width x height image whose pixel (x, y) is (x + 10 y, 100 + x, 200 - y).
RgbImage ramp(int width, int height) {
  RgbImage image{width, height, {}};
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      image.pixels.push_back(static_cast<std::uint8_t>(x + 10 * y));
      image.pixels.push_back(static_cast<std::uint8_t>(100 + x));
      image.pixels.push_back(static_cast<std::uint8_t>(200 - y));
    }
  }
  return image;
}

TEST(BoxShrinkTest, EachPixelIsTheRoundedMeanOfItsBlock) {
  const RgbImage out = box_shrink(ramp(4, 4), 2);

  ASSERT_EQ(out.width, 2);
  ASSERT_EQ(out.height, 2);
  ASSERT_EQ(out.pixels.size(), out.byte_size());
  // Block (0, 0): x 0-1, y 0-1: red (0 + 1 + 10 + 11) / 4 = 5.5 -> 6, green 100.5 -> 101, blue
  // 199.5 -> 200.
  EXPECT_EQ(out.pixels[0], 6);
  EXPECT_EQ(out.pixels[1], 101);
  EXPECT_EQ(out.pixels[2], 200);
  // Block (1, 1): x 2-3, y 2-3: red (22 + 23 + 32 + 33) / 4 = 27.5 -> 28.
  EXPECT_EQ(out.pixels[out.offset(1, 1)], 28);
  EXPECT_EQ(out.pixels[out.offset(1, 1) + 1], 103);  // 102.5 -> 103
  EXPECT_EQ(out.pixels[out.offset(1, 1) + 2], 198);  // 197.5 -> 198
}

TEST(BoxShrinkTest, PartialBlocksAtTheEdgesAverageWhatIsInside) {
  const RgbImage out = box_shrink(ramp(5, 3), 2);

  ASSERT_EQ(out.width, 3);  // ceil(5 / 2)
  ASSERT_EQ(out.height, 2);
  // Block (2, 1) holds the one pixel (4, 2): red 24, green 104, blue 198.
  EXPECT_EQ(out.pixels[out.offset(2, 1)], 24);
  EXPECT_EQ(out.pixels[out.offset(2, 1) + 1], 104);
  EXPECT_EQ(out.pixels[out.offset(2, 1) + 2], 198);
  // Block (2, 0) holds (4, 0) and (4, 1): red (4 + 14) / 2 = 9.
  EXPECT_EQ(out.pixels[out.offset(2, 0)], 9);
}

TEST(BoxShrinkTest, FactorOneIsACopyAndAFactorAboveTheSizeIsOnePixel) {
  const RgbImage image = ramp(3, 2);

  const RgbImage same = box_shrink(image, 1);
  const RgbImage one = box_shrink(image, 8);

  EXPECT_EQ(same.pixels, image.pixels);
  ASSERT_EQ(one.width, 1);
  ASSERT_EQ(one.height, 1);
  EXPECT_EQ(one.pixels[0], 6);  // red (0 + 1 + 2 + 10 + 11 + 12) / 6
}

}  // namespace
}  // namespace findme::image
