#include "face/local/face_models.h"

#include <future>
#include <utility>

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

Result<FaceModels> FaceModels::load(const FaceModelOptions& options) {
  // The loads are independent and single-threaded; the landmark file dominates, and building
  // dlib's HOG detector takes nearly as long, so run them side by side.
  auto landmarks = std::async(std::launch::async, [path = options.landmark_model] {
    return dlib::FaceLandmarker::load(path);
  });
  auto weights = std::async(std::launch::async, [dir = options.package_dir] {
    return model::RecognitionWeights::load(dir);
  });
  std::optional<dlib::HogFaceDetector> hog;
  std::shared_ptr<const model::SsdWeights> ssd;
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
  }
  Result<dlib::FaceLandmarker> landmarker = landmarks.get();
  Result<model::RecognitionWeights> recognition = weights.get();
  if (!landmarker) {
    return landmarker.error();
  }
  if (!recognition) {
    return recognition.error();
  }
  return FaceModels(
      options, std::move(hog), std::move(ssd),
      std::make_shared<const dlib::FaceLandmarker>(std::move(landmarker).value()),
      std::make_shared<const model::RecognitionWeights>(std::move(recognition).value()));
}

FaceModels::FaceModels(FaceModelOptions options, std::optional<dlib::HogFaceDetector> hog,
                       std::shared_ptr<const model::SsdWeights> ssd,
                       std::shared_ptr<const dlib::FaceLandmarker> landmarker,
                       std::shared_ptr<const model::RecognitionWeights> weights)
    : options_(std::move(options)),
      hog_(std::move(hog)),
      ssd_(std::move(ssd)),
      landmarker_(std::move(landmarker)),
      weights_(std::move(weights)) {}

Result<std::unique_ptr<FaceDetector>> FaceModels::make_detector() const {
  if (hog_) {
    return std::unique_ptr<FaceDetector>(std::make_unique<dlib::HogFaceDetector>(*hog_));
  }
  Result<std::unique_ptr<model::SsdFaceDetector>> ssd =
      model::SsdFaceDetector::create(*ssd_, options_.ssd);
  if (!ssd) {
    return ssd.error();
  }
  return std::unique_ptr<FaceDetector>(std::move(*ssd));
}

Result<std::unique_ptr<FaceEngine>> FaceModels::make_engine() const {
  Result<std::unique_ptr<FaceDetector>> detector = make_detector();
  if (!detector) {
    return detector.error();
  }
  Result<std::unique_ptr<model::OpenCvFaceEmbedder>> embedder =
      model::OpenCvFaceEmbedder::create(*weights_);
  if (!embedder) {
    return embedder.error();
  }
  const bool ssd = options_.detector == Detector::ssd;
  return std::unique_ptr<FaceEngine>(std::make_unique<LocalFaceEngine>(
      std::move(*detector), landmarker_, std::move(*embedder),
      options_.quality.value_or(default_quality(options_.detector)),
      ssd ? kSsdLandmarkBoxFit : LandmarkBoxFit{}));
}

}  // namespace findme::face::local
