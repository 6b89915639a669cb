// face-api's SSD MobileNet v1 as our own forward pass: channel-last (NHWC) tensors, the 1x1
// convolutions (~80 % of the work) as one OpenBLAS sgemm each, the 3x3 ones (depthwise and full)
// as direct loops or im2col + sgemm, bias and ReLU6 applied in the same pass. The same function as
// SsdNet (OpenCV DNN), about twice as fast (docs/benchmarks.md); boxes agree within 1e-4. The
// padding that makes a photo square (rows under a landscape photo, columns beside a portrait one)
// is computed once per photo geometry and reused (see run()).
#pragma once

#include <array>
#include <cstddef>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/result.h"
#include "face/model/channel_last_layers.h"
#include "face/model/ssd_boxes.h"
#include "face/model/ssd_weights.h"

namespace findme::face::model {

// One per worker thread: run() uses the net's buffers. Build one per worker from a single shared
// SsdWeights; the net keeps its own repacked copy of the weights (~5.6 MB). OpenBLAS runs single-
// threaded (one worker per core), as for GemmFaceEmbedder.
class GemmSsdNet {
 public:
  // Repacks the weights. Errors: Errc::internal when a tensor has a shape this port does not know.
  static Result<GemmSsdNet> create(const SsdWeights& weights);

  // As SsdNet::run: `input` is make_ssd_input()'s blob [1, 3, 512, 512]; returns
  // SsdWeights::kAnchorCount boxes in anchor order, each decoded and scored with the sigmoid of
  // its face logit. Errors: Errc::internal for a blob of another shape.
  Result<std::vector<SsdBox>> run(const cv::Mat& input);

 private:
  GemmSsdNet() = default;

  // What the rows of padding under a photo `photo_rows` high give (see run()); `turned`: of a
  // portrait photo's transposed input, whose padding columns became rows.
  struct PaddingRows {
    int photo_rows = 0;
    bool turned = false;
    std::array<float, 3> pad{};             // the padding's value per input channel
    std::vector<std::vector<float>> bands;  // per layer: the padding rows next to the photo's
    std::vector<std::vector<float>> tails;  // per predictor conv: the padding cells' outputs
    // Turned only: the backbone's last map's padding rows (the extras read all of it).
    std::vector<float> backbone_padding;
  };
  // Photo geometries remembered (a landscape photo's height, a portrait one's width), ~1.5 MB
  // each: an event's cameras and orientations.
  static constexpr std::size_t kPaddingGeometries = 8;

  const PaddingRows* known_padding(int photo_rows, bool turned,
                                   const std::array<float, 3>& pad) const;

  std::vector<channel_last::Layer> backbone_;
  // backbone_'s 3x3 layers with their kernels transposed (empty for 1x1 layers): the backbone
  // over a transposed input computes the transposed maps.
  std::vector<channel_last::Layer> turned_backbone_;
  std::vector<channel_last::Layer> extras_;
  // boxes, classes, boxes, classes, ... (SsdWeights order)
  std::vector<channel_last::Layer> predictors_;
  std::vector<int> anchors_per_cell_;
  std::vector<int> band_rows_;  // per layer (backbone, then extras): padding rows the next reads
  cv::Mat anchors_;
  // Per-call buffers, kept between calls (no allocation once sized).
  std::vector<float> a_;
  std::vector<float> b_;
  std::vector<float> col_;
  std::vector<float> boxes_out_;
  std::vector<float> classes_out_;
  std::vector<PaddingRows> padding_;  // the most recent last
};

}  // namespace findme::face::model
