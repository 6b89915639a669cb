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

// How a detector's box becomes the box given to the 68-point predictor, which was trained on
// dlib HOG's square boxes. The default is the identity (for HOG itself).
struct LandmarkBoxFit {
  bool square = false;   // replace the box by a square around its (shifted) centre
  float side_scale = 1;  // square side = side_scale * sqrt(width * height)
  float shift_y = 0;     // centre moves down by shift_y * height
};

// The box the landmarker gets for a detector's `box`. Thread-safe (pure).
Box landmark_box(const Box& box, const LandmarkBoxFit& fit);

// One per worker thread (it owns a detector and an embedder, neither shareable). Usually built
// by FaceModels::make_engine(); the constructor is public so that tests can inject parts.
class LocalFaceEngine final : public FaceEngine {
 public:
  // `landmarker` is shared read-only by every engine of the process (and by FaceModels).
  // `fit` adapts the detector's boxes for the landmarker; the face's size for quality is the
  // fitted box's side, so that the size thresholds mean the same for every detector.
  // REQUIRES: detector, landmarker and embedder are not null.
  LocalFaceEngine(std::unique_ptr<FaceDetector> detector,
                  std::shared_ptr<const dlib::FaceLandmarker> landmarker,
                  std::unique_ptr<FaceEmbedder> embedder, QualityThresholds quality,
                  LandmarkBoxFit fit = {});

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
  LandmarkBoxFit fit_;
};

}  // namespace findme::face::local
