// face-api's 68-point landmark net (MIT) as our own forward pass on channel-last maps
// (channel_last_layers.h): the 1x1 convolutions as OpenBLAS sgemms, each adding onto the dense
// block's running sum, the depthwise 3x3 ones as direct vectorised loops. The same function as
// LandmarkNet (OpenCV DNN) with the same crop, padding, resize and mapping (landmark_net.h), at
// about half the cost in the indexing jobs (docs/benchmarks.md); the points agree within 1e-3 px.
#pragma once

#include <array>
#include <memory>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/result.h"
#include "face/face_landmarker.h"
#include "face/model/channel_last_layers.h"
#include "face/model/landmark_net_weights.h"

namespace findme::face::model {

// One per worker thread: run() uses the net's buffers. Build each worker's from one shared
// LandmarkNetWeights; the net keeps its own repacked copy (~1.4 MB). OpenBLAS runs single-threaded
// (one worker per core), as for GemmSsdNet.
class GemmLandmarkNet final : public FaceLandmarker {
 public:
  // Repacks the weights. Errors: Errc::internal when a tensor has a shape this port does not know.
  static Result<std::unique_ptr<GemmLandmarkNet>> create(const LandmarkNetWeights& weights);

  // See FaceLandmarker::locate. Never fails once created.
  Result<std::vector<Point>> locate(const image::RgbImage& image, const Box& box) override;

  // The net's raw 136 outputs for an input blob from make_landmark_input() ([1, 3, 112, 112]).
  // Errors: Errc::internal for a blob of another shape.
  Result<std::array<float, 136>> run(const cv::Mat& input);

 private:
  GemmLandmarkNet() = default;

  // A plain 3x3 convolution (the first) or a depthwise 3x3 then a pointwise 1x1 with the bias.
  struct Conv {
    channel_last::Layer first;      // the plain convolution, or the depthwise one
    channel_last::Layer pointwise;  // empty weights for the plain convolution
    bool separable() const { return !pointwise.weights.empty(); }
  };
  // conv0 into `to`: the input map `in` of `shape`; returns the output's shape.
  channel_last::Shape convolve(const Conv& conv, const float* in, const channel_last::Shape& shape,
                               float* to);
  // conv (stride 1) of `in` added onto the running sum (same shape).
  void add_convolved(const Conv& conv, const float* in, const channel_last::Shape& shape);

  std::vector<std::array<Conv, 4>> blocks_;  // dense0..dense3
  std::vector<float> fc_weights_;            // [256][136]: features x points
  std::vector<float> fc_bias_;               // [136]
  // Buffers, sized for the largest map (56 x 56 x 32) at create().
  std::vector<float> map_;    // a block's input, then its output
  std::vector<float> sum_;    // the block's running sum out1 + out2 + ...
  std::vector<float> relu_;   // relu(sum): the next convolution's input
  std::vector<float> conv_;   // conv0's output before its ReLU
  std::vector<float> depth_;  // a depthwise convolution's output
  std::vector<float> col_;    // full_conv()'s im2col scratch (the first layer runs direct)
};

}  // namespace findme::face::model
