#include "image/exif_orientation.h"

#include <algorithm>
#include <cstddef>
#include <cstring>

namespace findme::image {
namespace {

// Where upright pixel (x, y) comes from, in stored pixels: sx = x0 + x * dx_x + y * dx_y and
// sy = y0 + x * dy_x + y * dy_y.
struct SourceMap {
  int x0, dx_x, dx_y;
  int y0, dy_x, dy_y;
};

SourceMap source_map(int orientation, int width, int height) {
  const int right = width - 1;
  const int bottom = height - 1;
  switch (orientation) {
    case 2:
      return {right, -1, 0, 0, 0, 1};
    case 3:
      return {right, -1, 0, bottom, 0, -1};
    case 4:
      return {0, 1, 0, bottom, 0, -1};
    case 5:
      return {0, 0, 1, 0, 1, 0};
    case 6:
      return {0, 0, 1, bottom, -1, 0};
    case 7:
      return {right, 0, -1, bottom, -1, 0};
    case 8:
      return {right, 0, -1, 0, 1, 0};
    default:
      return {0, 1, 0, 0, 0, 1};
  }
}

// Square blocks of the output, so that a quarter turn reads its source columns from a few
// cache-resident rows instead of one row per output pixel.
constexpr int kBlock = 64;

}  // namespace

RgbImage apply_exif_orientation(RgbImage stored, int orientation) {
  if (orientation < 2 || orientation > 8 || stored.empty()) return stored;
  const bool swap = orientation >= 5;
  RgbImage upright{swap ? stored.height : stored.width, swap ? stored.width : stored.height, {}};
  upright.pixels.resize(upright.byte_size());
  const SourceMap m = source_map(orientation, stored.width, stored.height);
  // Bytes between the sources of horizontally adjacent output pixels.
  const std::ptrdiff_t step = 3 * (static_cast<std::ptrdiff_t>(m.dy_x) * stored.width +
                                   static_cast<std::ptrdiff_t>(m.dx_x));
  const std::uint8_t* source = stored.pixels.data();
  std::uint8_t* out = upright.pixels.data();
  for (int by = 0; by < upright.height; by += kBlock) {
    const int y_end = std::min(by + kBlock, upright.height);
    for (int bx = 0; bx < upright.width; bx += kBlock) {
      const int x_end = std::min(bx + kBlock, upright.width);
      for (int y = by; y < y_end; ++y) {
        const int sx = m.x0 + bx * m.dx_x + y * m.dx_y;
        const int sy = m.y0 + bx * m.dy_x + y * m.dy_y;
        auto from = static_cast<std::ptrdiff_t>(stored.offset(sx, sy));
        std::uint8_t* to = out + upright.offset(bx, y);
        for (int x = bx; x < x_end; ++x, from += step, to += 3) {
          std::memcpy(to, source + from, 3);
        }
      }
    }
  }
  return upright;
}

}  // namespace findme::image
