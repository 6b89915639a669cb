// dlib's face-recognition ResNet (RecognitionWeights) repacked for GemmFaceEmbedder: each conv's
// affine layer folded into its filters and bias, filters laid out as the right-hand matrix of an
// im2col GEMM over channel-last (NHWC) activations.
#pragma once

#include <memory>
#include <vector>

#include "face/model/panel_gemm.h"
#include "face/model/recognition_weights.h"

namespace findme::face::model {

// One convolution with its affine layer folded in: conv(x) * gamma + beta becomes
// conv'(x) + bias' with filters' = filters * gamma and bias' = bias * gamma + beta.
struct PackedConv {
  int in_channels = 0;
  int out_channels = 0;
  int kernel = 0;
  int stride = 1;
  int padding = 0;
  // Row-major [kernel * kernel * in_channels, out_channels]; row (ky * kernel + kx) *
  // in_channels + c holds tap (ky, kx) of input channel c for every output channel. Empty when
  // `winograd` is used instead.
  std::vector<float> filters;
  // For the 3x3 stride-1 layers of up to kWinogradMaxChannels inputs: the filters in the
  // Winograd domain (winograd_conv.h), which run them ~1.5x faster; empty otherwise.
  std::vector<float> winograd;
  // `filters` again in panel_gemm's layout, which conv_gemm uses for GEMMs of a few dozen output
  // pixels (a chip's 4x4 and smaller maps); for the blocks' im2col layers, empty otherwise.
  PanelMatrix panels;
  std::vector<float> bias;  // out_channels

  int rows() const { return kernel * kernel * in_channels; }  // the GEMM's inner dimension
  int output_size(int input) const { return (input + 2 * padding - kernel) / stride + 1; }
};

// Wider layers have too few tiles per chip (4x4 pixels) for the 16 small GEMMs of the Winograd
// path to beat one im2col GEMM (bench/embedding_bench.cpp).
inline constexpr int kWinogradMaxChannels = 128;

struct PackedBlock {
  bool downsample = false;  // conv1 has stride 2; the shortcut is a 2x2/2 average pool
  PackedConv conv1;         // followed by ReLU
  PackedConv conv2;         // followed by the shortcut sum, then ReLU
};

// Immutable after pack() and thread-safe to share: every GemmFaceEmbedder reads the same copy
// (FaceModels hands one std::shared_ptr to all workers' engines). About 44 MB of floats, 18 of
// them the panels of the 256-channel layers.
class PackedRecognitionWeights {
 public:
  static constexpr int kFcInputs = 256;

  // Packs `weights` (which may be dropped afterwards). Cannot fail: RecognitionWeights has
  // checked every tensor's shape.
  static std::shared_ptr<const PackedRecognitionWeights> pack(const RecognitionWeights& weights);

  const PackedConv& stem() const { return stem_; }  // 7x7/2, 3 -> 32, then ReLU and max pool
  const std::vector<PackedBlock>& blocks() const { return blocks_; }
  // Row-major [kFcInputs, kDescriptorSize]: descriptor = pooled features x fc.
  const std::vector<float>& fc() const { return fc_; }

 private:
  PackedRecognitionWeights() = default;
  PackedConv stem_;
  std::vector<PackedBlock> blocks_;
  std::vector<float> fc_;
};

}  // namespace findme::face::model
