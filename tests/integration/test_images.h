// Images for the integration tests: the model package's six sample photos, a selfie cut from
// one of them with libvips, a faceless picture, and hostile files (truncated, image bomb).
// Test-only and header-only.
#pragma once

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>

#include <vips/vips.h>

#include "core/testing/sample_photos.h"
#include "image/vips/test_images.h"
#include "image/vips/vips_handles.h"
#include "image/vips/vips_runtime.h"

namespace findme::integration {

namespace vt = image::vips::testing;
using image::vips::ImagePtr;

inline std::string sample_bytes(int n) {
  std::string bytes = vt::read_file(findme::testing::sample_photo_path(n));
  if (bytes.empty()) {
    throw std::runtime_error("cannot read " + findme::testing::sample_photo_path(n));
  }
  return bytes;
}

struct Region {
  int x, y, width, height;
};

// The woman on the right of sample6 (green top, face box x=1437 y=316 225 px at 1920 px): she
// appears in no other sample photo; journey_test.cpp explains why her matches are unambiguous.
// Her face with half a face of margin, the attendee's selfie:
constexpr Region kHerFaceRegion{1324, 203, 452, 452};
// The right part of sample6, where only she appears (the next face ends at x=1387): an event
// photo of her, small so that sanitizer builds index it quickly.
constexpr Region kOnlyHerRegion{1390, 0, 530, 1537};

inline ImagePtr load_jpeg(const std::string& bytes) {
  if (!image::vips::start_vips()) {
    throw std::runtime_error("libvips did not start");
  }
  VipsImage* out = nullptr;
  if (vips_jpegload_buffer(const_cast<char*>(bytes.data()), bytes.size(), &out, nullptr) != 0) {
    vips_error_clear();
    throw std::runtime_error("vips cannot load the JPEG");
  }
  return ImagePtr(out);
}

inline ImagePtr crop(VipsImage* in, Region r) {
  VipsImage* out = nullptr;
  if (vips_crop(in, &out, r.x, r.y, r.width, r.height, nullptr) != 0) {
    vips_error_clear();
    throw std::runtime_error("vips_crop failed");
  }
  return ImagePtr(out);
}

// `region` of the JPEG `photo`, re-encoded as JPEG at `quality`, optionally mirrored: a new file
// (other bytes) showing the same faces.
inline std::string cut_jpeg(const std::string& photo, Region region, int quality, bool mirror) {
  ImagePtr full = load_jpeg(photo);
  ImagePtr part = crop(full.get(), region);
  if (mirror) {
    VipsImage* flipped = nullptr;
    if (vips_flip(part.get(), &flipped, VIPS_DIRECTION_HORIZONTAL, nullptr) != 0) {
      vips_error_clear();
      throw std::runtime_error("vips_flip failed");
    }
    part = ImagePtr(flipped);
  }
  const std::string suffix = ".jpg[Q=" + std::to_string(quality) + "]";
  std::string out = vt::encode(part.get(), suffix.c_str());
  if (out.empty()) {
    throw std::runtime_error("JPEG encoding failed");
  }
  return out;
}

// The JPEG `photo` resized by `scale` (0.5: half the width and height), quality 90: fewer pixels
// to index, which matters in sanitizer builds where detection is ~50x slower.
inline std::string scaled_jpeg(const std::string& photo, double scale) {
  ImagePtr full = load_jpeg(photo);
  VipsImage* out = nullptr;
  if (vips_resize(full.get(), &out, scale, nullptr) != 0) {
    vips_error_clear();
    throw std::runtime_error("vips_resize failed");
  }
  const ImagePtr resized(out);
  std::string bytes = vt::encode(resized.get(), ".jpg[Q=90]");
  if (bytes.empty()) {
    throw std::runtime_error("JPEG encoding failed");
  }
  return bytes;
}

// The same picture as the JPEG `jpeg`, in other bytes: a comment segment carrying `text` right
// after the start-of-image marker. The service stores one photo per content and event, so a test
// that wants several photos of one picture uploads distinct copies.
inline std::string jpeg_copy(const std::string& jpeg, const std::string& text) {
  if (jpeg.size() < 2 || text.size() > 60000) {
    throw std::runtime_error("jpeg_copy: not a JPEG, or a comment too long");
  }
  const std::size_t length = text.size() + 2;
  std::string out = jpeg.substr(0, 2);  // FF D8
  out += '\xFF';
  out += '\xFE';
  out += static_cast<char>(length >> 8);
  out += static_cast<char>(length & 0xFF);
  out += text;
  out += jpeg.substr(2);
  return out;
}

// A picture with no face at all: white with a red corner block, 640x480, JPEG.
inline std::string faceless_jpeg() {
  std::string out = vt::encode(vt::marked_rgb(640, 480).get(), ".jpg[Q=90]");
  if (out.empty()) {
    throw std::runtime_error("JPEG encoding failed");
  }
  return out;
}

inline std::uint32_t crc32(const unsigned char* data, std::size_t size) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < size; ++i) {
    crc ^= data[i];
    for (int k = 0; k < 8; ++k) {
      crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
  }
  return crc ^ 0xFFFFFFFFu;
}

// A small, valid PNG (a few hundred bytes) whose IHDR declares `width` x `height` pixels, with
// correct CRCs: an image bomb. Made from a real 8x8 PNG with its IHDR rewritten.
inline std::string png_bomb(std::uint32_t width, std::uint32_t height) {
  std::string png = vt::encode(vt::noise_rgb(8, 8).get(), ".png");
  // Signature (8) + IHDR length (4) + "IHDR" (4): width and height follow, then 5 bytes, CRC.
  constexpr std::size_t kType = 12;
  if (png.size() < 33 || png.compare(kType, 4, "IHDR") != 0) {
    throw std::runtime_error("unexpected PNG layout");
  }
  auto put32 = [&png](std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) {
      png[at + static_cast<std::size_t>(i)] = static_cast<char>((v >> (24 - 8 * i)) & 0xFF);
    }
  };
  put32(16, width);
  put32(20, height);
  put32(29, crc32(reinterpret_cast<const unsigned char*>(png.data()) + kType, 17));
  return png;
}

// Her selfie (mirrored, as a front camera takes it) and an event photo showing only her.
inline std::string her_selfie() { return cut_jpeg(sample_bytes(6), kHerFaceRegion, 70, true); }
inline std::string photo_of_her() { return cut_jpeg(sample_bytes(6), kOnlyHerRegion, 90, false); }

}  // namespace findme::integration
