#include "face/model/channel_last_layers.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#include <cblas.h>

#include "core/vectorised.h"

namespace findme::face::model::channel_last {
namespace {

// kLanes floats as one value: arithmetic on it is one instruction per AVX register.
using Lanes = float __attribute__((vector_size(kLanes * sizeof(float))));

// By reference: a vector returned by value would change the ABI between the two clones.
void load(Lanes& to, const float* from) { std::memcpy(&to, from, sizeof to); }

void store(float* to, const Lanes& v) { std::memcpy(to, &v, sizeof v); }

// gemm()'s chunks: ~1 MB of output, and at least 1,024 pixels.
constexpr std::size_t kGemmChunkFloats = std::size_t{256} * 1024;
constexpr int kGemmMinChunk = 1024;

// Each output pixel starts as the bias, so the sgemm adds onto it (beta 1: OpenBLAS then skips
// the pass that zeroes its output).
void fill_bias(const Layer& layer, float* out, std::size_t pixels) {
  const std::size_t bytes = layer.bias.size() * sizeof(float);
  for (std::size_t p = 0; p < pixels; ++p, out += layer.bias.size()) {
    std::memcpy(out, layer.bias.data(), bytes);
  }
}

FINDME_VECTORISED void add_bias(const Layer& layer, float* __restrict out, std::size_t pixels) {
  const std::size_t channels = layer.bias.size();
  const std::size_t vector_part = channels - channels % kLanes;
  const float* __restrict bias = layer.bias.data();
  for (std::size_t p = 0; p < pixels; ++p, out += channels) {
    for (std::size_t c = 0; c < vector_part; c += kLanes) {
      for (std::size_t l = 0; l < kLanes; ++l) out[c + l] += bias[c + l];
    }
    for (std::size_t c = vector_part; c < channels; ++c) {
      out[c] += bias[c];
    }
  }
}

// ReLU6 in place. Lanes at a time (a fixed trip count is what GCC vectorises at -O2), then a tail.
FINDME_VECTORISED void clamp(float* __restrict out, std::size_t values) {
  const std::size_t vector_part = values - values % kLanes;
  for (std::size_t i = 0; i < vector_part; i += kLanes) {
    float* __restrict o = out + i;
    for (std::size_t l = 0; l < kLanes; ++l) o[l] = std::min(std::max(o[l], 0.0f), 6.0f);
  }
  for (std::size_t i = vector_part; i < values; ++i) {
    out[i] = std::min(std::max(out[i], 0.0f), 6.0f);
  }
}

}  // namespace

Result<Layer> repack(const SsdConv& conv) {
  Layer layer{conv.in_channels, conv.out_channels, conv.kernel, conv.stride,
              conv.depthwise,   conv.relu6,        {},          {}};
  const int k = conv.kernel;
  const int per_group = conv.depthwise ? 1 : conv.in_channels;
  const std::size_t expected = static_cast<std::size_t>(conv.out_channels) *
                               static_cast<std::size_t>(per_group) * static_cast<std::size_t>(k) *
                               static_cast<std::size_t>(k);
  if (!conv.filters.isContinuous() || conv.filters.total() != expected ||
      conv.bias.total() != static_cast<std::size_t>(conv.out_channels) || (k != 1 && k != 3) ||
      (conv.depthwise && (k != 3 || conv.in_channels != conv.out_channels ||
                          conv.out_channels % static_cast<int>(kLanes) != 0))) {
    return make_error(Errc::internal, "face model: unexpected layer shape " + conv.name);
  }
  const float* f = conv.filters.ptr<float>();
  const auto outs = static_cast<std::size_t>(conv.out_channels);
  const auto ins = static_cast<std::size_t>(per_group);
  const auto side = static_cast<std::size_t>(k);
  layer.weights.resize(expected);
  for (std::size_t co = 0; co < outs; ++co) {
    for (std::size_t ci = 0; ci < ins; ++ci) {
      for (std::size_t tap = 0; tap < side * side; ++tap) {
        const float w = f[(co * ins + ci) * side * side + tap];  // [out][in][ky][kx]
        if (conv.depthwise) {
          layer.weights[tap * outs + co] = w;  // [ky][kx][channel]
        } else {
          layer.weights[(tap * ins + ci) * outs + co] = w;  // [ky][kx][in][out]
        }
      }
    }
  }
  const float* b = conv.bias.ptr<float>();
  layer.bias.assign(b, b + conv.out_channels);
  return layer;
}

Shape output_shape(const Layer& layer, const Shape& in) {
  if (layer.stride == 1) {
    return {in.height, in.width, layer.out_channels};
  }
  return {(in.height + 1 - layer.kernel) / 2 + 1, (in.width + 1 - layer.kernel) / 2 + 1,
          layer.out_channels};
}

int pad_before(const Layer& layer) { return layer.stride == 1 ? layer.kernel / 2 : 0; }

void gemm(const Layer& layer, const float* rows, int pixels, int depth, float* out) {
  // In chunks of pixels whose output stays in the core's L2 cache from the bias through the sgemm
  // to the ReLU6: the early layers' maps (11 MB for 256 x 172 x 64) went through memory three
  // times. At least kGemmMinChunk pixels, so that a wide layer's weights are packed once or twice.
  const auto outs = static_cast<std::size_t>(layer.out_channels);
  const int chunk = std::max(kGemmMinChunk, static_cast<int>(kGemmChunkFloats / outs));
  for (int first = 0; first < pixels; first += chunk) {
    const int count = std::min(chunk, pixels - first);
    const std::size_t offset = static_cast<std::size_t>(first);
    float* c = out + offset * outs;
    fill_bias(layer, c, static_cast<std::size_t>(count));
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, count, layer.out_channels, depth, 1.0f,
                rows + offset * static_cast<std::size_t>(depth), depth, layer.weights.data(),
                layer.out_channels, 1.0f, c, layer.out_channels);
    if (layer.relu6) clamp(c, static_cast<std::size_t>(count) * outs);
  }
}

void gemm_add(const Layer& layer, const float* rows, int pixels, int depth, float* out) {
  add_bias(layer, out, static_cast<std::size_t>(pixels));
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, pixels, layer.out_channels, depth, 1.0f,
              rows, depth, layer.weights.data(), layer.out_channels, 1.0f, out, layer.out_channels);
}

FINDME_VECTORISED void relu(const float* __restrict in, std::size_t values, float* __restrict out) {
  const std::size_t vector_part = values - values % kLanes;
  for (std::size_t i = 0; i < vector_part; i += kLanes) {
    for (std::size_t l = 0; l < kLanes; ++l) out[i + l] = std::max(in[i + l], 0.0f);
  }
  for (std::size_t i = vector_part; i < values; ++i) {
    out[i] = std::max(in[i], 0.0f);
  }
}

FINDME_VECTORISED void depthwise(const Layer& layer, const float* in, const Shape& s,
                                 const Shape& o, int rows, float* out) {
  const int pad = pad_before(layer);
  const int stride = layer.stride;
  const auto channels = static_cast<std::size_t>(s.channels);
  const float* weights = layer.weights.data();
  const float* bias = layer.bias.data();
  // The output columns whose 3 input columns are all inside the image.
  const int inner_begin = (pad + stride - 1) / stride;
  const int inner_end = std::max(inner_begin, std::min(o.width, (s.width - 3 + pad) / stride + 1));
  const std::size_t step = static_cast<std::size_t>(stride) * channels;  // next output's input
  const Lanes zero{};
  const Lanes six = zero + 6.0f;
  for (int oy = 0; oy < rows; ++oy) {
    const int y0 = oy * stride - pad;
    const int ky_begin = std::max(0, -y0);
    const int ky_end = std::min(3, s.height - y0);
    float* out_row = out + at(oy, 0, o.width, o.channels);
    const auto finish = [&](int ox, std::size_t c, Lanes sum) {
      if (layer.relu6) {
        sum = sum < zero ? zero : sum;
        sum = sum > six ? six : sum;
      }
      store(out_row + static_cast<std::size_t>(ox) * channels + c, sum);
    };
    const auto one = [&](int ox) {  // any column, taps outside the image skipped
      const int x0 = ox * stride - pad;
      const int kx_begin = std::max(0, -x0);
      const int kx_end = std::min(3, s.width - x0);
      for (std::size_t c = 0; c < channels; c += kLanes) {
        Lanes sum;
        load(sum, bias + c);
        for (int ky = ky_begin; ky < ky_end; ++ky) {
          const float* src = in + at(y0 + ky, x0, s.width, s.channels) + c;
          for (int kx = kx_begin; kx < kx_end; ++kx) {
            const std::size_t tap = static_cast<std::size_t>(ky) * 3 + static_cast<std::size_t>(kx);
            Lanes pixel;
            Lanes w;
            load(pixel, src + static_cast<std::size_t>(kx) * channels);
            load(w, weights + tap * channels + c);
            sum += pixel * w;
          }
        }
        finish(ox, c, sum);
      }
    };
    int ox = 0;
    for (; ox < inner_begin; ++ox) one(ox);
    for (; ox + 4 <= inner_end; ox += 4) {
      // Four neighbouring outputs at once, channels innermost: the input is read in order, each
      // tap's weights are loaded once for four independent chains of multiply-adds. Named sums,
      // not an array: GCC keeps them in registers then.
      const float* block = in + at(0, ox * stride - pad, s.width, s.channels);
      for (std::size_t c = 0; c < channels; c += kLanes) {
        Lanes sum0;
        load(sum0, bias + c);
        Lanes sum1 = sum0;
        Lanes sum2 = sum0;
        Lanes sum3 = sum0;
        for (int ky = ky_begin; ky < ky_end; ++ky) {
          const float* src = block + at(y0 + ky, 0, s.width, s.channels) + c;
          const float* tap = weights + static_cast<std::size_t>(ky) * 3 * channels + c;
          for (std::size_t kx = 0; kx < 3; ++kx, src += channels, tap += channels) {
            Lanes w;
            load(w, tap);
            Lanes pixel;
            load(pixel, src);
            sum0 += pixel * w;
            load(pixel, src + step);
            sum1 += pixel * w;
            load(pixel, src + 2 * step);
            sum2 += pixel * w;
            load(pixel, src + 3 * step);
            sum3 += pixel * w;
          }
        }
        finish(ox, c, sum0);
        finish(ox + 1, c, sum1);
        finish(ox + 2, c, sum2);
        finish(ox + 3, c, sum3);
      }
    }
    for (; ox < o.width; ++ox) one(ox);
  }
}

bool runs_direct(const Layer& layer) {
  return !layer.depthwise && layer.kernel == 3 && layer.in_channels <= kDirectMaxInputs &&
         layer.out_channels % static_cast<int>(kDirectOutputGroup) == 0;
}

namespace {

constexpr std::size_t kGroupLanes = kDirectOutputGroup / kLanes;

// What direct_conv() reads for one output row.
struct DirectRow {
  const Layer& layer;
  const float* in;
  const Shape& s;
  int y0;        // the input row of kernel row 0
  int ky_begin;  // the kernel rows inside the image
  int ky_end;
};

// The outputs of N neighbouring pixels (stride apart) whose kernels start at input column x0,
// kernel columns [kx_begin, kx_end) inside the image, into out (N pixels of o.channels). For one
// kernel row the taps (kx, input channel) are consecutive in the input and in the weights; each
// weight vector is loaded once for the N pixels, and the N x kGroupLanes sums stay in registers
// (fully unrolled).
template <std::size_t N>
[[gnu::always_inline]] inline void direct_pixels(const DirectRow& row, int x0, int kx_begin,
                                                 int kx_end, float* out) {
  const auto ins = static_cast<std::size_t>(row.s.channels);
  const auto outs = static_cast<std::size_t>(row.layer.out_channels);
  const std::size_t step = static_cast<std::size_t>(row.layer.stride) * ins;
  const std::size_t taps = static_cast<std::size_t>(std::max(0, kx_end - kx_begin)) * ins;
  const Lanes zero{};
  const Lanes six = zero + 6.0f;
  for (std::size_t c = 0; c < outs; c += kDirectOutputGroup) {
    Lanes sums[N][kGroupLanes];
#pragma GCC unroll 8
    for (std::size_t i = 0; i < N; ++i) {
#pragma GCC unroll 4
      for (std::size_t g = 0; g < kGroupLanes; ++g) {
        load(sums[i][g], &row.layer.bias[c + g * kLanes]);
      }
    }
    for (int ky = row.ky_begin; ky < row.ky_end; ++ky) {
      const float* pixel = row.in + at(row.y0 + ky, x0 + kx_begin, row.s.width, row.s.channels);
      const float* w =
          row.layer.weights.data() + static_cast<std::size_t>(ky * 3 + kx_begin) * ins * outs + c;
      for (std::size_t t = 0; t < taps; ++t, w += outs) {
        Lanes tap[kGroupLanes];
#pragma GCC unroll 4
        for (std::size_t g = 0; g < kGroupLanes; ++g) load(tap[g], w + g * kLanes);
#pragma GCC unroll 8
        for (std::size_t i = 0; i < N; ++i) {
          const float v = pixel[t + i * step];
#pragma GCC unroll 4
          for (std::size_t g = 0; g < kGroupLanes; ++g) sums[i][g] += v * tap[g];
        }
      }
    }
#pragma GCC unroll 8
    for (std::size_t i = 0; i < N; ++i) {
#pragma GCC unroll 4
      for (std::size_t g = 0; g < kGroupLanes; ++g) {
        Lanes sum = sums[i][g];
        if (row.layer.relu6) {
          sum = sum < zero ? zero : sum;
          sum = sum > six ? six : sum;
        }
        store(out + i * outs + c + g * kLanes, sum);
      }
    }
  }
}

// The output rows [0, rows) of a layer runs_direct() takes. No lambdas inside: a lambda is a
// function of its own, compiled for baseline x86-64 whichever clone calls it.
FINDME_VECTORISED void direct_conv(const Layer& layer, const float* in, const Shape& s,
                                   const Shape& o, int rows, float* out) {
  const int pad = pad_before(layer);
  const int stride = layer.stride;
  // The output columns whose 3 input columns are all inside the image.
  const int inner_begin = (pad + stride - 1) / stride;
  const int inner_end = std::max(inner_begin, std::min(o.width, (s.width - 3 + pad) / stride + 1));
  for (int oy = 0; oy < rows; ++oy) {
    const int y0 = oy * stride - pad;
    const DirectRow row{layer, in, s, y0, std::max(0, -y0), std::min(3, s.height - y0)};
    for (int ox = 0; ox < o.width;) {
      const int x0 = ox * stride - pad;
      float* dst = out + at(oy, ox, o.width, o.channels);
      if (ox >= inner_begin && ox + 2 <= inner_end) {
        direct_pixels<2>(row, x0, 0, 3, dst);
        ox += 2;
      } else {  // a border column: the taps outside the image skipped
        direct_pixels<1>(row, x0, std::max(0, -x0), std::min(3, s.width - x0), dst);
        ++ox;
      }
    }
  }
}

}  // namespace

void full_conv(const Layer& layer, const float* in, const Shape& s, const Shape& o, int rows,
               std::vector<float>& col, float* out) {
  if (runs_direct(layer)) {
    direct_conv(layer, in, s, o, rows, out);
    return;
  }
  const int pixels = rows * o.width;
  const int depth = layer.kernel * layer.kernel * s.channels;
  const std::size_t needed = static_cast<std::size_t>(pixels) * static_cast<std::size_t>(depth);
  if (col.size() < needed) col.resize(needed);
  im2col(layer, in, s, o, rows, col.data());
  gemm(layer, col.data(), pixels, depth, out);
}

void im2col(const Layer& layer, const float* in, const Shape& s, const Shape& o, int rows,
            float* col) {
  const int k = layer.kernel;
  const int pad = pad_before(layer);
  const auto channels = static_cast<std::size_t>(s.channels);
  for (int oy = 0; oy < rows; ++oy) {
    for (int ox = 0; ox < o.width; ++ox) {
      for (int ky = 0; ky < k; ++ky) {
        const int iy = oy * layer.stride + ky - pad;
        for (int kx = 0; kx < k; ++kx) {
          const int ix = ox * layer.stride + kx - pad;
          // Plain loops: the first layer's rows are 3 floats, too short for memcpy calls.
          if (iy < 0 || iy >= s.height || ix < 0 || ix >= s.width) {
            for (std::size_t c = 0; c < channels; ++c) col[c] = 0.0f;
          } else {
            const float* src = in + at(iy, ix, s.width, s.channels);
            for (std::size_t c = 0; c < channels; ++c) col[c] = src[c];
          }
          col += channels;
        }
      }
    }
  }
}

}  // namespace findme::face::model::channel_last
