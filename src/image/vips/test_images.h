// Hermetic test images made with libvips itself, for the vips backend's tests. Header-only so
// that it stays out of the findme_image_vips library. Not for production code.
#pragma once

#include <cstdint>
#include <fstream>
#include <iterator>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <vips/vips.h>

#include "image/vips/vips_handles.h"
#include "image/vips/vips_runtime.h"

namespace findme::image::vips::testing {

inline std::span<const std::byte> as_bytes(const std::string& data) {
  return std::as_bytes(std::span(data.data(), data.size()));
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// An image over a copy of `pixels` (interleaved, `bands` per pixel); returns null on failure.
template <class Sample>
ImagePtr image_from(const std::vector<Sample>& pixels, int width, int height, int bands,
                    VipsBandFormat format, VipsInterpretation interpretation) {
  (void)start_vips();
  ImagePtr image(vips_image_new_from_memory_copy(pixels.data(), pixels.size() * sizeof(Sample),
                                                 width, height, bands, format));
  if (image) {
    image->Type = interpretation;
  }
  return image;
}

// 8-bit RGB noise: compresses badly, so every cut of its file lands inside pixel data.
inline ImagePtr noise_rgb(int width, int height, std::uint32_t seed = 7) {
  std::mt19937 random(seed);
  std::vector<std::uint8_t> pixels(static_cast<std::size_t>(width) *
                                   static_cast<std::size_t>(height) * 3);
  for (std::uint8_t& p : pixels) {
    p = static_cast<std::uint8_t>(random() & 0xFF);
  }
  return image_from(pixels, width, height, 3, VIPS_FORMAT_UCHAR, VIPS_INTERPRETATION_sRGB);
}

// White 8-bit RGB with a pure red kMark x kMark block in the stored top-left corner.
inline constexpr int kMark = 16;
inline ImagePtr marked_rgb(int width, int height) {
  std::vector<std::uint8_t> pixels(
      static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3, 255);
  for (int y = 0; y < kMark; ++y) {
    for (int x = 0; x < kMark; ++x) {
      const std::size_t at = (static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
                              static_cast<std::size_t>(x)) *
                             3;
      pixels[at + 1] = 0;
      pixels[at + 2] = 0;
    }
  }
  return image_from(pixels, width, height, 3, VIPS_FORMAT_UCHAR, VIPS_INTERPRETATION_sRGB);
}

// Encodes with the saver that `suffix` names, e.g. ".jpg[Q=95]", ".png", ".webp", ".heic",
// ".avif", ".gif", ".tif"; empty when this libvips has no such saver.
inline std::string encode(VipsImage* image, const char* suffix) {
  void* buffer = nullptr;
  std::size_t size = 0;
  if (image == nullptr || vips_image_write_to_buffer(image, suffix, &buffer, &size, nullptr) != 0) {
    vips_error_clear();
    return {};
  }
  const GBuffer owned(buffer);
  return std::string(static_cast<const char*>(owned.get()), size);
}

// A JPEG whose EXIF orientation tag is `orientation` (1..8).
inline std::string jpeg_with_orientation(VipsImage* image, int orientation) {
  VipsImage* copy = nullptr;
  if (vips_copy(image, &copy, nullptr) != 0) {
    return {};
  }
  const ImagePtr owned(copy);
  vips_image_set_int(copy, VIPS_META_ORIENTATION, orientation);
  return encode(copy, ".jpg[Q=95]");
}

}  // namespace findme::image::vips::testing
