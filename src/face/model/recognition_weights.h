// dlib's face-recognition ResNet (dlib_face_recognition_resnet_model_v1), as its weights come in
// face-api's TF.js package: read once, checked against the pinned sha256 digests, and mapped
// one-to-one onto the network's 29 conv+affine pairs and its fc layer.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/result.h"

namespace findme::face::model {

// A dlib con_ layer followed by its affine_ layer (per-channel gamma, beta).
struct ConvAffine {
  std::string name;  // tensor prefix, e.g. "conv64_down/conv1"
  int in_channels = 0;
  int out_channels = 0;
  int kernel = 0;   // square kernel side
  int stride = 1;   // 2 on downsampling convolutions, which have no padding
  cv::Mat filters;  // CV_32F, 4-D [out, in, kernel, kernel]
  cv::Mat bias;     // CV_32F, 1 x out
  cv::Mat gamma;    // CV_32F, 1 x out: affine scale
  cv::Mat beta;     // CV_32F, 1 x out: affine shift
  int padding() const { return stride == 1 ? kernel / 2 : 0; }
};

// conv1 -> relu -> conv2, plus the shortcut (2x2/2 average pool on downsampling blocks), relu.
struct ResidualBlock {
  std::string name;  // e.g. "conv128_down"
  bool downsample = false;
  ConvAffine conv1;
  ConvAffine conv2;
};

// Immutable after load and thread-safe to share: every net built from it copies what it needs.
// Holds about 23 MB of floats; load it once per process.
class RecognitionWeights {
 public:
  static constexpr int kInputSize = 150;  // chip side the network was trained on
  static constexpr int kDescriptorSize = 128;

  // Loads `package_dir`/model/face_recognition_model{-weights_manifest.json,.bin} (package_dir is
  // models/face-api-1.7.15). Both files must match the sha256 digests of
  // tools/model-assets.sha256. Errors: Errc::internal, one line naming the file and saying to
  // run tools/fetch_models.sh when a file is missing or corrupt.
  static Result<RecognitionWeights> load(const std::filesystem::path& package_dir);

  // As load(), without the digest check, for tests and tools that feed altered files. Errors:
  // Errc::internal for anything read_tfjs_weights() refuses, and for a tensor that is missing,
  // unused, duplicated or of the wrong shape (the message names the tensor).
  static Result<RecognitionWeights> from_manifest(const std::filesystem::path& manifest);

  const ConvAffine& stem() const { return stem_; }  // 7x7/2, 3 -> 32
  const std::vector<ResidualBlock>& blocks() const { return blocks_; }
  const cv::Mat& fc() const { return fc_; }  // CV_32F [128, 256], no bias

  // Multiply-adds of one 150x150 chip through the convolutions and the fc layer (the affine,
  // pooling and sum layers add well under 1 % and are not counted).
  std::int64_t multiply_adds_per_face() const;

 private:
  RecognitionWeights() = default;
  ConvAffine stem_;
  std::vector<ResidualBlock> blocks_;
  cv::Mat fc_;
};

}  // namespace findme::face::model
