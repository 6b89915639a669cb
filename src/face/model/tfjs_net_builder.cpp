#include "face/model/tfjs_net_builder.h"

#include <algorithm>
#include <array>
#include <utility>

namespace findme::face::model {
namespace {

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

// [h, w, in, 1] -> [in, 1, h, w]
cv::Mat depthwise_filters_of(const WeightTensor& filter) {
  const std::vector<int>& s = filter.shape;
  const std::array<int, 4> dims{s[2], 1, s[0], s[1]};
  cv::Mat filters(4, dims.data(), CV_32F);
  float* dst = filters.ptr<float>();
  for (int c = 0; c < s[2]; ++c) {
    for (int p = 0; p < s[0] * s[1]; ++p) {
      *dst++ = filter.values[static_cast<std::size_t>(p) * static_cast<std::size_t>(s[2]) +
                             static_cast<std::size_t>(c)];
    }
  }
  return filters;
}

}  // namespace

TfjsNetBuilder::TfjsNetBuilder(std::string model, const TfjsGraph& graph, TfjsNetShape input,
                               cv::dnn::Net& net, TensorTaker& taker)
    : model_(std::move(model)), input_(input), net_(net), taker_(taker) {
  for (const GraphNode& node : graph.nodes) {
    nodes_[node.name] = &node;
  }
  for (const WeightTensor& w : graph.weights) {
    shapes_[w.name] = w.shape;
  }
}

Error TfjsNetBuilder::bad(const std::string& node, const std::string& what) const {
  return make_error(Errc::internal, "face model: " + model_ + ": node '" + node + "': " + what);
}

const GraphNode* TfjsNetBuilder::node(const std::string& name) const {
  const auto found = nodes_.find(name);
  return found == nodes_.end() ? nullptr : found->second;
}

Result<BuiltNode> TfjsNetBuilder::build(const std::string& name) {
  if (const auto done = built_.find(name); done != built_.end()) {
    return done->second;
  }
  const GraphNode* found = node(name);
  if (found == nullptr) {
    return bad(name, "missing from the graph");
  }
  Result<BuiltNode> made = make(*found);
  if (made) {
    built_[name] = *made;
  }
  return made;
}

Result<const WeightTensor*> TfjsNetBuilder::weight(const std::string& name) {
  const auto shape = shapes_.find(name);
  if (shape == shapes_.end()) {
    return bad(name, "no weight of that name");
  }
  return taker_.take(name, shape->second);
}

int TfjsNetBuilder::add(cv::dnn::LayerParams params, const std::string& name, const char* type,
                        int input) {
  params.name = name;
  params.type = type;
  const int id = net_.addLayer(params.name, params.type, params);
  net_.connect(input, 0, id, 0);
  return id;
}

Result<BuiltNode> TfjsNetBuilder::input_of(const GraphNode& node, std::size_t count) {
  if (node.inputs.size() != count) {
    return bad(node.name, "expected " + std::to_string(count) + " inputs");
  }
  if (!node.data_format.empty() && node.data_format != "NHWC") {
    return bad(node.name, "data format " + node.data_format + " is not NHWC");
  }
  return build(node.inputs[0]);
}

Result<BuiltNode> TfjsNetBuilder::make(const GraphNode& node) {
  if (node.op == "Placeholder") {
    return BuiltNode{0, input_.channels, input_.height, input_.width};
  }
  if (node.op == "_FusedConv2D" || node.op == "DepthwiseConv2dNative") {
    return conv(node);
  }
  if (node.op == "AddV2") {
    return sum(node);
  }
  if (node.op == "Relu") {
    Result<BuiltNode> in = input_of(node, 1);
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

Result<BuiltNode> TfjsNetBuilder::conv(const GraphNode& node) {
  const bool depthwise = node.op == "DepthwiseConv2dNative";
  const bool has_bias = !depthwise;  // _FusedConv2D: BiasAdd fused in
  Result<BuiltNode> in = input_of(node, has_bias ? 3 : 2);
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
  if (has_bias &&
      (node.fused_ops.empty() || node.fused_ops[0] != "BiasAdd" || node.fused_ops.size() > 2 ||
       (node.fused_ops.size() == 2 && node.fused_ops[1] != "Relu"))) {
    return bad(node.name, "fused ops other than BiasAdd[, Relu]");
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
  params.blobs = {depthwise ? depthwise_filters_of(**filter) : filters_of(**filter)};
  params.set("bias_term", has_bias);
  if (has_bias) {
    Result<const WeightTensor*> bias = weight(node.inputs[2]);
    if (!bias) {
      return bias.error();
    }
    if ((*bias)->shape != std::vector<int>{out_channels}) {
      return bad(node.name, "bias " + shape_string((*bias)->shape));
    }
    params.blobs.push_back(row_of(**bias));
  }
  int id = add(params, node.name, "Convolution", input);
  if (node.fused_ops.size() == 2) {  // checked above: BiasAdd, Relu
    id = add({}, node.name + "/relu", "ReLU", id);
  }
  return BuiltNode{id, out_channels, pads.out, pads_of(node.padding, in->width, s[1], stride).out};
}

Result<BuiltNode> TfjsNetBuilder::sum(const GraphNode& node) {
  Result<BuiltNode> a = input_of(node, 2);
  Result<BuiltNode> b = a ? build(node.inputs[1]) : a;
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
  return BuiltNode{id, a->channels, a->height, a->width};
}

Result<BuiltNode> TfjsNetBuilder::pad(const GraphNode& node) {
  Result<BuiltNode> in = input_of(node, 2);
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
  return BuiltNode{id, in->channels + at(6) + at(7), in->height + at(2) + at(3),
                   in->width + at(4) + at(5)};
}

Result<BuiltNode> TfjsNetBuilder::max_pool(const GraphNode& node) {
  Result<BuiltNode> in = input_of(node, 1);
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
  return BuiltNode{id, in->channels, pads.out, pads.out};
}

}  // namespace findme::face::model
