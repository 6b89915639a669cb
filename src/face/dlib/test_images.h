// Test-only helpers for face/dlib's tests: sample photos through dlib's own JPEG loader (the vips
// decoder sits in another module that face/dlib does not depend on).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <dlib/image_io.h>

#include "core/testing/sample_photos.h"
#include "face/dlib/dlib_image.h"
#include "image/image.h"

namespace findme::face::dlib::testing {

// models/face-api-1.7.15/demo/sample<n>.jpg as RGB (these JPEGs carry no EXIF rotation).
inline image::RgbImage load_sample(int n) {
  glue::RgbImageOut image;
  ::dlib::load_image(image, findme::testing::sample_photo_path(n));
  return std::move(image.image);
}

// Smooth random texture, no faces: low-frequency noise with a fixed seed.
inline image::RgbImage make_texture(int width, int height, unsigned seed) {
  image::RgbImage image{width, height, {}};
  image.pixels.resize(image.byte_size());
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> level(0, 255);
  const int cell = 16;  // blobs of 16 px, plus fine grain
  const int cells_x = width / cell + 1;
  std::vector<int> blobs(static_cast<std::size_t>(cells_x) *
                         static_cast<std::size_t>(height / cell + 1));
  for (int& b : blobs) {
    b = level(rng);
  }
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const int blob = (y / cell) * cells_x + x / cell;
      const int base = blobs[static_cast<std::size_t>(blob)];
      for (std::size_t c = 0; c < 3; ++c) {
        image.pixels[image.offset(x, y) + c] =
            static_cast<std::uint8_t>((base + level(rng) / 8) % 256);
      }
    }
  }
  return image;
}

}  // namespace findme::face::dlib::testing
