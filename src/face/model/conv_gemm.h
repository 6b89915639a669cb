// The layers of GemmFaceEmbedder's forward pass on channel-last (NHWC) float tensors:
// convolution as im2col + OpenBLAS sgemm (panel_gemm for a few dozen output pixels) with bias,
// shortcut and ReLU fused into the GEMM's output pass; max and average pooling; dlib's shortcut
// sum. No allocation: callers own every buffer.
#pragma once

#include <cstddef>
#include <span>

#include "face/model/packed_recognition_weights.h"

namespace findme::face::model {

// Dimensions of a [batch, height, width, channels] tensor stored densely, channel fastest.
struct NhwcShape {
  int batch = 0;
  int height = 0;
  int width = 0;
  int channels = 0;

  std::size_t size() const {
    return static_cast<std::size_t>(batch) * static_cast<std::size_t>(height) *
           static_cast<std::size_t>(width) * static_cast<std::size_t>(channels);
  }
  std::size_t per_image() const { return size() / static_cast<std::size_t>(batch); }
};

// The shape `conv` makes of `input` (same batch).
NhwcShape conv_output_shape(const PackedConv& conv, const NhwcShape& input);

// out = conv(in) + bias [+ residual], then max(0, .) when `relu`. `residual` is null or a
// tensor of the output's shape. `col` is scratch for the im2col rows; it must hold at least
// conv.rows() floats, and the convolution runs in chunks of col.size() / conv.rows() output
// pixels (larger chunks make larger, faster GEMMs; smaller ones stay in cache).
// REQUIRES: `out` holds conv_output_shape(conv, shape).size() floats and overlaps neither `in`
// nor `col`.
void conv_gemm(const PackedConv& conv, const float* in, const NhwcShape& shape, float* out,
               std::span<float> col, const float* residual, bool relu);

// 3x3 max pooling with stride 2, no padding, rounding the output size down (dlib's max_pool).
// Returns the output's shape.
NhwcShape max_pool_3x3_stride2(const float* in, const NhwcShape& shape, float* out);

// 2x2 average pooling with stride 2, rounding the output size down (dlib's avg_pool).
NhwcShape avg_pool_2x2_stride2(const float* in, const NhwcShape& shape, float* out);

// dlib's add_prev followed by ReLU for shapes that differ: the sum has the shortcut's height and
// width and the path's channels; the path's missing rows and columns (bottom, right) and the
// shortcut's missing channels count as zero. REQUIRES: path no larger than the shortcut in
// height and width, and no narrower in channels; same batch.
NhwcShape add_shortcut_relu(const float* path, const NhwcShape& path_shape, const float* shortcut,
                            const NhwcShape& shortcut_shape, float* out);

}  // namespace findme::face::model
