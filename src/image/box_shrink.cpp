#include "image/box_shrink.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace findme::image {

RgbImage box_shrink(const RgbImage& image, int factor) {
  if (factor <= 1) {
    return image;
  }
  const int width = (image.width + factor - 1) / factor;
  const int height = (image.height + factor - 1) / factor;
  RgbImage out{width, height,
               std::vector<std::uint8_t>(static_cast<std::size_t>(width) *
                                         static_cast<std::size_t>(height) * 3)};
  const auto row_values = static_cast<std::size_t>(width) * 3;
  std::vector<std::uint32_t> sums(row_values);
  for (int oy = 0; oy < height; ++oy) {
    std::fill(sums.begin(), sums.end(), 0U);
    const int y0 = oy * factor;
    const int y1 = std::min(y0 + factor, image.height);
    // Rows are summed whole, left to right: the input is read once, in order.
    for (int y = y0; y < y1; ++y) {
      const std::uint8_t* in = &image.pixels[image.offset(0, y)];
      std::uint32_t* sum = sums.data();
      for (int x0 = 0; x0 < image.width; x0 += factor) {
        const int x1 = std::min(x0 + factor, image.width);
        for (int x = x0; x < x1; ++x) {
          sum[0] += in[0];
          sum[1] += in[1];
          sum[2] += in[2];
          in += 3;
        }
        sum += 3;
      }
    }
    std::uint8_t* dst = &out.pixels[out.offset(0, oy)];
    const auto rows = static_cast<std::uint32_t>(y1 - y0);
    for (int ox = 0; ox < width; ++ox) {
      const auto cols = static_cast<std::uint32_t>(std::min(factor, image.width - ox * factor));
      const std::uint32_t count = rows * cols;
      for (std::size_t c = 0; c < 3; ++c) {
        const std::uint32_t s = sums[static_cast<std::size_t>(ox) * 3 + c];
        dst[c] = static_cast<std::uint8_t>((s + count / 2) / count);
      }
      dst += 3;
    }
  }
  return out;
}

}  // namespace findme::image
