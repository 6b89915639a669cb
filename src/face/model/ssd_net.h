// face-api's SSD MobileNet v1 run in OpenCV DNN, built layer by layer from SsdWeights (no model
// file in between): one 512x512 input in, a decoded box and a face score per anchor out.
#pragma once

#include <vector>

#include <opencv2/dnn/dnn.hpp>

#include "core/result.h"
#include "face/model/ssd_boxes.h"
#include "face/model/ssd_weights.h"

namespace findme::face::model {

// One per worker thread: run() uses the net's per-call state. Build one per worker from a single
// shared SsdWeights; the net copies the weights it needs. OpenCV's thread count is process-global
// (see use_single_threaded_opencv() in opencv_face_embedder.h).
class SsdNet {
 public:
  // Builds the net and runs a warm-up pass, so that OpenCV's one-time layer fusion and
  // allocation do not land on the first photo. Errors: Errc::internal when OpenCV refuses it.
  static Result<SsdNet> create(const SsdWeights& weights);

  SsdNet(SsdNet&&) noexcept = default;
  SsdNet& operator=(SsdNet&&) noexcept = default;
  SsdNet(const SsdNet&) = delete;  // cv::dnn::Net copies share one implementation
  SsdNet& operator=(const SsdNet&) = delete;

  // `input` is make_ssd_input()'s blob [1, 3, 512, 512]. Returns SsdWeights::kAnchorCount boxes
  // in anchor order (face-api's), each decoded and scored with the sigmoid of its face logit.
  // Errors: Errc::internal when the net fails (e.g. a blob of another shape).
  Result<std::vector<SsdBox>> run(const cv::Mat& input);

 private:
  SsdNet() = default;
  cv::dnn::Net net_;
  std::vector<cv::String> outputs_;  // box and class layer names, predictor by predictor
  cv::Mat anchors_;                  // [kAnchorCount, 4]
};

}  // namespace findme::face::model
