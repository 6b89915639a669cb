// Winograd F(2x2, 3x3) convolution for GemmFaceEmbedder's 3x3 stride-1 layers: each 2x2 output
// tile takes 16 multiplies per channel pair instead of 36, as 16 OpenBLAS GEMMs over the tiles
// with transforms before and after. Same sums as the direct convolution up to float rounding.
#pragma once

#include <span>
#include <vector>

#include "face/model/conv_gemm.h"
#include "face/model/packed_recognition_weights.h"

namespace findme::face::model {

// The Winograd-domain filters U = G g G^T of filters in PackedConv::filters' layout
// ([3, 3, in, out]): row-major [16, in, out], element (xi, c, o) at (xi * in + c) * out + o.
std::vector<float> winograd_filters(const std::vector<float>& filters, int in_channels,
                                    int out_channels);

// Floats of scratch winograd_conv needs at the least (one tile).
std::size_t winograd_min_scratch(const PackedConv& conv);

// As conv_gemm, for a conv with kernel 3, stride 1, padding 1 and non-empty `winograd` filters.
// The tiles run in chunks that fit `scratch` (at least winograd_min_scratch(conv) floats).
void winograd_conv(const PackedConv& conv, const float* in, const NhwcShape& shape, float* out,
                   std::span<float> scratch, const float* residual, bool relu);

}  // namespace findme::face::model
