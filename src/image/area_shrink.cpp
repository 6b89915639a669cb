#include "image/area_shrink.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/vectorised.h"

namespace findme::image {
namespace {

// One input index and its weight in an output pixel.
struct Tap {
  int index = 0;
  float weight = 0;
};

// For each of `out` outputs, the inputs of [i * scale, (i + 1) * scale) and the part of each
// inside, divided by the cell's length (the last cell may be cut by the input's end).
std::vector<std::vector<Tap>> area_taps(int in, int out) {
  const double scale = static_cast<double>(in) / out;
  std::vector<std::vector<Tap>> taps(static_cast<std::size_t>(out));
  for (int i = 0; i < out; ++i) {
    const double begin = i * scale;
    const double end = std::min(begin + scale, static_cast<double>(in));
    const double cell = end - begin;
    for (int k = static_cast<int>(std::floor(begin)); k < in && k < end; ++k) {
      const double inside = std::min<double>(k + 1, end) - std::max<double>(k, begin);
      if (inside > 1e-9) {
        taps[static_cast<std::size_t>(i)].push_back({k, static_cast<float>(inside / cell)});
      }
    }
  }
  return taps;
}

// sums[i] += weight * row[i] for i < count.
FINDME_VECTORISED FINDME_PLAIN_LOOPS void add_weighted_row(float* __restrict sums,
                                                           const std::uint8_t* __restrict row,
                                                           float weight, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) sums[i] += weight * static_cast<float>(row[i]);
}

}  // namespace

RgbImage area_shrink(const RgbImage& image, int width, int height) {
  assert(width >= 1 && width <= image.width && height >= 1 && height <= image.height);
  const std::vector<std::vector<Tap>> rows = area_taps(image.height, height);
  const std::vector<std::vector<Tap>> columns = area_taps(image.width, width);
  RgbImage out{width, height,
               std::vector<std::uint8_t>(static_cast<std::size_t>(width) *
                                         static_cast<std::size_t>(height) * 3)};
  const auto in_values = static_cast<std::size_t>(image.width) * 3;
  std::vector<float> sums(in_values);
  for (int oy = 0; oy < height; ++oy) {
    // The output row's input rows, weighted, into one row of column sums.
    std::fill(sums.begin(), sums.end(), 0.0f);
    for (const Tap& row : rows[static_cast<std::size_t>(oy)]) {
      add_weighted_row(sums.data(), &image.pixels[image.offset(0, row.index)], row.weight,
                       in_values);
    }
    // Then each output pixel's columns.
    std::uint8_t* dst = &out.pixels[out.offset(0, oy)];
    for (const std::vector<Tap>& pixel : columns) {
      float sum[3] = {0, 0, 0};
      for (const Tap& column : pixel) {
        const float* s = &sums[static_cast<std::size_t>(column.index) * 3];
        sum[0] += column.weight * s[0];
        sum[1] += column.weight * s[1];
        sum[2] += column.weight * s[2];
      }
      for (std::size_t c = 0; c < 3; ++c) {
        dst[c] = static_cast<std::uint8_t>(std::clamp(std::lrint(sum[c]), 0L, 255L));
      }
      dst += 3;
    }
  }
  return out;
}

}  // namespace findme::image
