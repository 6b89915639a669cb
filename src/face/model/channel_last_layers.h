// Convolution layers on channel-last maps of one image (internal to face/model): the three kinds
// the MobileNet-style nets use (1x1 as sgemm, 3x3 full as im2col + sgemm or, on few input
// channels, direct loops, 3x3 depthwise as direct loops), with bias and optional ReLU6.
// GemmSsdNet and GemmLandmarkNet are built of them.
#pragma once

#include <cstddef>
#include <vector>

#include "core/result.h"
#include "face/model/ssd_weights.h"

namespace findme::face::model::channel_last {

// One convolution, repacked for channel-last tensors.
struct Layer {
  int in_channels = 0;
  int out_channels = 0;
  int kernel = 1;
  int stride = 1;
  bool depthwise = false;
  bool relu6 = true;
  std::vector<float> weights;  // full: [ky][kx][in][out]; depthwise: [ky][kx][channel]
  std::vector<float> bias;     // [out]
};

// Channels go in groups of this many in the loops below: a fixed inner trip count is what lets
// GCC vectorise at -O2 (as in conv_gemm.cpp). The backbone's and the extras' channel counts are
// multiples of it; the predictors' (9 to 24) end in a scalar tail.
inline constexpr std::size_t kLanes = 8;

// A [height, width, channels] tensor of one image.
struct Shape {
  int height = 0;
  int width = 0;
  int channels = 0;
  std::size_t size() const {
    return static_cast<std::size_t>(height) * static_cast<std::size_t>(width) *
           static_cast<std::size_t>(channels);
  }
};

inline std::size_t at(int y, int x, int width, int channels) {
  return (static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
          static_cast<std::size_t>(x)) *
         static_cast<std::size_t>(channels);
}

// Repacked for channel-last maps: full kernels [ky][kx][in][out], depthwise [ky][kx][channel].
// Errors: Errc::internal for a shape this port does not know.
Result<Layer> repack(const SsdConv& conv);

// TF "same" padding as SsdNet builds it: stride 1 pads kernel / 2 on every side; stride 2 pads
// nothing before and one row and column after (on even sides, TF's split of the total 1).
Shape output_shape(const Layer& layer, const Shape& in);
int pad_before(const Layer& layer);

// out[pixels, out] = rows[pixels, K] x weights[K, out], then bias (and ReLU6).
void gemm(const Layer& layer, const float* rows, int pixels, int depth, float* out);

// out[pixels, out] += rows[pixels, K] x weights[K, out] + bias; no activation.
void gemm_add(const Layer& layer, const float* rows, int pixels, int depth, float* out);

// out[i] = max(in[i], 0); `in` and `out` do not overlap.
void relu(const float* in, std::size_t values, float* out);

// The output rows [0, rows) of a depthwise 3x3 layer, with bias (and ReLU6). REQUIRES: the channel
// count is a multiple of kLanes (repack() checks).
void depthwise(const Layer& layer, const float* in, const Shape& s, const Shape& o, int rows,
               float* out);

// Full 3x3 layers of up to this many input channels (both nets' first, on RGB) run as direct
// loops, kDirectOutputGroup output channels at a time, their sums in registers: as im2col +
// sgemm their GEMM is 27 deep and 32 wide, too thin for OpenBLAS (~18 GFLOP/s where the deep 1x1
// layers reach ~110).
inline constexpr int kDirectMaxInputs = 4;
inline constexpr std::size_t kDirectOutputGroup = 4 * kLanes;

// Whether full_conv() runs `layer` as direct loops (a full 3x3 one with few inputs and whole
// output groups).
bool runs_direct(const Layer& layer);

// The output rows [0, rows) of a full (not depthwise) layer, with bias (and ReLU6): direct loops
// when runs_direct(layer), else im2col() into `col` (grown as needed) and gemm(). Both give the
// same values up to float rounding.
void full_conv(const Layer& layer, const float* in, const Shape& s, const Shape& o, int rows,
               std::vector<float>& col, float* out);

// im2col rows [ky][kx][in] per output pixel of the output rows [0, rows), zeros outside the
// image.
void im2col(const Layer& layer, const float* in, const Shape& s, const Shape& o, int rows,
            float* col);

}  // namespace findme::face::model::channel_last
