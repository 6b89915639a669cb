// NHWC layers for GemmFaceEmbedder. Channel-last keeps im2col cheap: for one output pixel and one
// kernel row, the taps are kernel x channels consecutive floats of the input row, copied at once.
#include "face/model/conv_gemm.h"

#include <algorithm>
#include <cassert>
#include <cstring>

#include <cblas.h>

#include "face/model/winograd_conv.h"

namespace findme::face::model {
namespace {

using Index = std::size_t;

Index to_index(int value) { return static_cast<Index>(value); }

// The im2col rows of output pixels [first, last) of the flattened (image, y, x) index: each row
// is the conv.rows() input values the filters multiply, zeros where the window leaves the image.
void im2col_rows(const PackedConv& conv, const float* in, const NhwcShape& shape,
                 const NhwcShape& out_shape, Index first, Index last, float* col) {
  const int k = conv.kernel;
  const Index channels = to_index(shape.channels);
  const Index tap_row = to_index(k) * channels;  // floats of one kernel row
  const Index out_pixels = to_index(out_shape.height) * to_index(out_shape.width);
  for (Index r = first; r < last; ++r) {
    const Index image = r / out_pixels;
    const int oy = static_cast<int>((r % out_pixels) / to_index(out_shape.width));
    const int ox = static_cast<int>(r % to_index(out_shape.width));
    const float* base = in + image * shape.per_image();
    const int x0 = ox * conv.stride - conv.padding;
    const int kx_begin = std::max(0, -x0);
    const int kx_end = std::min(k, shape.width - x0);
    for (int ky = 0; ky < k; ++ky) {
      const int iy = oy * conv.stride - conv.padding + ky;
      if (iy < 0 || iy >= shape.height || kx_begin >= kx_end) {
        std::fill_n(col, tap_row, 0.0f);
      } else {
        const float* src =
            base + (to_index(iy) * to_index(shape.width) + to_index(x0 + kx_begin)) * channels;
        float* dst = std::fill_n(col, to_index(kx_begin) * channels, 0.0f);
        dst = std::copy_n(src, to_index(kx_end - kx_begin) * channels, dst);
        std::fill_n(dst, to_index(k - kx_end) * channels, 0.0f);
      }
      col += tap_row;
    }
  }
}

// Up to this many output pixels per GEMM, a layer with panels runs panel_gemm, whose weights are
// laid out in advance; above it OpenBLAS's packing pays for itself. Measured per layer of the
// embedder (bench/embedding_bench.cpp): panel_gemm is faster at 1 to 64 rows (one chip: 6.9 ->
// 6.0 ms), even at 64 and slower at 128.
constexpr Index kPanelGemmMaxRows = 64;

// Channels go in groups of this many in the loops below: a fixed inner trip count is what lets
// GCC vectorise at -O2. Every layer's channel count is a multiple of it (conv_gemm checks).
constexpr Index kLanes = 8;

// out[r][c] = relu?(out[r][c] + bias[c] + residual?[r][c]) over `rows` rows of `channels`. One
// branch-free loop per case, so that each vectorises.
void bias_residual_relu(float* __restrict out, Index rows, Index channels,
                        const float* __restrict bias, const float* __restrict residual, bool relu) {
  for (Index r = 0; r < rows; ++r, out += channels) {
    for (Index c = 0; c < channels; c += kLanes) {
      float* __restrict o = out + c;
      const float* __restrict b = bias + c;
      if (residual && relu) {
        const float* __restrict s = residual + r * channels + c;
        for (Index l = 0; l < kLanes; ++l) o[l] = std::max(o[l] + b[l] + s[l], 0.0f);
      } else if (relu) {
        for (Index l = 0; l < kLanes; ++l) o[l] = std::max(o[l] + b[l], 0.0f);
      } else {
        for (Index l = 0; l < kLanes; ++l) o[l] += b[l];
      }
    }
  }
}

// out[c] = max(out[c], in[c]) for `channels` (a multiple of kLanes) values.
void max_into(float* __restrict out, const float* __restrict in, Index channels) {
  for (Index c = 0; c < channels; c += kLanes) {
    for (Index l = 0; l < kLanes; ++l) out[c + l] = std::max(out[c + l], in[c + l]);
  }
}

}  // namespace

NhwcShape conv_output_shape(const PackedConv& conv, const NhwcShape& input) {
  return {input.batch, conv.output_size(input.height), conv.output_size(input.width),
          conv.out_channels};
}

void conv_gemm(const PackedConv& conv, const float* in, const NhwcShape& shape, float* out,
               std::span<float> col, const float* residual, bool relu) {
  assert(shape.channels == conv.in_channels);
  if (!conv.winograd.empty()) {
    winograd_conv(conv, in, shape, out, col, residual, relu);
    return;
  }
  assert(conv.out_channels % static_cast<int>(kLanes) == 0);
  assert(residual == nullptr || relu);
  const NhwcShape out_shape = conv_output_shape(conv, shape);
  const Index inner = to_index(conv.rows());
  const Index channels = to_index(conv.out_channels);
  const Index pixels = out_shape.size() / channels;
  const Index chunk = col.size() / inner;
  assert(chunk > 0);
  for (Index first = 0; first < pixels; first += chunk) {
    const Index last = std::min(pixels, first + chunk);
    im2col_rows(conv, in, shape, out_shape, first, last, col.data());
    float* c = out + first * channels;
    if (!conv.panels.empty() && last - first <= kPanelGemmMaxRows) {
      panel_gemm(static_cast<int>(last - first), col.data(), inner, conv.panels, c, channels);
    } else {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(last - first),
                  conv.out_channels, conv.rows(), 1.0f, col.data(), conv.rows(),
                  conv.filters.data(), conv.out_channels, 0.0f, c, conv.out_channels);
    }
    bias_residual_relu(c, last - first, channels, conv.bias.data(),
                       residual ? residual + first * channels : nullptr, relu);
  }
}

NhwcShape max_pool_3x3_stride2(const float* in, const NhwcShape& shape, float* out) {
  assert(shape.channels % static_cast<int>(kLanes) == 0);
  const NhwcShape out_shape{shape.batch, (shape.height - 3) / 2 + 1, (shape.width - 3) / 2 + 1,
                            shape.channels};
  const Index channels = to_index(shape.channels);
  const Index row = to_index(shape.width) * channels;
  for (Index b = 0; b < to_index(shape.batch); ++b) {
    const float* image = in + b * shape.per_image();
    for (Index oy = 0; oy < to_index(out_shape.height); ++oy) {
      for (Index ox = 0; ox < to_index(out_shape.width); ++ox) {
        const float* window = image + (2 * oy) * row + (2 * ox) * channels;
        std::copy_n(window, channels, out);
        for (Index dy = 0; dy < 3; ++dy) {
          for (Index dx = 0; dx < 3; ++dx) {
            max_into(out, window + dy * row + dx * channels, channels);
          }
        }
        out += channels;
      }
    }
  }
  return out_shape;
}

NhwcShape avg_pool_2x2_stride2(const float* in, const NhwcShape& shape, float* out) {
  const NhwcShape out_shape{shape.batch, shape.height / 2, shape.width / 2, shape.channels};
  const Index channels = to_index(shape.channels);
  const Index row = to_index(shape.width) * channels;
  for (Index b = 0; b < to_index(shape.batch); ++b) {
    const float* image = in + b * shape.per_image();
    for (Index oy = 0; oy < to_index(out_shape.height); ++oy) {
      for (Index ox = 0; ox < to_index(out_shape.width); ++ox) {
        const float* p = image + (2 * oy) * row + (2 * ox) * channels;
        for (Index c = 0; c < channels; ++c) {
          out[c] = (p[c] + p[channels + c] + p[row + c] + p[row + channels + c]) * 0.25f;
        }
        out += channels;
      }
    }
  }
  return out_shape;
}

NhwcShape add_shortcut_relu(const float* path, const NhwcShape& path_shape, const float* shortcut,
                            const NhwcShape& shortcut_shape, float* out) {
  assert(path_shape.batch == shortcut_shape.batch);
  assert(path_shape.height <= shortcut_shape.height && path_shape.width <= shortcut_shape.width);
  assert(path_shape.channels >= shortcut_shape.channels);
  const NhwcShape out_shape{shortcut_shape.batch, shortcut_shape.height, shortcut_shape.width,
                            path_shape.channels};
  const Index channels = to_index(path_shape.channels);
  const Index narrow = to_index(shortcut_shape.channels);
  for (int b = 0; b < out_shape.batch; ++b) {
    for (int y = 0; y < out_shape.height; ++y) {
      for (int x = 0; x < out_shape.width; ++x) {
        const bool inside = y < path_shape.height && x < path_shape.width;
        const float* p = inside ? path : nullptr;
        for (Index c = 0; c < channels; ++c) {
          const float v = (p ? p[c] : 0.0f) + (c < narrow ? shortcut[c] : 0.0f);
          out[c] = std::max(v, 0.0f);
        }
        if (inside) path += channels;
        shortcut += narrow;
        out += channels;
      }
    }
  }
  return out_shape;
}

}  // namespace findme::face::model
