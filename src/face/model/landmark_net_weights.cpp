#include "face/model/landmark_net_weights.h"

#include <utility>
#include <vector>

#include "face/model/tensor_taker.h"
#include "face/model/tfjs_weights.h"

namespace findme::face::model {
namespace {

// tools/model-assets.sha256: the files tools/fetch_models.sh pins.
constexpr PinnedModel kLandmarkModel{
    .name = "face_landmark_68_model",
    .manifest_sha256 = "ca4886639f86e99b39fed0c155f81b63317225773bd9616716e887b0153389c9",
    .bin_sha256 = "4611ef65c87d836d03d684b30eec4d195d8b219fa1dd58fc58945831c6b9299b",
};

constexpr std::array<int, 5> kChannels{3, 32, 64, 128, 256};  // FaceFeatureExtractor.ts
constexpr int kOutputs = 2 * LandmarkNetWeights::kPointCount;

// TF.js depthwise filters are [h, w, in, 1]; OpenCV's grouped convolution wants [in, 1, h, w].
cv::Mat depthwise_of(const WeightTensor& tensor) {
  const int h = tensor.shape[0];
  const int w = tensor.shape[1];
  const int in = tensor.shape[2];
  const std::array<int, 4> dims{in, 1, h, w};
  cv::Mat filters(4, dims.data(), CV_32F);
  float* dst = filters.ptr<float>();
  const auto rows = static_cast<std::size_t>(h);
  const auto cols = static_cast<std::size_t>(w);
  const auto channels = static_cast<std::size_t>(in);
  for (std::size_t c = 0; c < channels; ++c) {
    for (std::size_t y = 0; y < rows; ++y) {
      for (std::size_t x = 0; x < cols; ++x) {
        *dst++ = tensor.values[(y * cols + x) * channels + c];
      }
    }
  }
  return filters;
}

Result<LandmarkConv> take_conv(TensorTaker& taker, const std::string& prefix, int in, int out,
                               int stride, bool separable) {
  LandmarkConv conv{prefix, in, out, stride, {}, {}, {}};
  if (separable) {
    Result<const WeightTensor*> depthwise = taker.take(prefix + "/depthwise_filter", {3, 3, in, 1});
    Result<const WeightTensor*> pointwise =
        depthwise ? taker.take(prefix + "/pointwise_filter", {1, 1, in, out}) : depthwise;
    if (!pointwise) {
      return pointwise.error();
    }
    conv.depthwise = depthwise_of(**depthwise);
    conv.filters = filters_of(**pointwise);
  } else {
    Result<const WeightTensor*> filters = taker.take(prefix + "/filters", {3, 3, in, out});
    if (!filters) {
      return filters.error();
    }
    conv.filters = filters_of(**filters);
  }
  Result<const WeightTensor*> bias = taker.take(prefix + "/bias", {out});
  if (!bias) {
    return bias.error();
  }
  conv.bias = row_of(**bias);
  return conv;
}

std::int64_t conv_multiply_adds(int output_side, const LandmarkConv& conv) {
  const std::int64_t plane = std::int64_t{output_side} * output_side;
  if (!conv.separable()) {
    return plane * conv.out_channels * conv.in_channels * 9;
  }
  return plane * conv.in_channels * 9 + plane * conv.in_channels * conv.out_channels;
}

}  // namespace

Result<LandmarkNetWeights> LandmarkNetWeights::load(const std::filesystem::path& package_dir) {
  Result<std::filesystem::path> manifest = verified_manifest(package_dir, kLandmarkModel);
  if (!manifest) return manifest.error();
  return from_manifest(*manifest);
}

Result<LandmarkNetWeights> LandmarkNetWeights::from_manifest(
    const std::filesystem::path& manifest) {
  Result<std::vector<WeightTensor>> tensors = read_tfjs_weights(manifest);
  if (!tensors) {
    return tensors.error();
  }
  Result<TensorTaker> taker = TensorTaker::make(std::move(*tensors));
  if (!taker) {
    return taker.error();
  }
  LandmarkNetWeights weights;
  for (std::size_t b = 0; b < weights.blocks_.size(); ++b) {
    DenseBlock& block = weights.blocks_[b];
    block.name = "dense" + std::to_string(b);
    const int in = kChannels[b];
    const int out = kChannels[b + 1];
    for (std::size_t i = 0; i < block.convs.size(); ++i) {
      // Only the network's first convolution is plain (denseBlock4's isFirstLayer).
      Result<LandmarkConv> conv = take_conv(*taker, block.name + "/conv" + std::to_string(i),
                                            i == 0 ? in : out, out, i == 0 ? 2 : 1, b > 0 || i > 0);
      if (!conv) {
        return conv.error();
      }
      block.convs[i] = std::move(*conv);
    }
  }
  Result<const WeightTensor*> fc = taker->take("fc/weights", {kFeatures, kOutputs});
  Result<const WeightTensor*> fc_bias = fc ? taker->take("fc/bias", {kOutputs}) : fc;
  if (!fc_bias) {
    return fc_bias.error();
  }
  // TF.js multiplies [1, 256] x [256, 136]; InnerProduct wants [136, 256].
  weights.fc_weights_ = row_of(**fc).reshape(1, kFeatures).t();
  weights.fc_bias_ = row_of(**fc_bias);
  if (Result<void> all = taker->check_all_used(); !all) {
    return all.error();
  }
  return weights;
}

std::int64_t LandmarkNetWeights::multiply_adds_per_face() const {
  std::int64_t total = 0;
  int side = kInputSize;
  for (const DenseBlock& block : blocks_) {
    side /= 2;
    for (const LandmarkConv& conv : block.convs) {
      total += conv_multiply_adds(side, conv);
    }
  }
  return total + std::int64_t{kFeatures} * kOutputs;
}

}  // namespace findme::face::model
