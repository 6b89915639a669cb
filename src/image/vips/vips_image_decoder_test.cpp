#include "image/vips/vips_image_decoder.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <thread>

#include <gtest/gtest.h>

#include "image/vips/test_images.h"

namespace findme::image::vips {
namespace {

using testing::as_bytes;
using testing::encode;
using testing::image_from;
using testing::jpeg_with_orientation;
using testing::kMark;
using testing::marked_rgb;
using testing::noise_rgb;
using testing::read_file;

constexpr const char* kSample1 = FINDME_FACE_API_DIR "/demo/sample1.jpg";      // 1920x1280
constexpr const char* kWebpNamedJpg = FINDME_TESTDATA_DIR "/faces/img47.jpg";  // 1350x1800

std::array<int, 3> pixel(const RgbImage& image, int x, int y) {
  const std::size_t at = (static_cast<std::size_t>(y) * static_cast<std::size_t>(image.width) +
                          static_cast<std::size_t>(x)) *
                         3;
  return {image.pixels[at], image.pixels[at + 1], image.pixels[at + 2]};
}

bool is_red(std::array<int, 3> p) { return p[0] > 200 && p[1] < 60 && p[2] < 60; }
bool is_white(std::array<int, 3> p) { return p[0] > 230 && p[1] > 230 && p[2] > 230; }

class VipsImageDecoderTest : public ::testing::Test {
 protected:
  Result<DecodedImage> decode(const std::string& bytes, DecodeOptions options = {}) {
    return decoder_.decode(as_bytes(bytes), options);
  }

  VipsImageDecoder decoder_;
};

TEST_F(VipsImageDecoderTest, DecodesEachFormatAtItsSize) {
  const ImagePtr source = noise_rgb(64, 48);
  struct Case {
    const char* suffix;
    ImageFormat format;
  };
  std::vector<Case> cases = {
      {".jpg", ImageFormat::jpeg}, {".png", ImageFormat::png}, {".webp", ImageFormat::webp}};
  if (heif_loader_available()) {
    cases.push_back({".heic", ImageFormat::heif});
    cases.push_back({".avif", ImageFormat::heif});
  }
  for (const Case& c : cases) {
    SCOPED_TRACE(c.suffix);
    const std::string bytes = encode(source.get(), c.suffix);
    ASSERT_FALSE(bytes.empty()) << "this libvips cannot write " << c.suffix;

    Result<ImageInfo> info = decoder_.probe(as_bytes(bytes), {});
    Result<DecodedImage> decoded = decode(bytes);

    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(info->format, c.format);
    EXPECT_EQ(info->width, 64);
    EXPECT_EQ(info->height, 48);
    ASSERT_TRUE(decoded) << decoded.error().message;
    EXPECT_EQ(decoded->image.width, 64);
    EXPECT_EQ(decoded->image.height, 48);
    EXPECT_EQ(decoded->image.pixels.size(), decoded->image.byte_size());
    EXPECT_EQ(decoded->original.format, c.format);
  }
}

TEST_F(VipsImageDecoderTest, DecodesRealJpegAtFullSize) {
  const std::string bytes = read_file(kSample1);
  ASSERT_FALSE(bytes.empty()) << kSample1;

  Result<DecodedImage> decoded = decode(bytes);

  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->original.format, ImageFormat::jpeg);
  EXPECT_EQ(decoded->image.width, 1920);
  EXPECT_EQ(decoded->image.height, 1280);
}

TEST_F(VipsImageDecoderTest, TrustsBytesNotTheFileName) {
  const std::string bytes = read_file(kWebpNamedJpg);
  ASSERT_FALSE(bytes.empty()) << kWebpNamedJpg;

  Result<DecodedImage> decoded = decode(bytes);

  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->original.format, ImageFormat::webp);
  EXPECT_EQ(decoded->image.width, 1350);
  EXPECT_EQ(decoded->image.height, 1800);
}

// Where the stored top-left corner ends up once orientation `o` is applied (EXIF 2.32, 4.6.4).
enum class Corner { top_left, top_right, bottom_right, bottom_left };
constexpr std::array<Corner, 9> kCornerAfter = {
    Corner::top_left,     Corner::top_left,     Corner::top_right,
    Corner::bottom_right, Corner::bottom_left,  Corner::top_left,
    Corner::top_right,    Corner::bottom_right, Corner::bottom_left};

std::array<int, 3> corner_pixel(const RgbImage& image, Corner corner) {
  const int near = kMark / 2;
  const bool right = corner == Corner::top_right || corner == Corner::bottom_right;
  const bool bottom = corner == Corner::bottom_left || corner == Corner::bottom_right;
  return pixel(image, right ? image.width - 1 - near : near,
               bottom ? image.height - 1 - near : near);
}

// decode() turns the decoded pixels upright itself (image::apply_exif_orientation), not with
// libvips' autorot: both give exactly the same pixels for every orientation, blocks crossed.
TEST_F(VipsImageDecoderTest, OrientationIsAppliedExactlyAsLibvipsAutorotDoes) {
  const ImagePtr stored = noise_rgb(150, 97);
  for (int orientation = 1; orientation <= 8; ++orientation) {
    SCOPED_TRACE("orientation " + std::to_string(orientation));
    std::string bytes = jpeg_with_orientation(stored.get(), orientation);
    VipsImage* loaded = nullptr;
    ASSERT_EQ(vips_jpegload_buffer(bytes.data(), bytes.size(), &loaded, nullptr), 0);
    const ImagePtr file(loaded);
    VipsImage* turned = nullptr;
    ASSERT_EQ(vips_autorot(file.get(), &turned, nullptr), 0);
    const ImagePtr reference(turned);
    std::size_t size = 0;
    const GBuffer expected(vips_image_write_to_memory(reference.get(), &size));
    ASSERT_TRUE(expected);

    Result<DecodedImage> decoded = decode(bytes);

    ASSERT_TRUE(decoded) << decoded.error().message;
    EXPECT_EQ(decoded->image.width, vips_image_get_width(reference.get()));
    EXPECT_EQ(decoded->image.height, vips_image_get_height(reference.get()));
    ASSERT_EQ(decoded->image.pixels.size(), size);
    EXPECT_EQ(std::memcmp(decoded->image.pixels.data(), expected.get(), size), 0);
  }
}

TEST_F(VipsImageDecoderTest, AppliesEveryExifOrientation) {
  const ImagePtr stored = marked_rgb(64, 32);
  for (int orientation = 1; orientation <= 8; ++orientation) {
    SCOPED_TRACE("orientation " + std::to_string(orientation));
    const std::string bytes = jpeg_with_orientation(stored.get(), orientation);
    const bool swapped = orientation >= 5;

    Result<ImageInfo> info = decoder_.probe(as_bytes(bytes), {});
    Result<DecodedImage> decoded = decode(bytes);

    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(info->width, swapped ? 32 : 64);
    EXPECT_EQ(info->height, swapped ? 64 : 32);
    ASSERT_TRUE(decoded) << decoded.error().message;
    EXPECT_EQ(decoded->image.width, info->width);
    EXPECT_EQ(decoded->image.height, info->height);
    const auto marked = kCornerAfter[static_cast<std::size_t>(orientation)];
    for (Corner corner :
         {Corner::top_left, Corner::top_right, Corner::bottom_right, Corner::bottom_left}) {
      const std::array<int, 3> p = corner_pixel(decoded->image, corner);
      EXPECT_TRUE(corner == marked ? is_red(p) : is_white(p))
          << "corner " << static_cast<int>(corner) << ": " << p[0] << "," << p[1] << "," << p[2];
    }
  }
}

TEST_F(VipsImageDecoderTest, ShrinksOnLoadToTheLongSide) {
  const std::string bytes = read_file(kSample1);
  for (int long_side : {960, 1280, 400}) {
    SCOPED_TRACE(long_side);
    Result<DecodedImage> decoded = decode(bytes, {.max_long_side = long_side});

    ASSERT_TRUE(decoded) << decoded.error().message;
    EXPECT_EQ(decoded->image.width, long_side);
    EXPECT_NEAR(decoded->image.height, long_side * 1280.0 / 1920.0, 1.0);
    EXPECT_EQ(decoded->original.width, 1920);
    EXPECT_EQ(decoded->original.height, 1280);
  }
}

TEST_F(VipsImageDecoderTest, NeverEnlarges) {
  Result<DecodedImage> decoded = decode(read_file(kSample1), {.max_long_side = 4000});

  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->image.width, 1920);
  EXPECT_EQ(decoded->image.height, 1280);
}

TEST_F(VipsImageDecoderTest, ShrinksRotatedAndPngImagesByTheirUprightLongSide) {
  const ImagePtr stored = marked_rgb(256, 128);
  const std::string rotated = jpeg_with_orientation(stored.get(), 6);
  const std::string png = encode(stored.get(), ".png");

  Result<DecodedImage> from_rotated = decode(rotated, {.max_long_side = 64});
  Result<DecodedImage> from_png = decode(png, {.max_long_side = 64});

  ASSERT_TRUE(from_rotated) << from_rotated.error().message;
  EXPECT_EQ(from_rotated->image.width, 32);
  EXPECT_EQ(from_rotated->image.height, 64);
  ASSERT_TRUE(from_png) << from_png.error().message;
  EXPECT_EQ(from_png->image.width, 64);
  EXPECT_EQ(from_png->image.height, 32);
}

TEST_F(VipsImageDecoderTest, GreyBecomesRgb) {
  const std::vector<std::uint8_t> grey(std::size_t{32} * 16, 100);
  const ImagePtr image = image_from(grey, 32, 16, 1, VIPS_FORMAT_UCHAR, VIPS_INTERPRETATION_B_W);

  Result<DecodedImage> decoded = decode(encode(image.get(), ".png"));

  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->image.pixels.size(), 32u * 16u * 3u);
  EXPECT_EQ(pixel(decoded->image, 5, 5), (std::array<int, 3>{100, 100, 100}));
}

TEST_F(VipsImageDecoderTest, SixteenBitBecomesEightBit) {
  const std::vector<std::uint16_t> rgb16(std::size_t{32} * 16 * 3, 0x8080);
  const ImagePtr image =
      image_from(rgb16, 32, 16, 3, VIPS_FORMAT_USHORT, VIPS_INTERPRETATION_RGB16);
  const std::string bytes = encode(image.get(), ".png[bitdepth=16]");

  Result<DecodedImage> decoded = decode(bytes);

  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->image.pixels.size(), 32u * 16u * 3u);
  EXPECT_EQ(pixel(decoded->image, 3, 3), (std::array<int, 3>{0x80, 0x80, 0x80}));
}

TEST_F(VipsImageDecoderTest, AlphaIsFlattenedOnWhite) {
  std::vector<std::uint8_t> rgba(std::size_t{32} * 16 * 4, 0);  // transparent black ...
  for (std::size_t i = 0; i < std::size_t{16} * 4; i += 4) {
    rgba[i] = 255;  // ... except an opaque red first row half
    rgba[i + 3] = 255;
  }
  const ImagePtr image = image_from(rgba, 32, 16, 4, VIPS_FORMAT_UCHAR, VIPS_INTERPRETATION_sRGB);

  Result<DecodedImage> decoded = decode(encode(image.get(), ".png"));

  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->image.pixels.size(), 32u * 16u * 3u);
  EXPECT_EQ(pixel(decoded->image, 0, 0), (std::array<int, 3>{255, 0, 0}));
  EXPECT_EQ(pixel(decoded->image, 20, 10), (std::array<int, 3>{255, 255, 255}));
}

TEST_F(VipsImageDecoderTest, GreyWithAlphaAndCmykBecomeRgb) {
  const std::vector<std::uint8_t> grey_alpha(std::size_t{32} * 16 * 2, 0);
  const ImagePtr ga = image_from(grey_alpha, 32, 16, 2, VIPS_FORMAT_UCHAR, VIPS_INTERPRETATION_B_W);
  const std::vector<std::uint8_t> cmyk(std::size_t{32} * 16 * 4, 0);  // no ink: white paper
  const ImagePtr paper = image_from(cmyk, 32, 16, 4, VIPS_FORMAT_UCHAR, VIPS_INTERPRETATION_CMYK);

  Result<DecodedImage> from_ga = decode(encode(ga.get(), ".png"));
  Result<DecodedImage> from_cmyk = decode(encode(paper.get(), ".jpg"));

  ASSERT_TRUE(from_ga) << from_ga.error().message;
  EXPECT_EQ(pixel(from_ga->image, 1, 1), (std::array<int, 3>{255, 255, 255}));
  ASSERT_TRUE(from_cmyk) << from_cmyk.error().message;
  EXPECT_EQ(from_cmyk->image.pixels.size(), 32u * 16u * 3u);
  EXPECT_TRUE(is_white(pixel(from_cmyk->image, 1, 1)));
}

TEST_F(VipsImageDecoderTest, ThumbnailIsAnUprightJpegWithoutMetadata) {
  const std::string photo = read_file(kSample1);
  ASSERT_NE(photo.find("Exif"), std::string::npos) << "sample1.jpg should carry EXIF";
  const std::string rotated = jpeg_with_orientation(marked_rgb(256, 128).get(), 8);

  Result<std::string> thumb = decoder_.thumbnail_jpeg(as_bytes(photo), 400, {});
  Result<std::string> upright = decoder_.thumbnail_jpeg(as_bytes(rotated), 100, {});

  ASSERT_TRUE(thumb) << thumb.error().message;
  EXPECT_EQ(thumb->find("Exif"), std::string::npos);
  Result<ImageInfo> info = decoder_.probe(as_bytes(*thumb), {});
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->format, ImageFormat::jpeg);
  EXPECT_EQ(info->width, 400);
  EXPECT_NEAR(info->height, 267, 1);
  ASSERT_TRUE(upright) << upright.error().message;
  Result<DecodedImage> decoded = decode(*upright);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->image.width, 50);
  EXPECT_EQ(decoded->image.height, 100);
  EXPECT_TRUE(is_red(pixel(decoded->image, 2, decoded->image.height - 3)));  // orientation 8
}

TEST_F(VipsImageDecoderTest, CropIsTheRegionOnlyAndNeverEnlarged) {
  const std::string photo = encode(marked_rgb(256, 128).get(), ".jpg[Q=95]");
  Result<std::string> crop = decoder_.crop_jpeg(as_bytes(photo), {0, 0, 32, 24}, 160, {});
  ASSERT_TRUE(crop) << crop.error().message;
  Result<DecodedImage> decoded = decode(*crop);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->image.width, 32);
  EXPECT_EQ(decoded->image.height, 24);
  EXPECT_TRUE(is_red(pixel(decoded->image, 2, 2)));
  EXPECT_TRUE(is_white(pixel(decoded->image, 30, 22)));
}

TEST_F(VipsImageDecoderTest, CropOfALargePhotoIsScaledToTheLongSide) {
  const std::string photo = encode(marked_rgb(2400, 1600).get(), ".jpg[Q=95]");
  Result<std::string> crop = decoder_.crop_jpeg(as_bytes(photo), {0, 0, 400, 200}, 100, {});
  ASSERT_TRUE(crop) << crop.error().message;
  Result<DecodedImage> decoded = decode(*crop);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->image.width, 100);
  EXPECT_NEAR(decoded->image.height, 50, 1);
  EXPECT_TRUE(is_red(pixel(decoded->image, 1, 1)));  // the 16 px mark is 4 px here
  EXPECT_TRUE(is_white(pixel(decoded->image, 60, 30)));
}

TEST_F(VipsImageDecoderTest, CropRegionIsInUprightPixelsAndClampedToTheImage) {
  // Orientation 8 puts the stored top-left mark at the upright bottom-left (128 x 256).
  const std::string rotated = jpeg_with_orientation(marked_rgb(256, 128).get(), 8);
  Result<std::string> crop =
      decoder_.crop_jpeg(as_bytes(rotated), {-10, 256 - 20, 30, 40}, 160, {});
  ASSERT_TRUE(crop) << crop.error().message;
  Result<DecodedImage> decoded = decode(*crop);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->image.width, 20);
  EXPECT_EQ(decoded->image.height, 20);
  EXPECT_TRUE(is_red(pixel(decoded->image, 2, 17)));
}

TEST_F(VipsImageDecoderTest, CropOutsideTheImageOrOfNothingIsRefused) {
  const std::string photo = encode(marked_rgb(64, 64).get(), ".jpg[Q=95]");
  Result<std::string> outside = decoder_.crop_jpeg(as_bytes(photo), {64, 0, 10, 10}, 160, {});
  ASSERT_FALSE(outside);
  EXPECT_EQ(outside.error().code, Errc::invalid_request);
  Result<std::string> empty = decoder_.crop_jpeg(as_bytes(photo), {0, 0, 0, 10}, 160, {});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, Errc::invalid_request);
  Result<std::string> no_size = decoder_.crop_jpeg(as_bytes(photo), {0, 0, 10, 10}, 0, {});
  ASSERT_FALSE(no_size);
  EXPECT_EQ(no_size.error().code, Errc::invalid_request);
  Result<std::string> not_image = decoder_.crop_jpeg(as_bytes("nope"), {0, 0, 10, 10}, 160, {});
  ASSERT_FALSE(not_image);
  EXPECT_EQ(not_image.error().code, Errc::unsupported_media_type);
  Result<std::string> truncated =
      decoder_.crop_jpeg(as_bytes(photo.substr(0, photo.size() / 2)), {0, 0, 10, 10}, 160, {});
  ASSERT_FALSE(truncated);
  EXPECT_EQ(truncated.error().code, Errc::invalid_image);
}

TEST_F(VipsImageDecoderTest, ConcurrentDecodesGiveIdenticalPixels) {
  const std::string bytes = read_file(kSample1);
  Result<DecodedImage> reference = decode(bytes, {.max_long_side = 960});
  ASSERT_TRUE(reference) << reference.error().message;

  constexpr int kThreads = 4;
  constexpr int kRounds = 3;
  std::array<int, kThreads> matches{};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        Result<DecodedImage> decoded = decoder_.decode(as_bytes(bytes), {.max_long_side = 960});
        const bool same = decoded && decoded->image.pixels == reference->image.pixels;
        matches[static_cast<std::size_t>(t)] += same ? 1 : 0;
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }

  for (int count : matches) {
    EXPECT_EQ(count, kRounds);
  }
}

}  // namespace
}  // namespace findme::image::vips

// LeakSanitizer reads this hook at startup (sanitizer builds only; harmless elsewhere; one
// definition per binary). libx265, which libheif uses to *encode* the HEIC test images, leaks a
// small encoder allocation (x265::x265_malloc, ~1 kB per encoder) that no caller can free.
// Decoding never touches x265, so production binaries need no suppression.
extern "C" const char*
__lsan_default_suppressions() {  // NOLINT(bugprone-reserved-identifier,readability-identifier-naming)
  return "leak:libx265.so\n";
}
