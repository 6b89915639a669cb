// FaceEmbedder that runs dlib's face-recognition ResNet in OpenCV DNN, built layer by layer from
// RecognitionWeights (no model file in between).
#pragma once

#include <memory>

#include <opencv2/dnn/dnn.hpp>

#include "face/face_embedder.h"
#include "face/model/recognition_weights.h"

namespace findme::face::model {

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
  // Errors: Errc::internal when OpenCV refuses the network.
  static Result<std::unique_ptr<OpenCvFaceEmbedder>> create(const RecognitionWeights& weights);

  // See FaceEmbedder::embed. Dlib's input normalisation: (pixel - mean RGB) / 256.
  // Errors: Errc::internal for a chip that is not kChipSize x kChipSize RGB, or a net failure.
  Result<std::vector<Embedding>> embed(std::span<const image::RgbImage> chips) override;

 private:
  explicit OpenCvFaceEmbedder(const cv::dnn::Net& net) : net_(net) {}
  cv::dnn::Net net_;
};

// Sets OpenCV's process-global thread count to 1: each worker's net then runs on its own
// thread only, which scales best with one worker per core. Call once, before starting workers.
void use_single_threaded_opencv();

}  // namespace findme::face::model
