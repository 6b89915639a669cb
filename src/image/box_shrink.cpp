#include "image/box_shrink.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "core/vectorised.h"

namespace findme::image {

namespace {

constexpr std::size_t kLanes = 16;  // a fixed inner trip count is what GCC vectorises at -O2

// sums[i] += row[i] for i < count.
FINDME_VECTORISED void add_row(std::uint32_t* __restrict sums, const std::uint8_t* __restrict row,
                               std::size_t count) {
  const std::size_t vector_part = count - count % kLanes;
  for (std::size_t i = 0; i < vector_part; i += kLanes) {
    for (std::size_t l = 0; l < kLanes; ++l) sums[i + l] += row[i + l];
  }
  for (std::size_t i = vector_part; i < count; ++i) sums[i] += row[i];
}

}  // namespace

RgbImage box_shrink(const RgbImage& image, int factor) {
  if (factor <= 1) {
    return image;
  }
  const int width = (image.width + factor - 1) / factor;
  const int height = (image.height + factor - 1) / factor;
  RgbImage out{width, height,
               std::vector<std::uint8_t>(static_cast<std::size_t>(width) *
                                         static_cast<std::size_t>(height) * 3)};
  // Each block row's input rows are summed into one row of column sums (in order, vectorised),
  // then each block's columns: the second step reads 1/factor of what the first does.
  const auto in_values = static_cast<std::size_t>(image.width) * 3;
  std::vector<std::uint32_t> columns(in_values);
  for (int oy = 0; oy < height; ++oy) {
    std::fill(columns.begin(), columns.end(), 0U);
    const int y0 = oy * factor;
    const int y1 = std::min(y0 + factor, image.height);
    for (int y = y0; y < y1; ++y) {
      add_row(columns.data(), &image.pixels[image.offset(0, y)], in_values);
    }
    std::uint8_t* dst = &out.pixels[out.offset(0, oy)];
    const auto rows = static_cast<std::uint32_t>(y1 - y0);
    const std::uint32_t* column = columns.data();
    for (int ox = 0; ox < width; ++ox) {
      const int cols = std::min(factor, image.width - ox * factor);
      std::array<std::uint32_t, 3> sum{};
      for (int x = 0; x < cols; ++x, column += 3) {
        sum[0] += column[0];
        sum[1] += column[1];
        sum[2] += column[2];
      }
      const std::uint32_t count = rows * static_cast<std::uint32_t>(cols);
      for (std::size_t c = 0; c < 3; ++c) {
        dst[c] = static_cast<std::uint8_t>((sum[c] + count / 2) / count);
      }
      dst += 3;
    }
  }
  return out;
}

}  // namespace findme::image
