#include "face/model/mobilefacenet_net.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <string_view>
#include <utility>

#include "face/model/tensor_taker.h"
#include "face/model/tfjs_net_builder.h"
#include "face/model/tfjs_weights.h"

namespace findme::face::model {
namespace {

// tools/model-assets-human.sha256: the files tools/fetch_models.sh pins.
constexpr std::string_view kJsonSha256 =
    "bfbf27662ca1080dfd1b0a884aa166c135c1b7746b57385ecb44268828beb82a";
constexpr std::string_view kBinSha256 =
    "c60e392478df0a2fd756f9a230c9935a04d136e9d3bf12e99a850d4802806089";

constexpr int kSide = MobileFaceNetWeights::kInputSize;
constexpr std::size_t kPlane = std::size_t{kSide} * kSide;

// The graph ends Squeeze -> Square -> Sum -> Maximum(1e-10) -> Rsqrt -> Mul: an L2 normalisation
// of the last convolution, done here in C++ instead.
constexpr std::string_view kSqueeze = "MobileFaceNet/Logits/SpatialSqueeze";
constexpr std::string_view kNormalisation[] = {"embeddings/Sum/reduction_indices",
                                               "embeddings/Maximum/y"};

bool is_chip(const image::RgbImage& chip) {
  return chip.width == kSide && chip.height == kSide && chip.pixels.size() == kPlane * 3;
}

cv::Mat to_blob(const image::RgbImage& chip) {
  const std::array<int, 4> dims{1, 3, kSide, kSide};
  cv::Mat blob(4, dims.data(), CV_32F);
  float* out = blob.ptr<float>();
  for (std::size_t c = 0; c < 3; ++c) {
    for (std::size_t i = 0; i < kPlane; ++i) {
      *out++ = (static_cast<float>(chip.pixels[3 * i + c]) - 127.5f) / 128.0f;
    }
  }
  return blob;
}

}  // namespace

Result<MobileFaceNetWeights> MobileFaceNetWeights::load(const std::filesystem::path& package_dir) {
  static constexpr std::string_view kFetchHint = "run tools/fetch_models.sh";
  const std::filesystem::path json = package_dir / "models" / "mobilefacenet.json";
  if (Result<void> ok = verify_sha256(json, kJsonSha256, kFetchHint); !ok) {
    return ok.error();
  }
  if (Result<void> ok =
          verify_sha256(package_dir / "models" / "mobilefacenet.bin", kBinSha256, kFetchHint);
      !ok) {
    return ok.error();
  }
  return from_model_json(json);
}

Result<MobileFaceNetWeights> MobileFaceNetWeights::from_model_json(
    const std::filesystem::path& json) {
  Result<TfjsGraph> graph = read_tfjs_graph(json);
  if (!graph) {
    return graph.error();
  }
  return MobileFaceNetWeights(std::move(*graph));
}

Result<MobileFaceNet> MobileFaceNet::create(const MobileFaceNetWeights& weights) {
  MobileFaceNet mfn;
  try {
    Result<TensorTaker> taker = TensorTaker::make(weights.graph().weights);
    if (!taker) {
      return taker.error();
    }
    TfjsNetBuilder builder("mobilefacenet", weights.graph(), {3, kSide, kSide}, mfn.net_, *taker);
    const GraphNode* squeeze = builder.node(std::string(kSqueeze));
    if (squeeze == nullptr || squeeze->op != "Squeeze" || squeeze->inputs.size() != 1) {
      return builder.bad(std::string(kSqueeze), "missing, or not the Squeeze of the descriptor");
    }
    Result<BuiltNode> last = builder.build(squeeze->inputs[0]);
    if (!last) {
      return last.error();
    }
    if (last->channels != MobileFaceNetWeights::kDescriptorSize || last->height != 1 ||
        last->width != 1) {
      return builder.bad(squeeze->inputs[0], "output is not 192 x 1 x 1");
    }
    for (const std::string_view name : kNormalisation) {
      if (Result<const WeightTensor*> used = builder.weight(std::string(name)); !used) {
        return used.error();
      }
    }
    if (Result<void> used = taker->check_all_used(); !used) {
      return used.error();
    }
    mfn.output_ = squeeze->inputs[0];
    mfn.net_.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    mfn.net_.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    const image::RgbImage grey{kSide, kSide, std::vector<std::uint8_t>(kPlane * 3, 128)};
    Result<std::vector<std::vector<float>>> warm = mfn.describe({&grey, 1});
    if (!warm) {
      return warm.error();
    }
  } catch (const std::exception& e) {
    return make_error(
        Errc::internal,
        std::string("face model: OpenCV refused the MobileFaceNet network: ") + e.what());
  }
  return mfn;
}

Result<std::vector<std::vector<float>>> MobileFaceNet::describe(
    std::span<const image::RgbImage> chips) {
  for (std::size_t i = 0; i < chips.size(); ++i) {
    if (!is_chip(chips[i])) {
      return make_error(Errc::internal, "face chip " + std::to_string(i) + " is " +
                                            std::to_string(chips[i].width) + "x" +
                                            std::to_string(chips[i].height) +
                                            ", expected a 112x112 RGB chip");
    }
  }
  std::vector<std::vector<float>> out;
  out.reserve(chips.size());
  try {
    for (const image::RgbImage& chip : chips) {
      net_.setInput(to_blob(chip));
      const cv::Mat result = net_.forward(output_);
      const float* v = result.ptr<float>();
      double norm = 0;
      for (int i = 0; i < MobileFaceNetWeights::kDescriptorSize; ++i) {
        norm += static_cast<double>(v[i]) * v[i];
      }
      const float scale = static_cast<float>(1.0 / std::sqrt(std::max(norm, 1e-10)));
      std::vector<float>& d = out.emplace_back(MobileFaceNetWeights::kDescriptorSize);
      for (int i = 0; i < MobileFaceNetWeights::kDescriptorSize; ++i) {
        d[static_cast<std::size_t>(i)] = v[i] * scale;
      }
    }
  } catch (const std::exception& e) {
    return make_error(Errc::internal, std::string("face model: MobileFaceNet failed: ") + e.what());
  }
  return out;
}

}  // namespace findme::face::model
