// Folds each affine layer into its convolution and lays the filters out for an NHWC im2col GEMM.
#include "face/model/packed_recognition_weights.h"

#include <cstddef>

#include "face/model/winograd_conv.h"

namespace findme::face::model {
namespace {

PackedConv pack_conv(const ConvAffine& conv) {
  PackedConv packed;
  packed.in_channels = conv.in_channels;
  packed.out_channels = conv.out_channels;
  packed.kernel = conv.kernel;
  packed.stride = conv.stride;
  packed.padding = conv.padding();
  const auto out = static_cast<std::size_t>(conv.out_channels);
  const auto in = static_cast<std::size_t>(conv.in_channels);
  const auto k = static_cast<std::size_t>(conv.kernel);
  packed.filters.resize(k * k * in * out);
  packed.bias.resize(out);
  // filters is [out, in, k, k], contiguous: index ((o * in + c) * k + y) * k + x.
  const float* filters = conv.filters.ptr<float>();
  const float* bias = conv.bias.ptr<float>();
  const float* gamma = conv.gamma.ptr<float>();
  const float* beta = conv.beta.ptr<float>();
  for (std::size_t o = 0; o < out; ++o) {
    for (std::size_t c = 0; c < in; ++c) {
      for (std::size_t tap = 0; tap < k * k; ++tap) {
        packed.filters[(tap * in + c) * out + o] = filters[(o * in + c) * k * k + tap] * gamma[o];
      }
    }
    packed.bias[o] = bias[o] * gamma[o] + beta[o];
  }
  if (conv.kernel == 3 && conv.stride == 1 && conv.in_channels <= kWinogradMaxChannels) {
    packed.winograd = winograd_filters(packed.filters, conv.in_channels, conv.out_channels);
    packed.filters = {};
  }
  return packed;
}

// pack_conv() of a block's convolution: the im2col ones also get their panels (the stem, whose
// GEMMs have thousands of rows, does not need them).
PackedConv pack_block_conv(const ConvAffine& conv) {
  PackedConv packed = pack_conv(conv);
  if (packed.winograd.empty() && packed.out_channels % kPanelWidth == 0) {
    packed.panels = PanelMatrix::from_row_major(packed.filters, packed.rows(), packed.out_channels);
  }
  return packed;
}

}  // namespace

std::shared_ptr<const PackedRecognitionWeights> PackedRecognitionWeights::pack(
    const RecognitionWeights& weights) {
  static_assert(RecognitionWeights::kDescriptorSize == 128);
  std::shared_ptr<PackedRecognitionWeights> packed(new PackedRecognitionWeights());
  packed->stem_ = pack_conv(weights.stem());
  for (const ResidualBlock& block : weights.blocks()) {
    packed->blocks_.push_back(
        {block.downsample, pack_block_conv(block.conv1), pack_block_conv(block.conv2)});
  }
  // fc() is [descriptor, inputs] (InnerProduct's layout); the GEMM wants [inputs, descriptor].
  const cv::Mat& fc = weights.fc();
  constexpr auto kOutputs = static_cast<std::size_t>(RecognitionWeights::kDescriptorSize);
  packed->fc_.resize(std::size_t{kFcInputs} * kOutputs);
  for (std::size_t o = 0; o < kOutputs; ++o) {
    const float* row = fc.ptr<float>(static_cast<int>(o));
    for (std::size_t i = 0; i < std::size_t{kFcInputs}; ++i) {
      packed->fc_[i * kOutputs + o] = row[i];
    }
  }
  return packed;
}

}  // namespace findme::face::model
