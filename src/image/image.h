// In-memory pixels shared by the image decoder and the face engine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace findme::image {

// 8-bit RGB, interleaved, rows top to bottom with no padding: pixel (x, y) starts at
// pixels[3 * (y * width + x)]. A value type: copy it to share it between threads.
struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;

  bool empty() const { return width <= 0 || height <= 0; }
  std::size_t byte_size() const {
    return static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3;
  }
  // Where pixel (x, y) starts in `pixels` (its red byte).
  std::size_t offset(int x, int y) const {
    return (static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
            static_cast<std::size_t>(x)) *
           3;
  }
};

}  // namespace findme::image
