// FaceEmbedder that runs dlib's face-recognition ResNet in OpenCV DNN, built layer by layer from
// RecognitionWeights (no model file in between).
#pragma once

#include <memory>

#include <opencv2/dnn/dnn.hpp>

#include "face/face_embedder.h"
#include "face/model/recognition_weights.h"

namespace findme::face::model {

struct OpenCvEmbedderOptions {
  // Chips per network pass (>= 1); a call's last pass is padded with blank chips. Fixed per net
  // because OpenCV 4.6 re-initialises every layer (costing about one face) whenever the input
  // shape changes. 1 was as fast per face as larger passes (bench/embedding_bench.cpp).
  int net_batch = 1;
};

// One per worker thread: embed() runs the net, which keeps per-call state. Build one per worker
// from a single shared RecognitionWeights; the net copies the weights it needs.
//
// Threads: OpenCV's thread count is process-global (cv::setNumThreads). findme runs one worker
// thread per core, each with its own net, so the composition root calls
// use_single_threaded_opencv() once at start-up (bench/embedding_bench.cpp measures both ways).
class OpenCvFaceEmbedder final : public FaceEmbedder {
 public:
  // Builds the net and runs one warm-up chip through it, so that OpenCV's one-time layer fusion
  // and allocation do not land on the first request. `weights` may be dropped afterwards.
  // Errors: Errc::internal when OpenCV refuses the network or options.net_batch < 1.
  static Result<std::unique_ptr<OpenCvFaceEmbedder>> create(
      const RecognitionWeights& weights, const OpenCvEmbedderOptions& options = {});

  // See FaceEmbedder::embed. Dlib's input normalisation: (pixel - mean RGB) / 256. The net runs
  // options.net_batch chips per pass, so results do not depend on how
  // chips are grouped into calls. Errors: Errc::internal for a chip that is not
  // kChipSize x kChipSize RGB (nothing is computed then), or a net failure.
  Result<std::vector<Embedding>> embed(std::span<const image::RgbImage> chips) override;

 private:
  OpenCvFaceEmbedder(const cv::dnn::Net& net, int net_batch) : net_(net), net_batch_(net_batch) {}
  cv::dnn::Net net_;
  int net_batch_;
};

// Sets OpenCV's process-global thread count to 1: each worker's net then runs on its own
// thread only, which scales best with one worker per core. Call once, before starting workers.
void use_single_threaded_opencv();

}  // namespace findme::face::model
