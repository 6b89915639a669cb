// Reads a TF.js graph model (model.json: topology + weights manifest, and its .bin shards) into
// plain nodes and float tensors, for the nets findme reads from TF.js packages
// (tfjs_net_builder.h).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/result.h"
#include "face/model/tfjs_weights.h"

namespace findme::face::model {

// One node of the graph, with the attributes the supported ops carry (empty when absent).
struct GraphNode {
  std::string name;
  std::string op;                      // e.g. "_FusedConv2D", "DepthwiseConv2dNative", "Pad"
  std::vector<std::string> inputs;     // node names (":0" suffixes removed)
  std::vector<int> strides;            // NHWC, e.g. [1, 2, 2, 1]
  std::vector<int> ksize;              // MaxPool window, NHWC
  std::string padding;                 // "SAME" or "VALID"
  std::vector<std::string> fused_ops;  // _FusedConv2D: e.g. ["BiasAdd", "Relu"]
  std::string data_format;             // "NHWC" (the only one supported downstream)
};

// A value type; immutable once read, so it may be shared read-only between threads.
struct TfjsGraph {
  std::vector<GraphNode> nodes;       // in file order (not necessarily topological)
  std::vector<WeightTensor> weights;  // the Const nodes' values, in manifest order
};

// Reads `model_json` and the shards its weightsManifest names (relative to its folder). Only
// plain (unquantised) float32 and int32 tensors are supported; int32 values come back as floats.
// Errors (Errc::internal, naming the file and the problem): missing or unreadable file,
// malformed JSON, a quantised or unsupported tensor, shards whose size differs from what the
// manifest describes.
// Thread-safe (no shared state).
Result<TfjsGraph> read_tfjs_graph(const std::filesystem::path& model_json);

}  // namespace findme::face::model
