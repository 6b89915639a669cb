// Hostile and broken uploads against VipsImageDecoder: truncation, junk, other formats, bombs.
#include <random>

#include <gtest/gtest.h>

#include "image/vips/test_images.h"
#include "image/vips/vips_image_decoder.h"

namespace findme::image::vips {
namespace {

using testing::as_bytes;
using testing::encode;
using testing::noise_rgb;
using testing::read_file;

constexpr const char* kGroupPhoto = FINDME_FACE_API_DIR "/demo/sample1.jpg";  // 1920x1280

bool is_rejection(Errc code) {
  return code == Errc::invalid_image || code == Errc::unsupported_media_type;
}

// Standard CRC-32 (ISO 3309) as PNG chunks use it.
std::uint32_t crc32(std::string_view data) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (char c : data) {
    crc ^= static_cast<std::uint8_t>(c);
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
  }
  return ~crc;
}

void put_be(std::string& bytes, std::size_t at, std::uint32_t value, int width) {
  for (int i = 0; i < width; ++i) {
    const int shift = 8 * (width - 1 - i);
    bytes[at + static_cast<std::size_t>(i)] = static_cast<char>((value >> shift) & 0xFF);
  }
}

// A valid small PNG whose IHDR (with a correct CRC) declares width x height.
std::string png_declaring(std::uint32_t width, std::uint32_t height) {
  std::string png = encode(noise_rgb(16, 16).get(), ".png");
  put_be(png, 16, width, 4);  // IHDR data starts after signature (8) + length (4) + type (4)
  put_be(png, 20, height, 4);
  put_be(png, 29, crc32(std::string_view(png).substr(12, 17)), 4);  // type + 13 data bytes
  return png;
}

// A valid small JPEG whose start-of-frame segment declares width x height.
std::string jpeg_declaring(std::uint32_t width, std::uint32_t height) {
  std::string jpeg = encode(noise_rgb(16, 16).get(), ".jpg");
  std::size_t at = 2;  // walk the segments after SOI
  while (at + 9 < jpeg.size() && static_cast<std::uint8_t>(jpeg[at]) == 0xFF) {
    const auto marker = static_cast<std::uint8_t>(jpeg[at + 1]);
    if (marker >= 0xC0 && marker <= 0xC2) {
      put_be(jpeg, at + 5, height, 2);
      put_be(jpeg, at + 7, width, 2);
      return jpeg;
    }
    const auto length = static_cast<std::size_t>(static_cast<std::uint8_t>(jpeg[at + 2]) << 8 |
                                                 static_cast<std::uint8_t>(jpeg[at + 3]));
    at += 2 + length;
  }
  return {};
}

class VipsUntrustedInputTest : public ::testing::Test {
 protected:
  // Every entry point must refuse `bytes` with `code`; returns decode's message.
  std::string expect_refused(const std::string& bytes, Errc code, DecodeOptions options = {}) {
    Result<ImageInfo> info = decoder_.probe(as_bytes(bytes), options);
    Result<DecodedImage> decoded = decoder_.decode(as_bytes(bytes), options);
    Result<std::string> thumb = decoder_.thumbnail_jpeg(as_bytes(bytes), 64, options);
    EXPECT_FALSE(info);
    EXPECT_FALSE(thumb);
    EXPECT_FALSE(decoded);
    if (info || decoded || thumb) {
      return {};
    }
    EXPECT_EQ(info.error().code, code) << info.error().message;
    EXPECT_EQ(decoded.error().code, code) << decoded.error().message;
    EXPECT_EQ(thumb.error().code, code) << thumb.error().message;
    return decoded.error().message;
  }

  VipsImageDecoder decoder_;
};

TEST_F(VipsUntrustedInputTest, TruncatedFilesAreRefusedAtEveryCut) {
  const ImagePtr source = noise_rgb(96, 64);
  std::vector<std::string> suffixes = {".jpg", ".png", ".webp"};
  if (heif_loader_available()) {
    suffixes.insert(suffixes.end(), {".heic", ".avif"});
  }
  for (const std::string& suffix : suffixes) {
    const std::string whole = encode(source.get(), suffix.c_str());
    ASSERT_FALSE(whole.empty()) << suffix;
    std::vector<std::size_t> cuts = {1, 2, 10};
    for (std::size_t k = 1; k < 16; ++k) {
      cuts.push_back(whole.size() * k / 16);
    }
    for (std::size_t cut : cuts) {
      SCOPED_TRACE(suffix + " cut at " + std::to_string(cut) + " of " +
                   std::to_string(whole.size()));
      const std::string part = whole.substr(0, cut);
      Result<ImageInfo> info = decoder_.probe(as_bytes(part), {});
      Result<DecodedImage> decoded = decoder_.decode(as_bytes(part), {});

      ASSERT_FALSE(decoded);
      EXPECT_TRUE(is_rejection(decoded.error().code)) << decoded.error().message;
      if (!info) {
        EXPECT_TRUE(is_rejection(info.error().code)) << info.error().message;
      }
    }
  }
}

TEST_F(VipsUntrustedInputTest, TruncatedJpegSaysWhatToDo) {
  const std::string whole = encode(noise_rgb(96, 64).get(), ".jpg");

  const std::string half = whole.substr(0, whole.size() / 2);

  Result<ImageInfo> info = decoder_.probe(as_bytes(half), {});  // the header is intact
  Result<DecodedImage> decoded = decoder_.decode(as_bytes(half), {});
  Result<std::string> thumb = decoder_.thumbnail_jpeg(as_bytes(half), 32, {});

  EXPECT_TRUE(info);
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().code, Errc::invalid_image);
  EXPECT_EQ(decoded.error().message,
            "the image is truncated or corrupt; upload the original file again");
  ASSERT_FALSE(thumb);
  EXPECT_EQ(thumb.error().code, Errc::invalid_image);
}

TEST_F(VipsUntrustedInputTest, EmptyAndOneByteAreNotImages) {
  EXPECT_EQ(expect_refused("", Errc::unsupported_media_type),
            "the file is empty; upload a JPEG, PNG, WebP or HEIC image");
  expect_refused("\xFF", Errc::unsupported_media_type);
}

TEST_F(VipsUntrustedInputTest, RandomBytesAreNotImages) {
  std::mt19937 random(42);
  std::string junk(4096, '\0');
  for (char& c : junk) {
    c = static_cast<char>(random() & 0xFF);
  }
  junk[0] = 'x';  // a fixed first byte keeps the seed from ever forming a signature

  const std::string message = expect_refused(junk, Errc::unsupported_media_type);

  EXPECT_NE(message.find("not a JPEG, PNG, WebP or HEIC image"), std::string::npos) << message;
}

TEST_F(VipsUntrustedInputTest, RandomBytesBehindAnImageSignatureAreCorrupt) {
  std::mt19937 random(43);
  for (std::string junk : {std::string("\xFF\xD8\xFF\xE0"), std::string("\x89PNG\r\n\x1A\n"),
                           std::string("RIFF\x00\x10\x00\x00WEBPVP8 ", 16)}) {
    const std::size_t signature = junk.size();
    junk.resize(4096);
    for (std::size_t i = signature; i < junk.size(); ++i) {
      junk[i] = static_cast<char>(random() & 0xFF);
    }
    expect_refused(junk, Errc::invalid_image);
  }
}

TEST_F(VipsUntrustedInputTest, TextPdfAndSvgAreNotImages) {
  expect_refused("hello, this is not a photo\n", Errc::unsupported_media_type);
  expect_refused("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n",
                 Errc::unsupported_media_type);
  expect_refused(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">"
      "<rect width=\"10\" height=\"10\"/></svg>",
      Errc::unsupported_media_type);
}

TEST_F(VipsUntrustedInputTest, OtherImageFormatsAreUnsupported) {
  const ImagePtr source = noise_rgb(32, 32);
  for (const char* suffix : {".gif", ".tif", ".jp2", ".ppm"}) {
    SCOPED_TRACE(suffix);
    const std::string bytes = encode(source.get(), suffix);
    ASSERT_FALSE(bytes.empty());
    expect_refused(bytes, Errc::unsupported_media_type);
  }
}

TEST_F(VipsUntrustedInputTest, PngBombIsRefusedFromItsHeader) {
  const std::string bomb = png_declaring(30000, 30000);

  const std::string message = expect_refused(bomb, Errc::invalid_image);

  EXPECT_EQ(message,
            "the image is 30000x30000 pixels; the limit is 50000000; upload a smaller image");
}

TEST_F(VipsUntrustedInputTest, JpegBombIsRefusedFromItsHeader) {
  const std::string bomb = jpeg_declaring(30000, 30000);
  ASSERT_FALSE(bomb.empty());

  const std::string message = expect_refused(bomb, Errc::invalid_image);

  EXPECT_NE(message.find("30000x30000 pixels; the limit is 50000000"), std::string::npos)
      << message;
}

TEST_F(VipsUntrustedInputTest, PixelLimitIsConfigurable) {
  const std::string photo = read_file(kGroupPhoto);

  const std::string message = expect_refused(photo, Errc::invalid_image, {.max_pixels = 2'000'000});
  Result<ImageInfo> at_limit =
      decoder_.probe(as_bytes(photo), {.max_pixels = std::int64_t{1920} * 1280});

  EXPECT_NE(message.find("1920x1280 pixels; the limit is 2000000"), std::string::npos) << message;
  EXPECT_TRUE(at_limit) << at_limit.error().message;
}

TEST_F(VipsUntrustedInputTest, BadOptionsAreInvalidRequests) {
  const std::string photo = encode(noise_rgb(16, 16).get(), ".png");

  expect_refused(photo, Errc::invalid_request, {.max_pixels = 0});
  expect_refused(photo, Errc::invalid_request, {.max_long_side = -1});
  Result<std::string> thumb = decoder_.thumbnail_jpeg(as_bytes(photo), 0, {});
  ASSERT_FALSE(thumb);
  EXPECT_EQ(thumb.error().code, Errc::invalid_request);
}

TEST_F(VipsUntrustedInputTest, OtherLoadersAreBlockedProcessWide) {
  // Even a caller that bypasses sniffing cannot reach loaders outside the four allowed ones.
  const std::string gif = encode(noise_rgb(8, 8).get(), ".gif");
  VipsImage* out = nullptr;
  const int status =
      vips_gifload_buffer(const_cast<char*>(gif.data()), gif.size(), &out, nullptr);  // NOLINT
  const ImagePtr owned(out);
  vips_error_clear();

  EXPECT_NE(status, 0);
}

}  // namespace
}  // namespace findme::image::vips
