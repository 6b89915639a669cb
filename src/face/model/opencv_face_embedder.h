// FaceEmbedder that runs dlib's face-recognition ResNet in OpenCV DNN, built layer by layer from
// RecognitionWeights (no model file in between).
#pragma once

#include <memory>

#include <opencv2/dnn/dnn.hpp>

#include "face/face_embedder.h"
#include "face/model/recognition_weights.h"

namespace findme::face::model {

struct OpenCvEmbedderOptions {
  // Chips per pass of the batched net (>= 1). A call runs whole groups of net_batch chips through
  // it and the remainder one by one through a second, single-chip net. Two fixed-shape nets
  // because OpenCV 4.6 re-initialises every layer (about one face's time) whenever a net's input
  // shape changes, while the number of faces per photo varies. 1 means a single net. 4 took ~20 %
  // less CPU per face than 1 or 16 at 16 chips per call (bench/embedding_bench.cpp).
  int net_batch = 4;
};

// One per worker thread: embed() runs the net, which keeps per-call state. Build one per worker
// from a single shared RecognitionWeights; the net copies the weights it needs.
//
// Threads: OpenCV's thread count is process-global (cv::setNumThreads). findme runs one worker
// thread per core, each with its own net, so the composition root calls
// use_single_threaded_opencv() once at start-up (bench/embedding_bench.cpp measures both ways).
class OpenCvFaceEmbedder final : public FaceEmbedder {
 public:
  // Builds the net(s) and runs a warm-up pass through each, so that OpenCV's one-time layer fusion
  // and allocation do not land on the first request. `weights` may be dropped afterwards.
  // Errors: Errc::internal when OpenCV refuses the network or options.net_batch < 1.
  static Result<std::unique_ptr<OpenCvFaceEmbedder>> create(
      const RecognitionWeights& weights, const OpenCvEmbedderOptions& options = {});

  // See FaceEmbedder::embed. Dlib's input normalisation: (pixel - mean RGB) / 256. A chip's
  // descriptor does not depend on the other chips of the call (to ~1e-6). Errors: Errc::internal
  // for a chip that is not kChipSize x kChipSize RGB (nothing is computed then), or a net failure.
  Result<std::vector<Embedding>> embed(std::span<const image::RgbImage> chips) override;

 private:
  OpenCvFaceEmbedder() = default;
  // Runs chips.size() chips (the net's fixed batch) through `net` into `out`.
  void run(cv::dnn::Net& net, std::span<const image::RgbImage> chips, Embedding* out);

  cv::dnn::Net single_;   // input [1, 3, 150, 150]
  cv::dnn::Net batched_;  // input [net_batch_, 3, 150, 150]; unused when net_batch_ == 1
  std::size_t net_batch_ = 1;
};

// Sets OpenCV's process-global thread count to 1: each worker's net then runs on its own
// thread only, which scales best with one worker per core. Call once, before starting workers.
void use_single_threaded_opencv();

}  // namespace findme::face::model
