// F(2x2, 3x3) after Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks" (2016):
// Y = A^T [sum_c (G g G^T) * (B^T d B)] A over 4x4 input tiles d. The channel-last layout puts the
// channels of one tile position side by side, so both transforms run across channels.
#include "face/model/winograd_conv.h"

#include <algorithm>
#include <array>
#include <cassert>

#include <cblas.h>

namespace findme::face::model {
namespace {

using Index = std::size_t;
constexpr Index kPositions = 16;  // 4x4 transformed values per tile
// Channels per step of the transforms: a fixed inner trip count, which GCC vectorises at -O2.
constexpr Index kWinogradLanes = 8;
constexpr Index kMaxChannels = 512;  // of a layer going through winograd_conv (checked)

Index to_index(int value) { return static_cast<Index>(value); }

// Tiles of one image and their grid.
struct TileGrid {
  int across = 0;
  int down = 0;
  Index per_image() const { return to_index(across) * to_index(down); }
};

// The 16 input pixels (channel vectors) of tile `t`, the zero vector where the padded tile leaves
// the image.
void tile_sources(const float* in, const NhwcShape& shape, const TileGrid& grid, Index t,
                  const float* zeros, std::array<const float*, kPositions>& src) {
  const Index image = t / grid.per_image();
  const int ty = static_cast<int>((t % grid.per_image()) / to_index(grid.across));
  const int tx = static_cast<int>(t % to_index(grid.across));
  const float* base = in + image * shape.per_image();
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 4; ++j) {
      const int y = 2 * ty - 1 + i;
      const int x = 2 * tx - 1 + j;
      const bool inside = y >= 0 && y < shape.height && x >= 0 && x < shape.width;
      src[to_index(i * 4 + j)] = inside
                                     ? base + (to_index(y) * to_index(shape.width) + to_index(x)) *
                                                  to_index(shape.channels)
                                     : zeros;
    }
  }
}

// V = B^T d B for kWinogradLanes channels; v[xi] points at position xi's output row.
void transform_input(const std::array<const float*, kPositions>& d, Index c,
                     const std::array<float*, kPositions>& v) {
  float r[4][4][kWinogradLanes];  // B^T d
  for (Index j = 0; j < 4; ++j) {
    for (Index l = 0; l < kWinogradLanes; ++l) {
      const float d0 = d[j][c + l], d1 = d[4 + j][c + l];
      const float d2 = d[8 + j][c + l], d3 = d[12 + j][c + l];
      r[0][j][l] = d0 - d2;
      r[1][j][l] = d1 + d2;
      r[2][j][l] = d2 - d1;
      r[3][j][l] = d1 - d3;
    }
  }
  for (Index i = 0; i < 4; ++i) {
    // Distinct rows of the scratch: saying so lets each loop vectorise.
    float* __restrict v0 = v[i * 4] + c;
    float* __restrict v1 = v[i * 4 + 1] + c;
    float* __restrict v2 = v[i * 4 + 2] + c;
    float* __restrict v3 = v[i * 4 + 3] + c;
    for (Index l = 0; l < kWinogradLanes; ++l) v0[l] = r[i][0][l] - r[i][2][l];
    for (Index l = 0; l < kWinogradLanes; ++l) v1[l] = r[i][1][l] + r[i][2][l];
    for (Index l = 0; l < kWinogradLanes; ++l) v2[l] = r[i][2][l] - r[i][1][l];
    for (Index l = 0; l < kWinogradLanes; ++l) v3[l] = r[i][1][l] - r[i][3][l];
  }
}

// Y = A^T m A for kWinogradLanes output channels starting at `o`: y[i][j] for the tile's 2x2.
void transform_output(const std::array<const float*, kPositions>& m, Index o,
                      float (&y)[2][2][kWinogradLanes]) {
  float s[2][4][kWinogradLanes];  // A^T m
  for (Index j = 0; j < 4; ++j) {
    for (Index l = 0; l < kWinogradLanes; ++l) {
      const float m1 = m[4 + j][o + l], m2 = m[8 + j][o + l];
      s[0][j][l] = m[j][o + l] + m1 + m2;
      s[1][j][l] = m1 - m2 - m[12 + j][o + l];
    }
  }
  for (Index i = 0; i < 2; ++i) {
    for (Index l = 0; l < kWinogradLanes; ++l) {
      y[i][0][l] = s[i][0][l] + s[i][1][l] + s[i][2][l];
      y[i][1][l] = s[i][1][l] - s[i][2][l] - s[i][3][l];
    }
  }
}

// out = relu?(y + bias [+ residual]) for kWinogradLanes channels; one branch-free loop per case.
void finish_lanes(float* __restrict out, const float* __restrict y, const float* __restrict bias,
                  const float* __restrict residual, bool relu) {
  if (residual && relu) {
    for (Index l = 0; l < kWinogradLanes; ++l) {
      out[l] = std::max(y[l] + bias[l] + residual[l], 0.0f);
    }
  } else if (relu) {
    for (Index l = 0; l < kWinogradLanes; ++l) out[l] = std::max(y[l] + bias[l], 0.0f);
  } else {
    for (Index l = 0; l < kWinogradLanes; ++l) out[l] = y[l] + bias[l];
  }
}

// The output transform of tiles [first, last) with bias, residual and ReLU, into `out` (the
// input's height and width, conv.out_channels channels).
void write_tiles(const PackedConv& conv, const NhwcShape& shape, const TileGrid& grid,
                 const float* products, Index first, Index last, float* out, const float* residual,
                 bool relu) {
  const Index channels = to_index(conv.out_channels);
  const Index stride = (last - first) * channels;  // between two positions' matrices
  for (Index t = first; t < last; ++t) {
    std::array<const float*, kPositions> m{};
    for (Index xi = 0; xi < kPositions; ++xi) {
      m[xi] = products + xi * stride + (t - first) * channels;
    }
    const Index image = t / grid.per_image();
    const int ty = static_cast<int>((t % grid.per_image()) / to_index(grid.across));
    const int tx = static_cast<int>(t % to_index(grid.across));
    for (Index o = 0; o < channels; o += kWinogradLanes) {
      float y[2][2][kWinogradLanes];
      transform_output(m, o, y);
      for (int i = 0; i < 2; ++i) {
        for (int j = 0; j < 2; ++j) {
          const int py = 2 * ty + i;
          const int px = 2 * tx + j;
          if (py >= shape.height || px >= shape.width) continue;
          const Index at =
              ((image * to_index(shape.height) + to_index(py)) * to_index(shape.width) +
               to_index(px)) *
                  channels +
              o;
          finish_lanes(out + at, y[i][j], conv.bias.data() + o, residual ? residual + at : nullptr,
                       relu);
        }
      }
    }
  }
}

}  // namespace

std::vector<float> winograd_filters(const std::vector<float>& filters, int in_channels,
                                    int out_channels) {
  const Index in = to_index(in_channels);
  const Index out = to_index(out_channels);
  std::vector<float> u(kPositions * in * out);
  for (Index c = 0; c < in; ++c) {
    for (Index o = 0; o < out; ++o) {
      double g[3][3];
      for (Index tap = 0; tap < 9; ++tap) g[tap / 3][tap % 3] = filters[(tap * in + c) * out + o];
      double gg[4][3];  // G g
      for (Index j = 0; j < 3; ++j) {
        gg[0][j] = g[0][j];
        gg[1][j] = (g[0][j] + g[1][j] + g[2][j]) / 2;
        gg[2][j] = (g[0][j] - g[1][j] + g[2][j]) / 2;
        gg[3][j] = g[2][j];
      }
      for (Index i = 0; i < 4; ++i) {  // (G g) G^T
        const std::array<double, 4> row{gg[i][0], (gg[i][0] + gg[i][1] + gg[i][2]) / 2,
                                        (gg[i][0] - gg[i][1] + gg[i][2]) / 2, gg[i][2]};
        for (Index j = 0; j < 4; ++j) {
          u[((i * 4 + j) * in + c) * out + o] = static_cast<float>(row[j]);
        }
      }
    }
  }
  return u;
}

std::size_t winograd_min_scratch(const PackedConv& conv) {
  return kPositions * to_index(conv.in_channels + conv.out_channels);
}

void winograd_conv(const PackedConv& conv, const float* in, const NhwcShape& shape, float* out,
                   std::span<float> scratch, const float* residual, bool relu) {
  assert(conv.kernel == 3 && conv.stride == 1 && conv.padding == 1 && !conv.winograd.empty());
  assert(to_index(conv.in_channels) <= kMaxChannels && conv.in_channels % 8 == 0);
  assert(conv.out_channels % 8 == 0);
  static const std::array<float, kMaxChannels> zeros{};
  const Index in_channels = to_index(conv.in_channels);
  const Index out_channels = to_index(conv.out_channels);
  const TileGrid grid{(shape.width + 1) / 2, (shape.height + 1) / 2};
  const Index tiles = grid.per_image() * to_index(shape.batch);
  // Chunks of tiles that fit the scratch, as even as possible.
  const Index most = scratch.size() / winograd_min_scratch(conv);
  assert(most > 0);
  const Index chunks = (tiles + most - 1) / most;
  const Index chunk = (tiles + chunks - 1) / chunks;
  for (Index first = 0; first < tiles; first += chunk) {
    const Index last = std::min(tiles, first + chunk);
    const Index count = last - first;
    float* inputs = scratch.data();                               // [16, count, in]
    float* products = inputs + kPositions * count * in_channels;  // [16, count, out]
    for (Index t = first; t < last; ++t) {
      std::array<const float*, kPositions> d{};
      tile_sources(in, shape, grid, t, zeros.data(), d);
      std::array<float*, kPositions> v{};
      for (Index xi = 0; xi < kPositions; ++xi) {
        v[xi] = inputs + (xi * count + (t - first)) * in_channels;
      }
      for (Index c = 0; c < in_channels; c += kWinogradLanes) transform_input(d, c, v);
    }
    for (Index xi = 0; xi < kPositions; ++xi) {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(count),
                  conv.out_channels, conv.in_channels, 1.0f, inputs + xi * count * in_channels,
                  conv.in_channels, conv.winograd.data() + xi * in_channels * out_channels,
                  conv.out_channels, 0.0f, products + xi * count * out_channels, conv.out_channels);
    }
    write_tiles(conv, shape, grid, products, first, last, out, residual, relu);
  }
}

}  // namespace findme::face::model
