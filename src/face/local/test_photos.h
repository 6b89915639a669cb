// Test and benchmark helpers: the package's sample photos decoded the way the service decodes
// uploads (libvips, upright RGB8), and the model options pointing at the fetched package.
// Header-only, so that it stays out of the findme_face_local library. Not for production code.
#pragma once

#include <cstddef>
#include <fstream>
#include <iterator>
#include <span>
#include <string>

#include "core/result.h"
#include "core/testing/sample_photos.h"
#include "face/local/face_models.h"
#include "image/vips/vips_image_decoder.h"

namespace findme::face::local::testing {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Decodes `bytes` to upright RGB8 (longer side at most `max_long_side`, 0 = full size).
inline Result<image::RgbImage> decode(const std::string& bytes, int max_long_side = 0) {
  static const image::vips::VipsImageDecoder decoder;  // thread-safe, per its header
  Result<image::DecodedImage> decoded = decoder.decode(
      std::as_bytes(std::span(bytes.data(), bytes.size())), {.max_long_side = max_long_side});
  if (!decoded) {
    return decoded.error();
  }
  return std::move(decoded->image);
}

// models/face-api-1.7.15/demo/sample<n>.jpg, 1920 px wide, decoded; empty when unreadable.
inline image::RgbImage load_sample(int n) {
  Result<image::RgbImage> image = decode(read_file(findme::testing::sample_photo_path(n)));
  return image ? std::move(image).value() : image::RgbImage{};
}

inline FaceModelOptions default_model_options() {
  return FaceModelOptions{.package_dir = std::string(FINDME_FACE_API_DIR)};
}

}  // namespace findme::face::local::testing
