// face-api's 68-point face landmark net (face_landmark_68_model, MIT), as its weights come in the
// TF.js package: read once, checked against the pinned sha256 digests, and mapped one-to-one onto
// the layers of face-api's src/faceFeatureExtractor/*.ts and src/faceLandmarkNet/*.ts.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>

#include <opencv2/core/mat.hpp>

#include "core/result.h"

namespace findme::face::model {

// A 3x3 convolution with TF's "same" padding and a bias: either plain (the first layer) or
// depthwise-separable (a depthwise 3x3 without bias, then a pointwise 1x1 with the bias).
struct LandmarkConv {
  std::string name;  // tensor prefix, e.g. "dense1/conv0"
  int in_channels = 0;
  int out_channels = 0;
  int stride = 1;     // 2 on each block's first convolution
  cv::Mat depthwise;  // CV_32F [in, 1, 3, 3]; empty for the plain convolution
  cv::Mat filters;    // CV_32F [out, in, 3, 3] (plain) or [out, in, 1, 1] (pointwise)
  cv::Mat bias;       // CV_32F 1 x out
  bool separable() const { return !depthwise.empty(); }
};

// face-api's denseBlock4: out1 = relu(conv0(x)), out2 = conv1(out1),
// out3 = conv2(relu(out1 + out2)), out4 = conv3(relu(out1 + out2 + out3)),
// result relu(out1 + out2 + out3 + out4). Halves the side.
struct DenseBlock {
  std::string name;  // "dense0".."dense3"
  std::array<LandmarkConv, 4> convs;
};

// Immutable after load and thread-safe to share: every net built from it copies what it needs.
// About 1.4 MB of floats.
class LandmarkNetWeights {
 public:
  static constexpr int kInputSize = 112;  // the net's square input side
  static constexpr int kPointCount = 68;
  static constexpr int kFeatures = 256;  // channels of the last block, averaged into the fc input

  // Loads `package_dir`/model/face_landmark_68_model{-weights_manifest.json,.bin} (package_dir is
  // models/face-api-1.7.15). Both files must match the sha256 digests of
  // tools/model-assets.sha256. Errors: Errc::internal, one line naming the file and saying to run
  // tools/fetch_models.sh when a file is missing or corrupt.
  static Result<LandmarkNetWeights> load(const std::filesystem::path& package_dir);

  // As load(), without the digest check, for tests that feed altered files. Errors:
  // Errc::internal for anything read_tfjs_weights() refuses, and for a tensor that is missing,
  // unused, duplicated or of the wrong shape (the message names the tensor).
  static Result<LandmarkNetWeights> from_manifest(const std::filesystem::path& manifest);

  // 112 -> 56 -> 28 -> 14 -> 7 pixels; 32, 64, 128, 256 channels.
  const std::array<DenseBlock, 4>& blocks() const { return blocks_; }
  const cv::Mat& fc_weights() const { return fc_weights_; }  // CV_32F [136, 256]
  const cv::Mat& fc_bias() const { return fc_bias_; }        // CV_32F 1 x 136

  // Multiply-adds of one 112x112 input through the convolutions and the fc layer.
  std::int64_t multiply_adds_per_face() const;

 private:
  LandmarkNetWeights() = default;
  std::array<DenseBlock, 4> blocks_;
  cv::Mat fc_weights_;
  cv::Mat fc_bias_;
};

}  // namespace findme::face::model
