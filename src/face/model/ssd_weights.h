// face-api's SSD MobileNet v1 face detector (ssd_mobilenetv1_model), as its weights come in the
// TF.js package: read once, checked against the pinned sha256 digests, batch norm folded into the
// convolutions, and every tensor of the manifest mapped onto the graph of face-api's
// src/ssdMobilenetv1/*.ts (the graph's constants are checked against what the port assumes).
#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/result.h"

namespace findme::face::model {

// One convolution with its bias (batch norm already folded in), as OpenCV wants it.
struct SsdConv {
  std::string name;  // tensor prefix, e.g. "MobilenetV1/Conv2d_3_depthwise"
  int in_channels = 0;
  int out_channels = 0;
  int kernel = 1;  // square kernel side: 1 or 3
  int stride = 1;  // 1 or 2; padding is TF's "same"
  bool depthwise = false;
  bool relu6 = true;  // false on the box predictors
  cv::Mat filters;    // CV_32F [out, in / groups, kernel, kernel]
  cv::Mat bias;       // CV_32F 1 x out
};

// The two 1x1 convolutions that read one feature map: box encodings and class logits.
struct SsdBoxPredictor {
  int anchors_per_cell = 0;  // 3 on the first map, 6 on the others
  SsdConv boxes;             // 4 values per anchor: ty, tx, th, tw
  SsdConv classes;           // 3 logits per anchor; index 1 is "face"
};

// Immutable after load and thread-safe to share: each net built from it copies what it needs.
// About 5.6 MB of floats; load it once per process.
class SsdWeights {
 public:
  static constexpr int kInputSize = 512;  // the net's square input side
  static constexpr int kAnchorCount = 5118;
  static constexpr int kPredictorCount = 6;

  // Loads `package_dir`/model/ssd_mobilenetv1_model{-weights_manifest.json,.bin} (package_dir is
  // models/face-api-1.7.15). Both files must match the sha256 digests of
  // tools/model-assets.sha256. Errors: Errc::internal, one line naming the file and saying to run
  // tools/fetch_models.sh when a file is missing or corrupt.
  static Result<SsdWeights> load(const std::filesystem::path& package_dir);

  // As load(), without the digest check, for tests that feed altered files. Errors:
  // Errc::internal for anything read_tfjs_weights() refuses, for a tensor that is missing,
  // unused, duplicated or of the wrong shape, and for a graph constant whose value differs from
  // the graph this port builds (the message names the tensor).
  static Result<SsdWeights> from_manifest(const std::filesystem::path& manifest);

  // MobileNet v1: conv_0 (3x3/2), then 13 pairs of depthwise 3x3 and pointwise 1x1 (27 layers).
  const std::vector<SsdConv>& backbone() const { return backbone_; }
  // Index into backbone() of the layer whose output feeds predictor 0 (pointwise conv 11).
  static constexpr std::size_t kConv11 = 22;
  // The extra feature layers: 1x1, 3x3/2, 1x1, 3x3/2, ... (8 layers).
  const std::vector<SsdConv>& extras() const { return extras_; }
  // Predictor i reads: 0 backbone conv 11, 1 the backbone's output, 2..5 extras 1, 3, 5, 7.
  const std::array<SsdBoxPredictor, kPredictorCount>& predictors() const { return predictors_; }
  // Anchors [kAnchorCount, 4] CV_32F: ymin, xmin, ymax, xmax in units of the input side.
  const cv::Mat& anchors() const { return anchors_; }

 private:
  SsdWeights() = default;
  std::vector<SsdConv> backbone_;
  std::vector<SsdConv> extras_;
  std::array<SsdBoxPredictor, kPredictorCount> predictors_;
  cv::Mat anchors_;
};

}  // namespace findme::face::model
