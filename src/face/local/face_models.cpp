#include "face/local/face_models.h"

#include <future>
#include <utility>

#include "face/local/local_face_engine.h"
#include "face/model/opencv_face_embedder.h"

namespace findme::face::local {

Result<FaceModels> FaceModels::load(const FaceModelOptions& options) {
  // The three loads are independent and single-threaded; the landmark file dominates, and
  // building dlib's detector takes nearly as long, so run them side by side.
  auto landmarks = std::async(std::launch::async, [path = options.landmark_model] {
    return dlib::FaceLandmarker::load(path);
  });
  auto weights = std::async(std::launch::async, [dir = options.package_dir] {
    return model::RecognitionWeights::load(dir);
  });
  Result<dlib::HogFaceDetector> detector = dlib::HogFaceDetector::create(options.detection);
  Result<dlib::FaceLandmarker> landmarker = landmarks.get();
  Result<model::RecognitionWeights> recognition = weights.get();
  if (!detector) {
    return detector.error();
  }
  if (!landmarker) {
    return landmarker.error();
  }
  if (!recognition) {
    return recognition.error();
  }
  return FaceModels(
      options, std::move(detector).value(),
      std::make_shared<const dlib::FaceLandmarker>(std::move(landmarker).value()),
      std::make_shared<const model::RecognitionWeights>(std::move(recognition).value()));
}

FaceModels::FaceModels(FaceModelOptions options, dlib::HogFaceDetector detector,
                       std::shared_ptr<const dlib::FaceLandmarker> landmarker,
                       std::shared_ptr<const model::RecognitionWeights> weights)
    : options_(std::move(options)),
      detector_(std::move(detector)),
      landmarker_(std::move(landmarker)),
      weights_(std::move(weights)) {}

Result<std::unique_ptr<FaceEngine>> FaceModels::make_engine() const {
  Result<std::unique_ptr<model::OpenCvFaceEmbedder>> embedder =
      model::OpenCvFaceEmbedder::create(*weights_);
  if (!embedder) {
    return embedder.error();
  }
  return std::unique_ptr<FaceEngine>(
      std::make_unique<LocalFaceEngine>(std::make_unique<dlib::HogFaceDetector>(detector_),
                                        landmarker_, std::move(*embedder), options_.quality));
}

}  // namespace findme::face::local
