// FaceEngine that runs on the local CPU: dlib HOG detection, dlib 68-point landmarks and chips,
// and dlib's ResNet descriptors through whatever FaceEmbedder it is given.
#pragma once

#include <memory>

#include "face/dlib/face_landmarker.h"
#include "face/face_detector.h"
#include "face/face_embedder.h"
#include "face/face_engine.h"
#include "face/quality.h"

namespace findme::face::local {

// One per worker thread (it owns a detector and an embedder, neither shareable). Usually built
// by FaceModels::make_engine(); the constructor is public so that tests can inject parts.
class LocalFaceEngine final : public FaceEngine {
 public:
  // `landmarker` is shared read-only by every engine of the process (and by FaceModels).
  // REQUIRES: detector, landmarker and embedder are not null.
  LocalFaceEngine(std::unique_ptr<FaceDetector> detector,
                  std::shared_ptr<const dlib::FaceLandmarker> landmarker,
                  std::unique_ptr<FaceEmbedder> embedder, QualityThresholds quality);

  // See FaceEngine::analyze. Stages: detect -> 68 landmarks -> 150 px chip and its sharpness ->
  // one batched embed call for all faces (unusable ones too: their quality says why not to use
  // them). An empty or malformed image gives no face. timings.landmarks_ms includes the chips.
  // Errors: Errc::internal when the embedder fails.
  Result<FaceAnalysis> analyze(const image::RgbImage& image) override;

 private:
  std::unique_ptr<FaceDetector> detector_;
  std::shared_ptr<const dlib::FaceLandmarker> landmarker_;
  std::unique_ptr<FaceEmbedder> embedder_;
  QualityThresholds quality_;
};

}  // namespace findme::face::local
