#include "face/model/recognition_weights.h"

#include <array>
#include <map>
#include <string_view>
#include <utility>

#include "face/model/tfjs_weights.h"

namespace findme::face::model {
namespace {

// tools/model-assets.sha256: the files tools/fetch_models.sh pins.
constexpr std::string_view kManifestSha256 =
    "cbaffa501b0b9275a12b63357a6843e7e30c054e1c9151e1a5f879b26e32986b";
constexpr std::string_view kBinSha256 =
    "b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589";
constexpr std::string_view kFetchHint = "run tools/fetch_models.sh";

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

std::string shape_string(const std::vector<int>& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    text += (i ? ", " : "") + std::to_string(shape[i]);
  }
  return text + "]";
}

Error fail(const std::string& what) { return make_error(Errc::internal, "face model: " + what); }

// Hands out each tensor of the manifest once, by name and expected shape.
class TensorTaker {
 public:
  static Result<TensorTaker> make(std::vector<WeightTensor> tensors) {
    TensorTaker taker;
    for (std::size_t i = 0; i < tensors.size(); ++i) {
      if (!taker.index_.emplace(tensors[i].name, i).second) {
        return fail("tensor '" + tensors[i].name + "' appears twice in the manifest");
      }
    }
    taker.used_.assign(tensors.size(), false);
    taker.tensors_ = std::move(tensors);
    return taker;
  }

  Result<const WeightTensor*> take(const std::string& name, const std::vector<int>& shape) {
    const auto found = index_.find(name);
    if (found == index_.end()) {
      return fail("tensor '" + name + "' is missing from the manifest");
    }
    const WeightTensor& tensor = tensors_[found->second];
    if (tensor.shape != shape) {
      return fail("tensor '" + name + "' has shape " + shape_string(tensor.shape) + ", expected " +
                  shape_string(shape));
    }
    used_[found->second] = true;
    return &tensor;
  }

  Result<void> check_all_used() const {
    for (std::size_t i = 0; i < tensors_.size(); ++i) {
      if (!used_[i]) {
        return fail("tensor '" + tensors_[i].name + "' is not used by the network");
      }
    }
    return {};
  }

 private:
  std::vector<WeightTensor> tensors_;
  std::map<std::string, std::size_t> index_;
  std::vector<bool> used_;
};

cv::Mat row_of(const WeightTensor& tensor) {
  return cv::Mat(1, static_cast<int>(tensor.values.size()), CV_32F,
                 const_cast<float*>(tensor.values.data()))
      .clone();
}

// TF.js filters are [h, w, in, out]; OpenCV (and dlib) want [out, in, h, w].
cv::Mat filters_of(const WeightTensor& tensor) {
  const std::array<int, 4> dims{tensor.shape[3], tensor.shape[2], tensor.shape[0], tensor.shape[1]};
  const auto h = static_cast<std::size_t>(tensor.shape[0]);
  const auto w = static_cast<std::size_t>(tensor.shape[1]);
  const auto in = static_cast<std::size_t>(tensor.shape[2]);
  const auto out = static_cast<std::size_t>(tensor.shape[3]);
  cv::Mat filters(4, dims.data(), CV_32F);
  float* dst = filters.ptr<float>();
  for (std::size_t o = 0; o < out; ++o) {
    for (std::size_t i = 0; i < in; ++i) {
      for (std::size_t y = 0; y < h; ++y) {
        for (std::size_t x = 0; x < w; ++x) {
          *dst++ = tensor.values[((y * w + x) * in + i) * out + o];
        }
      }
    }
  }
  return filters;
}

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
  const std::filesystem::path manifest =
      package_dir / "model" / "face_recognition_model-weights_manifest.json";
  if (Result<void> ok = verify_sha256(manifest, kManifestSha256, kFetchHint); !ok) {
    return ok.error();
  }
  const std::filesystem::path bin = package_dir / "model" / "face_recognition_model.bin";
  if (Result<void> ok = verify_sha256(bin, kBinSha256, kFetchHint); !ok) {
    return ok.error();
  }
  return from_manifest(manifest);
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
