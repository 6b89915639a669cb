// VipsImageDecoder's sizes for face work (issue #14): decode at the loader's cheapest shrink
// (DecodeOptions::min_long_side) and thumbnails encoded from already decoded pixels, which must
// match what thumbnail_jpeg() makes from the file, EXIF-rotated photos included.
#include <algorithm>
#include <array>
#include <string>

#include <gtest/gtest.h>

#include "image/vips/test_images.h"
#include "image/vips/vips_image_decoder.h"

namespace findme::image::vips {
namespace {

using testing::as_bytes;
using testing::encode;
using testing::jpeg_with_orientation;
using testing::marked_rgb;
using testing::noise_rgb;
using testing::read_file;

constexpr const char* kSample1Photo = FINDME_FACE_API_DIR "/demo/sample1.jpg";  // 1920x1280

// The stored top-left 16 px mark, wherever the orientation put it: which corner of `image` is red.
int red_corner(const RgbImage& image) {
  const std::array<std::array<int, 2>, 4> corners{
      {{2, 2}, {image.width - 3, 2}, {image.width - 3, image.height - 3}, {2, image.height - 3}}};
  for (std::size_t i = 0; i < corners.size(); ++i) {
    const std::size_t at = image.offset(corners[i][0], corners[i][1]);
    if (image.pixels[at] > 200 && image.pixels[at + 1] < 60 && image.pixels[at + 2] < 60) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

class VipsFaceSizesTest : public ::testing::Test {
 protected:
  Result<DecodedImage> decode(const std::string& bytes, DecodeOptions options = {}) {
    return decoder_.decode(as_bytes(bytes), options);
  }

  VipsImageDecoder decoder_;
};

TEST_F(VipsFaceSizesTest, MinLongSideTakesTheCheapestJpegShrinkThatKeepsIt) {
  const std::string bytes = read_file(kSample1Photo);
  struct Case {
    int min_long_side;
    int width;  // 1920 / the largest power of two (at most 8) that stays >= min_long_side
  };
  for (const Case c : {Case{320, 480}, Case{240, 240}, Case{100, 240}, Case{500, 960},
                       Case{960, 960}, Case{1000, 1920}, Case{4000, 1920}}) {
    SCOPED_TRACE(c.min_long_side);
    Result<DecodedImage> decoded = decode(bytes, {.min_long_side = c.min_long_side});

    ASSERT_TRUE(decoded) << decoded.error().message;
    EXPECT_EQ(decoded->image.width, c.width);
    EXPECT_EQ(decoded->image.height, c.width * 1280 / 1920);
    EXPECT_EQ(decoded->original.width, 1920);
  }
}

TEST_F(VipsFaceSizesTest, MinLongSideOfARotatedJpegCountsItsUprightLongSideAndPngStaysFull) {
  const ImagePtr stored = marked_rgb(256, 128);
  const std::string rotated = jpeg_with_orientation(stored.get(), 6);
  const std::string png = encode(stored.get(), ".png");

  Result<DecodedImage> from_rotated = decode(rotated, {.min_long_side = 64});
  Result<DecodedImage> from_png = decode(png, {.min_long_side = 64});

  ASSERT_TRUE(from_rotated) << from_rotated.error().message;
  EXPECT_EQ(from_rotated->image.width, 32);  // 1/4 of the upright 128 x 256
  EXPECT_EQ(from_rotated->image.height, 64);
  ASSERT_TRUE(from_png) << from_png.error().message;
  EXPECT_EQ(from_png->image.width, 256);  // no shrink-on-load for PNG, and no resampling
  EXPECT_EQ(from_png->image.height, 128);
}

TEST_F(VipsFaceSizesTest, MinAndMaxLongSideTogetherOrNegativeAreRefused) {
  const std::string bytes = encode(noise_rgb(64, 48).get(), ".jpg");

  Result<DecodedImage> both = decode(bytes, {.max_long_side = 32, .min_long_side = 16});
  Result<DecodedImage> negative = decode(bytes, {.min_long_side = -1});

  ASSERT_FALSE(both);
  EXPECT_EQ(both.error().code, Errc::invalid_request);
  ASSERT_FALSE(negative);
  EXPECT_EQ(negative.error().code, Errc::invalid_request);
}

// What index_photo does now: the thumbnail from the pixels decoded for the faces (full size, or
// shrunk to detect_long_side) equals the file's thumbnail in size and orientation.
TEST_F(VipsFaceSizesTest, ThumbnailFromDecodedPixelsMatchesTheFilesThumbnail) {
  const ImagePtr stored = marked_rgb(200, 120);  // the 16 px mark stays >= 5 px
  for (int orientation = 1; orientation <= 8; ++orientation) {
    SCOPED_TRACE("orientation " + std::to_string(orientation));
    const std::string bytes = jpeg_with_orientation(stored.get(), orientation);
    for (const int detect_long_side : {0, 150}) {
      SCOPED_TRACE(detect_long_side);
      Result<DecodedImage> decoded = decode(bytes, {.max_long_side = detect_long_side});
      ASSERT_TRUE(decoded) << decoded.error().message;

      Result<std::string> from_pixels = decoder_.encode_thumbnail_jpeg(decoded->image, 64);
      Result<std::string> from_file = decoder_.thumbnail_jpeg(as_bytes(bytes), 64, {});

      ASSERT_TRUE(from_pixels) << from_pixels.error().message;
      ASSERT_TRUE(from_file) << from_file.error().message;
      EXPECT_EQ(from_pixels->find("Exif"), std::string::npos);
      Result<DecodedImage> a = decode(*from_pixels);
      Result<DecodedImage> b = decode(*from_file);
      ASSERT_TRUE(a && b);
      EXPECT_EQ(a->image.width, b->image.width);
      EXPECT_EQ(a->image.height, b->image.height);
      EXPECT_EQ(std::max(a->image.width, a->image.height), 64);
      EXPECT_NE(red_corner(a->image), -1);
      EXPECT_EQ(red_corner(a->image), red_corner(b->image));
    }
  }
}

TEST_F(VipsFaceSizesTest, ThumbnailFromPixelsOfARealPhotoHasTheFilesSize) {
  const std::string bytes = read_file(kSample1Photo);
  Result<DecodedImage> decoded = decode(bytes, {.max_long_side = 1920});
  ASSERT_TRUE(decoded) << decoded.error().message;

  Result<std::string> from_pixels = decoder_.encode_thumbnail_jpeg(decoded->image, 400);
  Result<std::string> from_file = decoder_.thumbnail_jpeg(as_bytes(bytes), 400, {});

  ASSERT_TRUE(from_pixels && from_file);
  Result<ImageInfo> a = decoder_.probe(as_bytes(*from_pixels), {});
  Result<ImageInfo> b = decoder_.probe(as_bytes(*from_file), {});
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->format, ImageFormat::jpeg);
  EXPECT_EQ(a->width, b->width);
  EXPECT_EQ(a->height, b->height);
}

TEST_F(VipsFaceSizesTest, ThumbnailFromPixelsNeverEnlargesAndRefusesNothing) {
  const RgbImage small{40, 20, std::vector<std::uint8_t>(std::size_t{2400}, 128)};  // 40 x 20 x 3

  Result<std::string> kept = decoder_.encode_thumbnail_jpeg(small, 400);
  Result<std::string> empty = decoder_.encode_thumbnail_jpeg(RgbImage{}, 400);
  Result<std::string> zero = decoder_.encode_thumbnail_jpeg(small, 0);
  Result<std::string> short_pixels =
      decoder_.encode_thumbnail_jpeg(RgbImage{40, 20, std::vector<std::uint8_t>(10)}, 400);

  ASSERT_TRUE(kept) << kept.error().message;
  Result<ImageInfo> info = decoder_.probe(as_bytes(*kept), {});
  ASSERT_TRUE(info);
  EXPECT_EQ(info->width, 40);
  EXPECT_EQ(info->height, 20);
  for (const Result<std::string>* refused : {&empty, &zero, &short_pixels}) {
    ASSERT_FALSE(*refused);
    EXPECT_EQ(refused->error().code, Errc::invalid_request);
  }
}

}  // namespace
}  // namespace findme::image::vips
