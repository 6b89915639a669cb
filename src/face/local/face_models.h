// The face models of a process, loaded once, and the factory of per-worker FaceEngines.
#pragma once

#include <filesystem>
#include <memory>

#include "core/result.h"
#include "face/dlib/face_landmarker.h"
#include "face/dlib/hog_face_detector.h"
#include "face/face_engine.h"
#include "face/model/recognition_weights.h"
#include "face/quality.h"

namespace findme::face::local {

struct FaceModelOptions {
  // The face-api package folder (models/face-api-1.7.15), fetched by tools/fetch_models.sh.
  std::filesystem::path package_dir;
  // dlib's 68-point shape predictor, from Debian's libdlib-data.
  std::filesystem::path landmark_model = dlib::kDefaultLandmarkModel;
  dlib::DetectionPolicy detection;  // documented defaults in face/dlib/hog_face_detector.h
  QualityThresholds quality;        // documented defaults in face/quality.h
};

// Thread-safe: immutable after load(); make_engine() may be called from any thread. Holds the
// recognition weights (~23 MB), the landmark model (~100 MB in memory) and a prototype detector.
// Engines share the landmark model with it (shared_ptr), so they may outlive it.
class FaceModels {
 public:
  // Reads all models, in parallel (~0.5-0.6 s on this machine, bound by the landmark model).
  // Errors: Errc::internal with one line naming the file and the fix: tools/fetch_models.sh for
  // the recognition weights, `apt-get install libdlib-data` for the landmark model; or naming the
  // detection policy field that is out of range.
  static Result<FaceModels> load(const FaceModelOptions& options);

  // A new engine for one worker thread (~50 ms: builds the OpenCV net and runs a warm-up chip).
  // Errors: Errc::internal when OpenCV refuses the network.
  Result<std::unique_ptr<FaceEngine>> make_engine() const;

  const FaceModelOptions& options() const { return options_; }

 private:
  FaceModels(FaceModelOptions options, dlib::HogFaceDetector detector,
             std::shared_ptr<const dlib::FaceLandmarker> landmarker,
             std::shared_ptr<const model::RecognitionWeights> weights);

  FaceModelOptions options_;
  dlib::HogFaceDetector detector_;                            // prototype: copied into each engine
  std::shared_ptr<const dlib::FaceLandmarker> landmarker_;    // shared with every engine
  std::shared_ptr<const model::RecognitionWeights> weights_;  // read when an engine is made
};

}  // namespace findme::face::local
