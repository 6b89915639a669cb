#include "face/model/gemm_ssd_layers.h"

#include <algorithm>
#include <array>
#include <string>

#include <cblas.h>

namespace findme::face::model::gemm_ssd {
namespace {

void bias_and_clamp(const Layer& layer, float* __restrict out, std::size_t pixels) {
  const auto channels = static_cast<std::size_t>(layer.out_channels);
  const std::size_t vector_part = channels - channels % kLanes;
  const float* __restrict bias = layer.bias.data();
  for (std::size_t p = 0; p < pixels; ++p, out += channels) {
    for (std::size_t c = 0; c < vector_part; c += kLanes) {
      float* __restrict o = out + c;
      const float* __restrict b = bias + c;
      if (layer.relu6) {
        for (std::size_t l = 0; l < kLanes; ++l) o[l] = std::min(std::max(o[l] + b[l], 0.0f), 6.0f);
      } else {
        for (std::size_t l = 0; l < kLanes; ++l) o[l] += b[l];
      }
    }
    for (std::size_t c = vector_part; c < channels; ++c) {
      out[c] = layer.relu6 ? std::min(std::max(out[c] + bias[c], 0.0f), 6.0f) : out[c] + bias[c];
    }
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
    return make_error(Errc::internal, "face model: unexpected SSD layer shape " + conv.name);
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
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, pixels, layer.out_channels, depth, 1.0f,
              rows, depth, layer.weights.data(), layer.out_channels, 0.0f, out, layer.out_channels);
  bias_and_clamp(layer, out, static_cast<std::size_t>(pixels));
}

void depthwise(const Layer& layer, const float* in, const Shape& s, const Shape& o, int rows,
               float* out) {
  const int pad = pad_before(layer);
  const auto channels = static_cast<std::size_t>(s.channels);
  for (int oy = 0; oy < rows; ++oy) {
    const int y0 = oy * layer.stride - pad;
    for (int ox = 0; ox < o.width; ++ox) {
      const int x0 = ox * layer.stride - pad;
      float* __restrict dst = out + at(oy, ox, o.width, o.channels);
      for (std::size_t c = 0; c < channels; c += kLanes) {
        std::array<float, kLanes> acc{};
        for (std::size_t l = 0; l < kLanes; ++l) acc[l] = layer.bias[c + l];
        for (int ky = 0; ky < 3; ++ky) {
          const int iy = y0 + ky;
          if (iy < 0 || iy >= s.height) continue;
          for (int kx = 0; kx < 3; ++kx) {
            const int ix = x0 + kx;
            if (ix < 0 || ix >= s.width) continue;
            const float* __restrict src = in + at(iy, ix, s.width, s.channels) + c;
            const float* __restrict w =
                layer.weights.data() + static_cast<std::size_t>(ky * 3 + kx) * channels + c;
            for (std::size_t l = 0; l < kLanes; ++l) acc[l] += src[l] * w[l];
          }
        }
        for (std::size_t l = 0; l < kLanes; ++l) {
          dst[c + l] = std::min(std::max(acc[l], 0.0f), 6.0f);
        }
      }
    }
  }
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

}  // namespace findme::face::model::gemm_ssd
