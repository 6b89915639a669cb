#include "face/local/face_models.h"

#include <future>
#include <utility>

#include "face/model/gemm_face_embedder.h"
#include "face/model/gemm_landmark_net.h"
#include "face/model/opencv_face_embedder.h"

namespace findme::face::local {

std::optional<Detector> parse_detector(std::string_view name) {
  if (name == "ssd") {
    return Detector::ssd;
  }
  if (name == "hog") {
    return Detector::hog;
  }
  return std::nullopt;
}

std::string_view to_string(Detector detector) { return detector == Detector::ssd ? "ssd" : "hog"; }

QualityThresholds default_quality(Detector detector) {
  QualityThresholds thresholds;
  thresholds.min_score = detector == Detector::ssd ? kMinSsdScore : kMinHogScore;
  return thresholds;
}

std::optional<Landmarks> parse_landmarks(std::string_view name) {
  if (name == "net68") {
    return Landmarks::net68;
  }
  if (name == "dlib68") {
    return Landmarks::dlib68;
  }
  return std::nullopt;
}

std::string_view to_string(Landmarks landmarks) {
  return landmarks == Landmarks::net68 ? "net68" : "dlib68";
}

AlignmentOptions default_alignment(Detector detector, Landmarks landmarks) {
  AlignmentOptions alignment;
  alignment.fit = detector == Detector::ssd ? kSsdLandmarkBoxFit : LandmarkBoxFit{};
  alignment.landmarks_on_fitted_box = landmarks == Landmarks::dlib68;
  return alignment;
}

Result<FaceModels> FaceModels::load(const FaceModelOptions& options) {
  // The loads are independent and single-threaded; the landmark file dominates, and building
  // dlib's HOG detector takes nearly as long, so run them side by side.
  const bool dlib68 = options.landmarks == Landmarks::dlib68;
  auto landmarks = std::async(std::launch::async, [path = options.landmark_model, dlib68] {
    return dlib68 ? dlib::FaceLandmarker::load(path)
                  : Result<dlib::FaceLandmarker>(make_error(Errc::internal, "not loaded"));
  });
  auto weights = std::async(std::launch::async, [dir = options.package_dir] {
    return model::RecognitionWeights::load(dir);
  });
  std::optional<dlib::HogFaceDetector> hog;
  std::shared_ptr<const model::SsdWeights> ssd;
  std::shared_ptr<const model::BlazeFaceWeights> blazeface;
  if (Result<void> ok = model::check_ssd_policy(options.ssd); !ok) {
    return ok.error();
  }
  if (options.detector == Detector::hog) {
    Result<dlib::HogFaceDetector> detector = dlib::HogFaceDetector::create(options.detection);
    if (!detector) {
      return detector.error();
    }
    hog.emplace(std::move(detector).value());
  } else {
    Result<model::SsdWeights> detector = model::SsdWeights::load(options.package_dir);
    if (!detector) {
      return detector.error();
    }
    ssd = std::make_shared<const model::SsdWeights>(std::move(detector).value());
    const std::filesystem::path dir = options.blazeface_dir.empty()
                                          ? options.package_dir.parent_path() / kHumanModelsFolder
                                          : options.blazeface_dir;
    Result<model::BlazeFaceWeights> close = model::BlazeFaceWeights::load(dir);
    if (!close) {
      return close.error();
    }
    blazeface = std::make_shared<const model::BlazeFaceWeights>(std::move(close).value());
  }
  Result<dlib::FaceLandmarker> predictor = landmarks.get();
  Result<model::RecognitionWeights> recognition = weights.get();
  if (dlib68 && !predictor) {
    return predictor.error();
  }
  if (!recognition) {
    return recognition.error();
  }
  Result<model::LandmarkNetWeights> net = model::LandmarkNetWeights::load(options.package_dir);
  if (!net) {
    return net.error();
  }
  // The gemm path keeps only the packed copy (the dequantised weights are dropped here).
  std::shared_ptr<const model::RecognitionWeights> dequantised;
  std::shared_ptr<const model::PackedRecognitionWeights> packed;
  if (options.embedder == EmbedderKind::gemm) {
    packed = model::PackedRecognitionWeights::pack(*recognition);
  } else {
    dequantised = std::make_shared<const model::RecognitionWeights>(std::move(recognition).value());
  }
  FaceModels models(
      options, std::move(hog), std::move(ssd),
      std::make_shared<const model::LandmarkNetWeights>(std::move(net).value()),
      dlib68 ? std::make_shared<const dlib::FaceLandmarker>(std::move(predictor).value()) : nullptr,
      std::move(dequantised), std::move(packed));
  models.blazeface_ = std::move(blazeface);
  return models;
}

FaceModels::FaceModels(FaceModelOptions options, std::optional<dlib::HogFaceDetector> hog,
                       std::shared_ptr<const model::SsdWeights> ssd,
                       std::shared_ptr<const model::LandmarkNetWeights> landmark_net,
                       std::shared_ptr<const dlib::FaceLandmarker> predictor,
                       std::shared_ptr<const model::RecognitionWeights> weights,
                       std::shared_ptr<const model::PackedRecognitionWeights> packed)
    : options_(std::move(options)),
      hog_(std::move(hog)),
      ssd_(std::move(ssd)),
      landmark_net_(std::move(landmark_net)),
      predictor_(std::move(predictor)),
      weights_(std::move(weights)),
      packed_(std::move(packed)) {}

Result<std::unique_ptr<FaceDetector>> FaceModels::make_detector() const {
  if (hog_) {
    return std::unique_ptr<FaceDetector>(std::make_unique<dlib::HogFaceDetector>(*hog_));
  }
  Result<std::unique_ptr<model::MultiScaleFaceDetector>> detector =
      model::MultiScaleFaceDetector::create(*ssd_, *blazeface_, options_.ssd,
                                            model::BlazeFacePolicy{}, model::MultiScalePolicy{});
  if (!detector) {
    return detector.error();
  }
  return std::unique_ptr<FaceDetector>(std::move(*detector));
}

Result<std::unique_ptr<FaceLandmarker>> FaceModels::make_landmarker() const {
  if (predictor_) {
    return std::unique_ptr<FaceLandmarker>(
        std::make_unique<dlib::ShapePredictorLandmarker>(predictor_));
  }
  Result<std::unique_ptr<model::GemmLandmarkNet>> net =
      model::GemmLandmarkNet::create(*landmark_net_);
  if (!net) {
    return net.error();
  }
  return std::unique_ptr<FaceLandmarker>(std::move(*net));
}

Result<std::unique_ptr<FaceEmbedder>> FaceModels::make_embedder() const {
  if (packed_) {
    Result<std::unique_ptr<model::GemmFaceEmbedder>> embedder =
        model::GemmFaceEmbedder::create(packed_);
    if (!embedder) return embedder.error();
    return std::unique_ptr<FaceEmbedder>(std::move(*embedder));
  }
  Result<std::unique_ptr<model::OpenCvFaceEmbedder>> embedder =
      model::OpenCvFaceEmbedder::create(*weights_);
  if (!embedder) return embedder.error();
  return std::unique_ptr<FaceEmbedder>(std::move(*embedder));
}

Result<std::unique_ptr<FaceEngine>> FaceModels::make_engine() const {
  Result<std::unique_ptr<LocalFaceEngine>> engine = make_local_engine(
      options_.alignment.value_or(default_alignment(options_.detector, options_.landmarks)));
  if (!engine) {
    return engine.error();
  }
  return std::unique_ptr<FaceEngine>(std::move(*engine));
}

Result<std::unique_ptr<LocalFaceEngine>> FaceModels::make_local_engine(
    const AlignmentOptions& alignment) const {
  Result<std::unique_ptr<FaceDetector>> detector = make_detector();
  if (!detector) {
    return detector.error();
  }
  Result<std::unique_ptr<FaceLandmarker>> landmarker = make_landmarker();
  if (!landmarker) {
    return landmarker.error();
  }
  Result<std::unique_ptr<FaceEmbedder>> embedder = make_embedder();
  if (!embedder) {
    return embedder.error();
  }
  return std::make_unique<LocalFaceEngine>(
      std::move(*detector), std::move(*landmarker), std::move(*embedder),
      options_.quality.value_or(default_quality(options_.detector)), alignment);
}

}  // namespace findme::face::local
