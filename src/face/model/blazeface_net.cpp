#include "face/model/blazeface_net.h"

#include <algorithm>
#include <array>
#include <exception>
#include <map>
#include <utility>

#include "face/model/tensor_taker.h"
#include "face/model/tfjs_weights.h"

namespace findme::face::model {
namespace {

// tools/model-assets-human.sha256: the files tools/fetch_models.sh pins.
constexpr std::string_view kJsonSha256 =
    "050937ba1fd6e6a368c55333cab6ada95c44ee26ac654c1ffb5ea40be556150f";
constexpr std::string_view kBinSha256 =
    "3a358946b1b8f13fc0bbba54e20a57475b73efbe1500579b00cffec026a10236";

Error bad(const std::string& node, const std::string& what) {
  return make_error(Errc::internal, "face model: blazeface-front: node '" + node + "': " + what);
}

struct Built {
  int id = 0;  // layer id; 0 is the net's input
  int channels = 0;
  int height = 0;
  int width = 0;
};

struct Pads {
  int before = 0;
  int after = 0;
  int out = 0;
};

// TF's output size and padding: "SAME" pads total = (out - 1) * stride + kernel - in, the odd
// pixel going after (bottom, right); "VALID" pads none.
Pads pads_of(const std::string& padding, int in, int kernel, int stride) {
  if (padding == "SAME") {
    const int out = (in + stride - 1) / stride;
    const int total = std::max((out - 1) * stride + kernel - in, 0);
    return {total / 2, total - total / 2, out};
  }
  return {0, 0, (in - kernel) / stride + 1};
}

// Builds the net from the graph node by node, depth first from the outputs, so that the file's
// node order does not matter.
class Builder {
 public:
  Builder(const TfjsGraph& graph, cv::dnn::Net& net, TensorTaker& taker)
      : net_(net), taker_(taker) {
    for (const GraphNode& node : graph.nodes) {
      nodes_[node.name] = &node;
    }
    for (const WeightTensor& w : graph.weights) {
      shapes_[w.name] = w.shape;
    }
  }

  Result<Built> build(const std::string& name) {
    if (const auto done = built_.find(name); done != built_.end()) {
      return done->second;
    }
    const auto found = nodes_.find(name);
    if (found == nodes_.end()) {
      return bad(name, "missing from the graph");
    }
    Result<Built> made = make(*found->second);
    if (made) {
      built_[name] = *made;
    }
    return made;
  }

  Result<const WeightTensor*> weight(const std::string& name) {
    const auto shape = shapes_.find(name);
    if (shape == shapes_.end()) {
      return bad(name, "no weight of that name");
    }
    return taker_.take(name, shape->second);
  }

 private:
  int add(cv::dnn::LayerParams params, const std::string& name, const char* type, int input) {
    params.name = name;
    params.type = type;
    const int id = net_.addLayer(params.name, params.type, params);
    net_.connect(input, 0, id, 0);
    return id;
  }

  Result<Built> input_of(const GraphNode& node, std::size_t count) {
    if (node.inputs.size() != count) {
      return bad(node.name, "expected " + std::to_string(count) + " inputs");
    }
    if (!node.data_format.empty() && node.data_format != "NHWC") {
      return bad(node.name, "data format " + node.data_format + " is not NHWC");
    }
    return build(node.inputs[0]);
  }

  Result<Built> make(const GraphNode& node) {
    if (node.op == "Placeholder") {
      return Built{0, 3, BlazeFaceWeights::kInputSize, BlazeFaceWeights::kInputSize};
    }
    if (node.op == "_FusedConv2D" || node.op == "DepthwiseConv2dNative") {
      return conv(node);
    }
    if (node.op == "AddV2") {
      return sum(node);
    }
    if (node.op == "Relu") {
      Result<Built> in = input_of(node, 1);
      if (in) {
        in->id = add({}, node.name, "ReLU", in->id);
      }
      return in;
    }
    if (node.op == "Pad") {
      return pad(node);
    }
    if (node.op == "MaxPool") {
      return max_pool(node);
    }
    return bad(node.name, "unsupported op " + node.op);
  }

  Result<Built> conv(const GraphNode& node) {
    const bool depthwise = node.op == "DepthwiseConv2dNative";
    Result<Built> in = input_of(node, depthwise ? 2 : 3);
    if (!in) {
      return in;
    }
    Result<const WeightTensor*> filter = weight(node.inputs[1]);
    if (!filter) {
      return filter.error();
    }
    const std::vector<int>& s = (*filter)->shape;  // [h, w, in, out or multiplier]
    if (s.size() != 4 || s[0] != s[1] || s[2] != in->channels || (depthwise && s[3] != 1) ||
        node.strides.size() != 4 || node.strides[1] != node.strides[2]) {
      return bad(node.name, "filter " + shape_string(s) + " or strides do not fit its input");
    }
    const int stride = node.strides[1];
    const Pads pads = pads_of(node.padding, in->height, s[0], stride);
    int input = in->id;
    if (pads.before != pads.after) {  // OpenCV pads symmetrically: TF's odd pixel explicitly
      cv::dnn::LayerParams pad;
      const std::array<int, 8> p{0, 0, 0, 0, pads.before, pads.after, pads.before, pads.after};
      pad.set("paddings", cv::dnn::DictValue::arrayInt(p.data(), 8));
      input = add(pad, node.name + "/same_pad", "Padding", input);
    }
    cv::dnn::LayerParams params;
    params.set("kernel_size", s[0]);
    params.set("stride", stride);
    params.set("pad", pads.before == pads.after ? pads.before : 0);
    const int out_channels = depthwise ? s[2] : s[3];
    params.set("num_output", out_channels);
    params.set("group", depthwise ? s[2] : 1);
    if (depthwise) {
      // [h, w, in, 1] -> [in, 1, h, w]
      const std::array<int, 4> dims{s[2], 1, s[0], s[1]};
      cv::Mat filters(4, dims.data(), CV_32F);
      float* dst = filters.ptr<float>();
      for (int c = 0; c < s[2]; ++c) {
        for (int p = 0; p < s[0] * s[1]; ++p) {
          *dst++ = (*filter)->values[static_cast<std::size_t>(p) * static_cast<std::size_t>(s[2]) +
                                     static_cast<std::size_t>(c)];
        }
      }
      params.set("bias_term", false);
      params.blobs = {filters};
    } else {
      if (node.fused_ops.empty() || node.fused_ops[0] != "BiasAdd" || node.fused_ops.size() > 2 ||
          (node.fused_ops.size() == 2 && node.fused_ops[1] != "Relu")) {
        return bad(node.name, "fused ops other than BiasAdd[, Relu]");
      }
      Result<const WeightTensor*> bias = weight(node.inputs[2]);
      if (!bias) {
        return bias.error();
      }
      if ((*bias)->shape != std::vector<int>{out_channels}) {
        return bad(node.name, "bias " + shape_string((*bias)->shape));
      }
      params.set("bias_term", true);
      params.blobs = {filters_of(**filter), row_of(**bias)};
    }
    int id = add(params, node.name, "Convolution", input);
    if (node.fused_ops.size() == 2) {
      id = add({}, node.name + "/relu", "ReLU", id);
    }
    return Built{id, out_channels, pads.out, pads_of(node.padding, in->width, s[1], stride).out};
  }

  Result<Built> sum(const GraphNode& node) {
    Result<Built> a = input_of(node, 2);
    Result<Built> b = a ? build(node.inputs[1]) : a;
    if (!b) {
      return b;
    }
    if (a->channels != b->channels || a->height != b->height || a->width != b->width) {
      return bad(node.name, "adds tensors of different shapes");
    }
    cv::dnn::LayerParams params;
    params.name = node.name;
    params.type = "Eltwise";
    params.set("operation", "sum");
    const int id = net_.addLayer(params.name, params.type, params);
    net_.connect(a->id, 0, id, 0);
    net_.connect(b->id, 0, id, 1);
    return Built{id, a->channels, a->height, a->width};
  }

  Result<Built> pad(const GraphNode& node) {
    Result<Built> in = input_of(node, 2);
    if (!in) {
      return in;
    }
    Result<const WeightTensor*> paddings = weight(node.inputs[1]);
    if (!paddings) {
      return paddings.error();
    }
    const std::vector<float>& v = (*paddings)->values;  // NHWC pairs
    if ((*paddings)->shape != std::vector<int>{4, 2} || v[0] != 0 || v[1] != 0) {
      return bad(node.name, "paddings other than [4, 2] without batch padding");
    }
    const auto at = [&](std::size_t i) { return static_cast<int>(v[i]); };
    const std::array<int, 8> p{0, 0, at(6), at(7), at(2), at(3), at(4), at(5)};  // NCHW
    cv::dnn::LayerParams params;
    params.set("paddings", cv::dnn::DictValue::arrayInt(p.data(), 8));
    const int id = add(params, node.name, "Padding", in->id);
    return Built{id, in->channels + at(6) + at(7), in->height + at(2) + at(3),
                 in->width + at(4) + at(5)};
  }

  Result<Built> max_pool(const GraphNode& node) {
    Result<Built> in = input_of(node, 1);
    if (!in) {
      return in;
    }
    if (node.ksize.size() != 4 || node.strides.size() != 4 || node.ksize[1] != node.ksize[2] ||
        node.strides[1] != node.strides[2]) {
      return bad(node.name, "non-square window or stride");
    }
    const Pads pads = pads_of(node.padding, in->height, node.ksize[1], node.strides[1]);
    if (pads.before + pads.after != 0 || in->height != in->width) {
      return bad(node.name, "pooling that needs padding");  // TF ignores padded cells; not ported
    }
    cv::dnn::LayerParams params;
    params.set("pool", "max");
    params.set("kernel_size", node.ksize[1]);
    params.set("stride", node.strides[1]);
    const int id = add(params, node.name, "Pooling", in->id);
    return Built{id, in->channels, pads.out, pads.out};
  }

  cv::dnn::Net& net_;
  TensorTaker& taker_;
  std::map<std::string, const GraphNode*> nodes_;
  std::map<std::string, std::vector<int>> shapes_;
  std::map<std::string, Built> built_;
};

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
Result<std::vector<Head>> heads_of(const TfjsGraph& graph, Builder& builder) {
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
      return bad(node.name, "an output that is not a Reshape");
    }
    const GraphNode& r = *reshape->second;
    Result<Built> conv = builder.build(r.inputs[0]);
    Result<const WeightTensor*> shape = conv ? builder.weight(r.inputs[1]) : conv.error();
    if (!shape) {
      return shape.error();
    }
    const std::vector<float>& v = (*shape)->values;
    if (v.size() != 3 || v[0] != 1 || (v[2] != 1 && v[2] != 16) ||
        v[1] * v[2] != static_cast<float>(conv->channels * conv->height * conv->width)) {
      return bad(r.name, "reshape that does not fit [1, anchors, 1 or 16]");
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
    Builder builder(weights.graph(), blaze.net_, *taker);
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
    constexpr int kSide = BlazeFaceWeights::kInputSize;
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
