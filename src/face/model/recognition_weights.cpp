#include "face/model/recognition_weights.h"

#include <array>
#include <string_view>
#include <utility>

#include "face/model/tensor_taker.h"
#include "face/model/tfjs_weights.h"

namespace findme::face::model {
namespace {

// tools/model-assets.sha256: the files tools/fetch_models.sh pins.
constexpr PinnedModel kRecognitionModel{
    .name = "face_recognition_model",
    .manifest_sha256 = "cbaffa501b0b9275a12b63357a6843e7e30c054e1c9151e1a5f879b26e32986b",
    .bin_sha256 = "b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589",
};

struct BlockSpec {
  const char* name;
  int in_channels;
  int out_channels;
  bool downsample;
};

// dlib_face_recognition_resnet_model_v1, input to output (face-api's FaceRecognitionNet.ts).
constexpr std::array<BlockSpec, 14> kBlocks{{
    {"conv32_1", 32, 32, false},
    {"conv32_2", 32, 32, false},
    {"conv32_3", 32, 32, false},
    {"conv64_down", 32, 64, true},
    {"conv64_1", 64, 64, false},
    {"conv64_2", 64, 64, false},
    {"conv64_3", 64, 64, false},
    {"conv128_down", 64, 128, true},
    {"conv128_1", 128, 128, false},
    {"conv128_2", 128, 128, false},
    {"conv256_down", 128, 256, true},
    {"conv256_1", 256, 256, false},
    {"conv256_2", 256, 256, false},
    {"conv256_down_out", 256, 256, true},
}};
constexpr int kStemChannels = 32;
constexpr int kStemKernel = 7;
constexpr int kFcInputs = 256;

Result<ConvAffine> take_conv(TensorTaker& taker, const std::string& prefix, int in, int out,
                             int kernel, int stride) {
  ConvAffine conv{prefix, in, out, kernel, stride, {}, {}, {}, {}};
  Result<const WeightTensor*> filters =
      taker.take(prefix + "/conv/filters", {kernel, kernel, in, out});
  Result<const WeightTensor*> bias = filters ? taker.take(prefix + "/conv/bias", {out}) : filters;
  Result<const WeightTensor*> gamma = bias ? taker.take(prefix + "/scale/weights", {out}) : bias;
  Result<const WeightTensor*> beta = gamma ? taker.take(prefix + "/scale/biases", {out}) : gamma;
  if (!beta) {
    return beta.error();
  }
  conv.filters = filters_of(**filters);
  conv.bias = row_of(**bias);
  conv.gamma = row_of(**gamma);
  conv.beta = row_of(**beta);
  return conv;
}

Result<ResidualBlock> take_block(TensorTaker& taker, const BlockSpec& spec) {
  const std::string name = spec.name;
  const int stride = spec.downsample ? 2 : 1;
  Result<ConvAffine> conv1 =
      take_conv(taker, name + "/conv1", spec.in_channels, spec.out_channels, 3, stride);
  if (!conv1) {
    return conv1.error();
  }
  Result<ConvAffine> conv2 =
      take_conv(taker, name + "/conv2", spec.out_channels, spec.out_channels, 3, 1);
  if (!conv2) {
    return conv2.error();
  }
  return ResidualBlock{name, spec.downsample, std::move(*conv1), std::move(*conv2)};
}

int conv_output_size(int input, const ConvAffine& conv) {
  return (input + 2 * conv.padding() - conv.kernel) / conv.stride + 1;
}

std::int64_t conv_multiply_adds(int output_size, const ConvAffine& conv) {
  return std::int64_t{output_size} * output_size * conv.out_channels * conv.in_channels *
         conv.kernel * conv.kernel;
}

}  // namespace

Result<RecognitionWeights> RecognitionWeights::load(const std::filesystem::path& package_dir) {
  Result<std::filesystem::path> manifest = verified_manifest(package_dir, kRecognitionModel);
  if (!manifest) return manifest.error();
  return from_manifest(*manifest);
}

Result<RecognitionWeights> RecognitionWeights::from_manifest(
    const std::filesystem::path& manifest) {
  Result<std::vector<WeightTensor>> tensors = read_tfjs_weights(manifest);
  if (!tensors) {
    return tensors.error();
  }
  Result<TensorTaker> taker = TensorTaker::make(std::move(*tensors));
  if (!taker) {
    return taker.error();
  }
  RecognitionWeights weights;
  Result<ConvAffine> stem = take_conv(*taker, "conv32_down", 3, kStemChannels, kStemKernel, 2);
  if (!stem) {
    return stem.error();
  }
  weights.stem_ = std::move(*stem);
  for (const BlockSpec& spec : kBlocks) {
    Result<ResidualBlock> block = take_block(*taker, spec);
    if (!block) {
      return block.error();
    }
    weights.blocks_.push_back(std::move(*block));
  }
  Result<const WeightTensor*> fc = taker->take("fc", {kFcInputs, kDescriptorSize});
  if (!fc) {
    return fc.error();
  }
  // TF.js multiplies [1, 256] x [256, 128]; InnerProduct wants [128, 256].
  weights.fc_ = row_of(**fc).reshape(1, kFcInputs).t();
  if (Result<void> all = taker->check_all_used(); !all) {
    return all.error();
  }
  return weights;
}

std::int64_t RecognitionWeights::multiply_adds_per_face() const {
  int size = conv_output_size(kInputSize, stem_);
  std::int64_t total = conv_multiply_adds(size, stem_);
  size = (size - 3) / 2 + 1;  // 3x3/2 max pool, rounding down
  for (const ResidualBlock& block : blocks_) {
    const int conv_size = conv_output_size(size, block.conv1);
    total += conv_multiply_adds(conv_size, block.conv1);
    total += conv_multiply_adds(conv_output_size(conv_size, block.conv2), block.conv2);
    size = block.downsample ? size / 2 : size;  // the sum takes the pooled shortcut's size
  }
  return total + std::int64_t{kFcInputs} * kDescriptorSize;
}

}  // namespace findme::face::model
