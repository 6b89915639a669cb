#include "face/model/ssd_weights.h"

#include <cmath>
#include <string_view>
#include <utility>

#include "face/model/tensor_taker.h"
#include "face/model/tfjs_weights.h"

namespace findme::face::model {
namespace {

// tools/model-assets.sha256: the files tools/fetch_models.sh pins.
constexpr PinnedModel kSsdModel{
    .name = "ssd_mobilenetv1_model",
    .manifest_sha256 = "888f744dffbc84f5f060d1f8427d9742341943a2dfaaf9205d10029b7e7a2955",
    .bin_sha256 = "2835640602d53718aa6ae9a42896327eaa21beefed056c218d32ca7d79e1e2f8",
};

// face-api's mobileNetV1.ts: tf.batchNorm's variance epsilon.
constexpr float kBatchNormEpsilon = 0.0010000000474974513f;

struct PairSpec {
  int in_channels;
  int out_channels;
  int stride;  // of the depthwise convolution
};
// MobileNet v1 (mobileNetV1.ts): depthwise strides 2 at pairs 2, 4, 6 and 12.
constexpr std::array<PairSpec, 13> kPairs{{
    {32, 64, 1},
    {64, 128, 2},
    {128, 128, 1},
    {128, 256, 2},
    {256, 256, 1},
    {256, 512, 2},
    {512, 512, 1},
    {512, 512, 1},
    {512, 512, 1},
    {512, 512, 1},
    {512, 512, 1},
    {512, 1024, 2},
    {1024, 1024, 1},
}};

struct ExtraSpec {
  int in_channels;
  int out_channels;
  int kernel;
  int stride;
};
// predictionLayer.ts: conv_0 .. conv_7.
constexpr std::array<ExtraSpec, 8> kExtras{{
    {1024, 256, 1, 1},
    {256, 512, 3, 2},
    {512, 128, 1, 1},
    {128, 256, 3, 2},
    {256, 128, 1, 1},
    {128, 256, 3, 2},
    {256, 64, 1, 1},
    {64, 128, 3, 2},
}};

// Channels of the map each predictor reads, and anchors per cell.
constexpr std::array<int, SsdWeights::kPredictorCount> kPredictorInputs{512, 1024, 512,
                                                                        256, 256,  128};
constexpr std::array<int, SsdWeights::kPredictorCount> kAnchorsPerCell{3, 6, 6, 6, 6, 6};
// Feature map sides at a 512 input: 32, 16, 8, 4, 2, 1; anchors per map = side^2 * per cell.
constexpr std::array<int, SsdWeights::kPredictorCount> kAnchorsPerMap{3072, 1536, 384, 96, 24, 6};
constexpr int kClassesPerAnchor = 3;  // background, face, and a third logit face-api ignores
constexpr int kBoxCoordinates = 4;

Error ssd_weights_error(const std::string& what) {
  return make_error(Errc::internal, "face model: " + what);
}

// A pointwise-style layer: conv filters plus "convolution_bn_offset" (batch norm folded by TF).
Result<SsdConv> take_offset_conv(TensorTaker& taker, const std::string& prefix, int in, int out,
                                 int kernel, int stride) {
  Result<const WeightTensor*> filters = taker.take(prefix + "/weights", {kernel, kernel, in, out});
  Result<const WeightTensor*> offset =
      filters ? taker.take(prefix + "/convolution_bn_offset", {out}) : filters;
  if (!offset) {
    return offset.error();
  }
  return SsdConv{prefix,          in, out, kernel, stride, false, true, filters_of(**filters),
                 row_of(**offset)};
}

// Depthwise 3x3 + batch norm, folded: w' = w * gamma / sqrt(var + eps),
// b = beta - mean * gamma / sqrt(var + eps).
Result<SsdConv> take_depthwise(TensorTaker& taker, const std::string& prefix, int channels,
                               int stride) {
  const std::vector<int> per_channel{channels};
  Result<const WeightTensor*> filters =
      taker.take(prefix + "/depthwise_weights", {3, 3, channels, 1});
  Result<const WeightTensor*> gamma =
      filters ? taker.take(prefix + "/BatchNorm/gamma", per_channel) : filters;
  Result<const WeightTensor*> beta =
      gamma ? taker.take(prefix + "/BatchNorm/beta", per_channel) : gamma;
  Result<const WeightTensor*> mean =
      beta ? taker.take(prefix + "/BatchNorm/moving_mean", per_channel) : beta;
  Result<const WeightTensor*> variance =
      mean ? taker.take(prefix + "/BatchNorm/moving_variance", per_channel) : mean;
  if (!variance) {
    return variance.error();
  }
  // [3, 3, C, 1] in TF order is [1, C, 3, 3] for filters_of(), the same memory as [C, 1, 3, 3].
  const std::array<int, 4> dims{channels, 1, 3, 3};
  cv::Mat folded = filters_of(**filters).reshape(1, 4, dims.data()).clone();
  cv::Mat bias(1, channels, CV_32F);
  for (int c = 0; c < channels; ++c) {
    const auto i = static_cast<std::size_t>(c);
    const float scale = (*gamma)->values[i] / std::sqrt((*variance)->values[i] + kBatchNormEpsilon);
    float* w = folded.ptr<float>() + static_cast<std::size_t>(9) * i;
    for (int k = 0; k < 9; ++k) {
      w[k] *= scale;
    }
    bias.at<float>(c) = (*beta)->values[i] - (*mean)->values[i] * scale;
  }
  return SsdConv{prefix, channels, channels, 3, stride, true, true, folded, bias};
}

Result<SsdConv> take_predictor_conv(TensorTaker& taker, const std::string& prefix, int in,
                                    int out) {
  Result<const WeightTensor*> filters = taker.take(prefix + "/weights", {1, 1, in, out});
  Result<const WeightTensor*> bias = filters ? taker.take(prefix + "/biases", {out}) : filters;
  if (!bias) {
    return bias.error();
  }
  return SsdConv{prefix, in, out, 1, 1, false, false, filters_of(**filters), row_of(**bias)};
}

// A graph constant of the TF model that face-api's TypeScript hard-codes: it must say what the
// port assumes, or this is another model than the one the port was written for.
Result<void> expect_constant(TensorTaker& taker, const std::string& name,
                             const std::vector<int>& shape, const std::vector<float>& expected) {
  Result<const WeightTensor*> tensor = taker.take(name, shape);
  if (!tensor) {
    return tensor.error();
  }
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (std::abs((*tensor)->values[i] - expected[i]) > 1e-6f) {
      return ssd_weights_error("graph constant '" + name + "' is " +
                               std::to_string((*tensor)->values[i]) + ", the port assumes " +
                               std::to_string(expected[i]));
    }
  }
  return {};
}

Result<void> check_constants(TensorTaker& taker) {
  const std::string box0 = "Prediction/BoxPredictor_0/";
  struct Constant {
    std::string name;
    std::vector<int> shape;
    std::vector<float> value;
  };
  std::vector<Constant> constants{
      {"Preprocessor/mul/x", {}, {1.0f / 127.5f}},  // pixels / 127.5 - 1
      {"Preprocessor/sub/y", {}, {1.0f}},
      {"Preprocessor/ResizeImage/size", {2}, {512, 512}},
      {box0 + "stack_1/2", {}, {kClassesPerAnchor}},
      {box0 + "stack/3", {}, {kBoxCoordinates}},
      {box0 + "strided_slice/stack", {1}, {0}},
      {box0 + "strided_slice/stack_1", {1}, {1}},
      {"Postprocessor/Slice/begin", {3}, {0, 0, 1}},  // drops the background logit
      {"Postprocessor/Slice/size", {3}, {-1, -1, -1}},
      {"Postprocessor/stack/1", {}, {SsdWeights::kAnchorCount}},
      {"concat_1/axis", {}, {1}},
  };
  for (int i = 0; i < SsdWeights::kPredictorCount; ++i) {
    constants.push_back({"Prediction/BoxPredictor_" + std::to_string(i) + "/stack_1/1",
                         {},
                         {static_cast<float>(kAnchorsPerMap[static_cast<std::size_t>(i)])}});
  }
  for (const Constant& c : constants) {
    if (Result<void> ok = expect_constant(taker, c.name, c.shape, c.value); !ok) {
      return ok;
    }
  }
  return {};
}

}  // namespace

Result<SsdWeights> SsdWeights::load(const std::filesystem::path& package_dir) {
  Result<std::filesystem::path> manifest = verified_manifest(package_dir, kSsdModel);
  if (!manifest) return manifest.error();
  return from_manifest(*manifest);
}

Result<SsdWeights> SsdWeights::from_manifest(const std::filesystem::path& manifest) {
  Result<std::vector<WeightTensor>> tensors = read_tfjs_weights(manifest);
  if (!tensors) {
    return tensors.error();
  }
  Result<TensorTaker> taker = TensorTaker::make(std::move(*tensors));
  if (!taker) {
    return taker.error();
  }
  SsdWeights weights;
  Result<SsdConv> conv = take_offset_conv(*taker, "MobilenetV1/Conv2d_0_pointwise", 3, 32, 3, 2);
  for (std::size_t i = 0; conv && i <= kPairs.size(); ++i) {
    weights.backbone_.push_back(std::move(*conv));
    if (i == kPairs.size()) {
      break;
    }
    const PairSpec& pair = kPairs[i];
    const std::string prefix = "MobilenetV1/Conv2d_" + std::to_string(i + 1);
    conv = take_depthwise(*taker, prefix + "_depthwise", pair.in_channels, pair.stride);
    if (conv) {
      weights.backbone_.push_back(std::move(*conv));
      conv = take_offset_conv(*taker, prefix + "_pointwise", pair.in_channels, pair.out_channels, 1,
                              1);
    }
  }
  for (std::size_t i = 0; conv && i < kExtras.size(); ++i) {
    const ExtraSpec& e = kExtras[i];
    conv = take_offset_conv(*taker, "Prediction/Conv2d_" + std::to_string(i) + "_pointwise",
                            e.in_channels, e.out_channels, e.kernel, e.stride);
    if (conv) {
      weights.extras_.push_back(std::move(*conv));
    }
  }
  if (!conv) {
    return conv.error();
  }
  for (std::size_t i = 0; i < weights.predictors_.size(); ++i) {
    const std::string prefix = "Prediction/BoxPredictor_" + std::to_string(i);
    const int anchors = kAnchorsPerCell[i];
    Result<SsdConv> boxes = take_predictor_conv(*taker, prefix + "/BoxEncodingPredictor",
                                                kPredictorInputs[i], anchors * kBoxCoordinates);
    Result<SsdConv> classes =
        boxes ? take_predictor_conv(*taker, prefix + "/ClassPredictor", kPredictorInputs[i],
                                    anchors * kClassesPerAnchor)
              : boxes;
    if (!classes) {
      return classes.error();
    }
    weights.predictors_[i] = SsdBoxPredictor{anchors, std::move(*boxes), std::move(*classes)};
  }
  Result<const WeightTensor*> anchors =
      taker->take("Output/extra_dim", {1, kAnchorCount, kBoxCoordinates});
  if (!anchors) {
    return anchors.error();
  }
  weights.anchors_ = row_of(**anchors).reshape(1, kAnchorCount);
  if (Result<void> ok = check_constants(*taker); !ok) {
    return ok.error();
  }
  if (Result<void> all = taker->check_all_used(); !all) {
    return all.error();
  }
  return weights;
}

}  // namespace findme::face::model
