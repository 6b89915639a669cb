#include "image/exif_orientation.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

#include <gtest/gtest.h>

namespace findme::image {
namespace {

// Each pixel names where it was stored: red x, green y (images under 256 px), blue 7.
RgbImage coordinates(int width, int height) {
  RgbImage image{width, height,
                 std::vector<std::uint8_t>(static_cast<std::size_t>(width * height) * 3)};
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const std::size_t at = image.offset(x, y);
      image.pixels[at] = static_cast<std::uint8_t>(x);
      image.pixels[at + 1] = static_cast<std::uint8_t>(y);
      image.pixels[at + 2] = 7;
    }
  }
  return image;
}

// `in` moved pixel by pixel into a width x height image: out(x, y) = in(from(x, y)).
template <class From>
RgbImage moved(const RgbImage& in, int width, int height, From from) {
  RgbImage out{width, height, in.pixels};
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const auto [sx, sy] = from(x, y);
      std::copy_n(&in.pixels[in.offset(sx, sy)], 3, &out.pixels[out.offset(x, y)]);
    }
  }
  return out;
}

// The reference, built from the two moves EXIF 2.32 describes orientations with: mirroring left
// to right and transposing (rows become columns). Slow and obvious.
RgbImage mirrored(const RgbImage& in) {
  return moved(in, in.width, in.height, [&](int x, int y) {
    return std::pair{in.width - 1 - x, y};
  });
}
RgbImage transposed(const RgbImage& in) {
  return moved(in, in.height, in.width, [](int x, int y) { return std::pair{y, x}; });
}
RgbImage turned_half(const RgbImage& in) { return mirrored(transposed(mirrored(transposed(in)))); }

RgbImage reference(const RgbImage& stored, int orientation) {
  switch (orientation) {
    case 2:
      return mirrored(stored);
    case 3:
      return turned_half(stored);
    case 4:
      return turned_half(mirrored(stored));  // top to bottom
    case 5:
      return transposed(stored);
    case 6:
      return mirrored(transposed(stored));  // a quarter turn clockwise
    case 7:
      return turned_half(transposed(stored));
    case 8:
      return transposed(mirrored(stored));  // a quarter turn anticlockwise
    default:
      return stored;
  }
}

std::string where(const RgbImage& image, int x, int y) {
  const std::size_t at = image.offset(x, y);
  return std::to_string(image.pixels[at]) + "," + std::to_string(image.pixels[at + 1]);
}

TEST(ExifOrientationTest, EveryOrientationMovesEveryPixelAsExifSays) {
  // Wider than one 64 px block and not a multiple of it: the blocks' edges are crossed.
  for (const auto& [width, height] : {std::pair{7, 5}, std::pair{150, 97}}) {
    const RgbImage stored = coordinates(width, height);
    for (int orientation = 1; orientation <= 8; ++orientation) {
      SCOPED_TRACE(std::to_string(width) + "x" + std::to_string(height) + ", orientation " +
                   std::to_string(orientation));
      const RgbImage expected = reference(stored, orientation);
      const RgbImage upright = apply_exif_orientation(stored, orientation);
      ASSERT_EQ(upright.width, orientation >= 5 ? height : width);
      ASSERT_EQ(upright.height, orientation >= 5 ? width : height);
      ASSERT_EQ(upright.pixels.size(), upright.byte_size());
      EXPECT_EQ(upright.pixels, expected.pixels) << "top-left comes from " << where(upright, 0, 0)
                                                 << ", expected " << where(expected, 0, 0);
    }
  }
}

TEST(ExifOrientationTest, The6OfAPortraitPhonePhotoPutsItsStoredTopLeftAtTheTopRight) {
  const RgbImage upright = apply_exif_orientation(coordinates(4, 3), 6);
  EXPECT_EQ(upright.width, 3);
  EXPECT_EQ(upright.height, 4);
  EXPECT_EQ(where(upright, 2, 0), "0,0");
  EXPECT_EQ(where(upright, 0, 0), "0,2");
}

TEST(ExifOrientationTest, ValuesOutsideOneToEightLeaveThePixelsAsStored) {
  const RgbImage stored = coordinates(6, 4);
  for (const int orientation : {0, -3, 9, 255}) {
    const RgbImage same = apply_exif_orientation(stored, orientation);
    EXPECT_EQ(same.width, 6);
    EXPECT_EQ(same.pixels, stored.pixels) << orientation;
  }
  EXPECT_TRUE(apply_exif_orientation(RgbImage{}, 6).empty());
}

}  // namespace
}  // namespace findme::image
