#include "face/model/blazeface_net.h"

#include <algorithm>
#include <array>
#include <exception>
#include <map>
#include <utility>

#include "face/model/tensor_taker.h"
#include "face/model/tfjs_net_builder.h"
#include "face/model/tfjs_weights.h"

namespace findme::face::model {
namespace {

// tools/model-assets-human.sha256: the files tools/fetch_models.sh pins.
constexpr std::string_view kJsonSha256 =
    "050937ba1fd6e6a368c55333cab6ada95c44ee26ac654c1ffb5ea40be556150f";
constexpr std::string_view kBinSha256 =
    "3a358946b1b8f13fc0bbba54e20a57475b73efbe1500579b00cffec026a10236";

struct Head {
  std::string conv;  // the convolution the Reshape reads
  int anchors = 0;   // rows of the reshaped output
  int values = 0;    // 1 (score) or 16 (box and keypoints)
  int per_cell = 0;
};

}  // namespace

Result<BlazeFaceWeights> BlazeFaceWeights::load(const std::filesystem::path& package_dir) {
  static constexpr std::string_view kFetchHint = "run tools/fetch_models.sh";
  const std::filesystem::path json = package_dir / "models" / "blazeface-front.json";
  if (Result<void> ok = verify_sha256(json, kJsonSha256, kFetchHint); !ok) {
    return ok.error();
  }
  if (Result<void> ok =
          verify_sha256(package_dir / "models" / "blazeface-front.bin", kBinSha256, kFetchHint);
      !ok) {
    return ok.error();
  }
  return from_model_json(json);
}

Result<BlazeFaceWeights> BlazeFaceWeights::from_model_json(const std::filesystem::path& json) {
  Result<TfjsGraph> graph = read_tfjs_graph(json);
  if (!graph) {
    return graph.error();
  }
  return BlazeFaceWeights(std::move(*graph));
}

namespace {

// The outputs are Identity <- Reshape(conv, [1, anchors, values]) (human's blazeface.ts sorts
// the four by size and concatenates [scores, boxes] per map, the 512-anchor map first).
Result<std::vector<Head>> heads_of(const TfjsGraph& graph, TfjsNetBuilder& builder) {
  std::map<std::string, const GraphNode*> nodes;
  for (const GraphNode& node : graph.nodes) {
    nodes[node.name] = &node;
  }
  std::vector<Head> heads;
  for (const GraphNode& node : graph.nodes) {
    if (node.op != "Identity") {
      continue;
    }
    const auto reshape = nodes.find(node.inputs.empty() ? std::string() : node.inputs[0]);
    if (reshape == nodes.end() || reshape->second->op != "Reshape" ||
        reshape->second->inputs.size() != 2) {
      return builder.bad(node.name, "an output that is not a Reshape");
    }
    const GraphNode& r = *reshape->second;
    Result<BuiltNode> conv = builder.build(r.inputs[0]);
    Result<const WeightTensor*> shape = conv ? builder.weight(r.inputs[1]) : conv.error();
    if (!shape) {
      return shape.error();
    }
    const std::vector<float>& v = (*shape)->values;
    if (v.size() != 3 || v[0] != 1 || (v[2] != 1 && v[2] != 16) ||
        v[1] * v[2] != static_cast<float>(conv->channels * conv->height * conv->width)) {
      return builder.bad(r.name, "reshape that does not fit [1, anchors, 1 or 16]");
    }
    heads.push_back({r.inputs[0], static_cast<int>(v[1]), static_cast<int>(v[2]),
                     conv->channels / static_cast<int>(v[2])});
  }
  std::sort(heads.begin(), heads.end(), [](const Head& a, const Head& b) {
    return a.anchors != b.anchors ? a.anchors > b.anchors : a.values < b.values;
  });
  int total = 0;
  for (std::size_t i = 0; i < heads.size(); i += 2) {
    total += heads[i].anchors;
  }
  if (heads.size() != 4 || heads[0].anchors != heads[1].anchors ||
      heads[2].anchors != heads[3].anchors || heads[0].values != 1 || heads[1].values != 16 ||
      heads[2].values != 1 || heads[3].values != 16 || total != BlazeFaceWeights::kAnchorCount) {
    return make_error(Errc::internal,
                      "face model: blazeface-front: outputs are not two maps of scores and boxes "
                      "making 896 anchors");
  }
  return heads;
}

}  // namespace

Result<BlazeFaceNet> BlazeFaceNet::create(const BlazeFaceWeights& weights) {
  BlazeFaceNet blaze;
  try {
    Result<TensorTaker> taker = TensorTaker::make(weights.graph().weights);
    if (!taker) {
      return taker.error();
    }
    constexpr int kSide = BlazeFaceWeights::kInputSize;
    TfjsNetBuilder builder("blazeface-front", weights.graph(), {3, kSide, kSide}, blaze.net_,
                           *taker);
    Result<std::vector<Head>> heads = heads_of(weights.graph(), builder);
    if (!heads) {
      return heads.error();
    }
    if (Result<void> used = taker->check_all_used(); !used) {
      return used.error();
    }
    for (std::size_t i = 0; i < heads->size(); i += 2) {
      blaze.heads_.push_back({(*heads)[i].conv, (*heads)[i + 1].conv, (*heads)[i].per_cell});
      blaze.names_.push_back((*heads)[i].conv);
      blaze.names_.push_back((*heads)[i + 1].conv);
    }
    blaze.net_.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    blaze.net_.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    const std::array<int, 4> dims{1, 3, kSide, kSide};
    Result<cv::Mat> warm = blaze.run(cv::Mat(4, dims.data(), CV_32F, cv::Scalar(0)));
    if (!warm) {
      return warm.error();
    }
  } catch (const std::exception& e) {
    return make_error(Errc::internal,
                      std::string("face model: OpenCV refused the BlazeFace network: ") + e.what());
  }
  return blaze;
}

Result<cv::Mat> BlazeFaceNet::run(const cv::Mat& input) {
  std::vector<cv::Mat> blobs;
  try {
    net_.setInput(input);
    net_.forward(blobs, names_);
  } catch (const std::exception& e) {
    return make_error(Errc::internal, std::string("face detection failed: ") + e.what());
  }
  cv::Mat out(BlazeFaceWeights::kAnchorCount, BlazeFaceWeights::kValues, CV_32F);
  int row = 0;
  // Blobs are NCHW; TF's Reshape of an NHWC map makes anchor (y, x, k) row
  // (y * W + x) * per_cell + k, its value j sitting in channel k * values + j.
  for (std::size_t h = 0; h < heads_.size(); ++h) {
    const cv::Mat& scores = blobs[2 * h];
    const cv::Mat& boxes = blobs[2 * h + 1];
    const int per_cell = heads_[h].anchors_per_cell;
    const int plane = scores.size[2] * scores.size[3];
    if (scores.size[1] != per_cell || boxes.size[1] != per_cell * (BlazeFaceWeights::kValues - 1) ||
        row + plane * per_cell > out.rows) {
      return make_error(Errc::internal, "face detection: BlazeFace outputs of unexpected shape");
    }
    const float* s = scores.ptr<float>();
    const float* b = boxes.ptr<float>();
    for (int cell = 0; cell < plane; ++cell) {
      for (int k = 0; k < per_cell; ++k, ++row) {
        float* dst = out.ptr<float>(row);
        dst[0] = s[k * plane + cell];
        for (int j = 0; j < BlazeFaceWeights::kValues - 1; ++j) {
          dst[1 + j] = b[(k * (BlazeFaceWeights::kValues - 1) + j) * plane + cell];
        }
      }
    }
  }
  if (row != out.rows) {
    return make_error(Errc::internal, "face detection: BlazeFace gave too few anchors");
  }
  return out;
}

}  // namespace findme::face::model
