// FaceEngine that runs on the local CPU: a detector, a 68-point landmarker, dlib's chip geometry
// (from the 68 points, or from 5 of them by a similarity transform) and dlib's ResNet descriptors
// through whatever FaceEmbedder it is given.
#pragma once

#include <memory>
#include <vector>

#include "face/face_detector.h"
#include "face/face_embedder.h"
#include "face/face_engine.h"
#include "face/face_landmarker.h"
#include "face/quality.h"

namespace findme::face::local {

// How a detector's box becomes the box given to the 68-point landmarker. dlib's predictor was
// trained on HOG's square boxes, and the chip's quality size is measured on the same square; a
// detector with taller boxes (the SSD) is fitted to it. The default is the identity (HOG).
struct LandmarkBoxFit {
  bool square = false;   // replace the box by a square around its (shifted) centre
  float side_scale = 1;  // square side = side_scale * sqrt(width * height)
  float shift_y = 0;     // centre moves down by shift_y * height
};

// The box the landmarker gets for a detector's `box`. Thread-safe (pure).
Box landmark_box(const Box& box, const LandmarkBoxFit& fit);

// How the chip is cut from the landmarks.
enum class Alignment {
  landmarks68,  // dlib's get_face_chip_details from all 68 points
  points5,      // eye centres, nose tip and mouth corners onto dlib's chip positions
};

// How an engine turns a detection into a chip and a descriptor.
struct AlignmentOptions {
  // Maps the detector's box onto dlib HOG's square box: the face's size for quality is this
  // box's side, so that the size thresholds mean the same for every detector.
  LandmarkBoxFit fit;
  // true: the landmarker gets the fitted box (what dlib's predictor was trained on); false: the
  // detector's own box (what face-api gives its landmark net).
  bool landmarks_on_fitted_box = true;
  Alignment alignment = Alignment::landmarks68;
  // Average the descriptor with the descriptor of the horizontally mirrored chip (twice the
  // embedding work).
  bool flip = false;
};

// One per worker thread (it owns a detector and an embedder, neither shareable). Usually built
// by FaceModels::make_engine(); the constructor is public so that tests can inject parts.
class LocalFaceEngine final : public FaceEngine {
 public:
  // REQUIRES: detector, landmarker and embedder are not null.
  LocalFaceEngine(std::unique_ptr<FaceDetector> detector,
                  std::unique_ptr<FaceLandmarker> landmarker,
                  std::unique_ptr<FaceEmbedder> embedder, QualityThresholds quality,
                  AlignmentOptions alignment = {});

  // See FaceEngine::analyze. Stages: detect -> 68 landmarks -> 150 px chip and its sharpness ->
  // one batched embed call for all faces (unusable ones too: their quality says why not to use
  // them). An empty or malformed image gives no face. timings.landmarks_ms includes the chips.
  // Errors: Errc::internal when the embedder fails.
  Result<FaceAnalysis> analyze(const image::RgbImage& image) override;

  // analyze() with the detector's selfie path (FaceDetector::detect_selfie).
  Result<FaceAnalysis> analyze_selfie(const image::RgbImage& image) override;

  // analyze() after its detection stage: aligns and describes the faces at `detections` (any
  // order; the result is largest first). For tools that compare alignments on one detection.
  // REQUIRES: `image` not empty. Errors: as analyze(), and Errc::internal when the landmarker
  // fails.
  Result<FaceAnalysis> describe(const image::RgbImage& image, std::vector<Detection> detections);

 private:
  Result<FaceAnalysis> detect_and_describe(const image::RgbImage& image, bool selfie);

  std::unique_ptr<FaceDetector> detector_;
  std::unique_ptr<FaceLandmarker> landmarker_;
  std::unique_ptr<FaceEmbedder> embedder_;
  QualityThresholds quality_;
  AlignmentOptions alignment_;
};

}  // namespace findme::face::local
