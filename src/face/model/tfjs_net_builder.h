// Builds an OpenCV DNN net node by node from a TF.js graph model (tfjs_graph.h), for the
// convolutional nets findme reads straight from their npm packages (BlazeFace).
// Supported: Placeholder (the net's only input), _FusedConv2D (BiasAdd, optionally Relu),
// DepthwiseConv2dNative, AddV2 of two tensors of one shape, Relu, Pad (channels or space, zeros)
// and MaxPool (no padding).
#pragma once

#include <map>
#include <string>
#include <vector>

#include <opencv2/dnn.hpp>

#include "core/result.h"
#include "face/model/tensor_taker.h"
#include "face/model/tfjs_graph.h"

namespace findme::face::model {

// A built node: its OpenCV layer and its output's shape (NCHW without the batch).
struct BuiltNode {
  int id = 0;  // layer id; 0 is the net's input
  int channels = 0;
  int height = 0;
  int width = 0;
};

struct TfjsNetShape {
  int channels = 3;  // of the Placeholder
  int height = 0;
  int width = 0;
};

// One per net being built; not thread-safe. Builds depth first from the nodes asked for, so the
// file's node order does not matter, and each node once. Every weight is taken through `taker`,
// so the caller can check that none was left over. `model` names the net in error messages.
class TfjsNetBuilder {
 public:
  TfjsNetBuilder(std::string model, const TfjsGraph& graph, TfjsNetShape input, cv::dnn::Net& net,
                 TensorTaker& taker);

  // The layer computing node `name`, building it and what it reads first.
  // Errors: Errc::internal naming the node: missing, an unsupported op or attribute, a weight
  // that is missing or of the wrong shape, or inputs whose shapes do not fit.
  Result<BuiltNode> build(const std::string& name);

  // The graph's node `name`, or nullptr.
  const GraphNode* node(const std::string& name) const;

  // The weight tensor `name`, taken from the taker at the shape the manifest gives it.
  Result<const WeightTensor*> weight(const std::string& name);

  Error bad(const std::string& node, const std::string& what) const;

 private:
  int add(cv::dnn::LayerParams params, const std::string& name, const char* type, int input);
  Result<BuiltNode> input_of(const GraphNode& node, std::size_t count);
  Result<BuiltNode> make(const GraphNode& node);
  Result<BuiltNode> conv(const GraphNode& node);
  Result<BuiltNode> sum(const GraphNode& node);
  Result<BuiltNode> pad(const GraphNode& node);
  Result<BuiltNode> max_pool(const GraphNode& node);

  std::string model_;
  TfjsNetShape input_;
  cv::dnn::Net& net_;
  TensorTaker& taker_;
  std::map<std::string, const GraphNode*> nodes_;
  std::map<std::string, std::vector<int>> shapes_;
  std::map<std::string, BuiltNode> built_;
};

}  // namespace findme::face::model
