#include "face/local/local_face_engine.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <utility>

#include "core/stopwatch.h"

namespace findme::face::local {
namespace {

float area(const Box& box) { return box.width * box.height; }

}  // namespace

Box landmark_box(const Box& box, const LandmarkBoxFit& fit) {
  if (!fit.square) {
    return box;
  }
  const float side = fit.side_scale * std::sqrt(box.width * box.height);
  const float center_x = box.x + box.width / 2;
  const float center_y = box.y + box.height / 2 + fit.shift_y * box.height;
  return Box{center_x - side / 2, center_y - side / 2, side, side};
}

LocalFaceEngine::LocalFaceEngine(std::unique_ptr<FaceDetector> detector,
                                 std::shared_ptr<const dlib::FaceLandmarker> landmarker,
                                 std::unique_ptr<FaceEmbedder> embedder, QualityThresholds quality,
                                 LandmarkBoxFit fit)
    : detector_(std::move(detector)),
      landmarker_(std::move(landmarker)),
      embedder_(std::move(embedder)),
      quality_(quality),
      fit_(fit) {
  assert(detector_ && landmarker_ && embedder_);
}

Result<FaceAnalysis> LocalFaceEngine::analyze(const image::RgbImage& image) {
  FaceAnalysis analysis;
  if (image.empty() || image.pixels.size() < image.byte_size()) {
    return analysis;
  }
  Stopwatch watch;
  std::vector<Detection> detections = detector_->detect(image);
  std::stable_sort(
      detections.begin(), detections.end(),
      [](const Detection& a, const Detection& b) { return area(a.box) > area(b.box); });
  analysis.timings.detect_ms = watch.elapsed_ms();

  watch.restart();
  std::vector<image::RgbImage> chips;
  chips.reserve(detections.size());
  for (const Detection& detection : detections) {
    Face face;
    face.box = detection.box;
    const Box fitted = landmark_box(detection.box, fit_);
    face.landmarks = landmarker_->locate(image, fitted);
    chips.push_back(dlib::extract_face_chip(image, face.landmarks));
    face.quality = assess_quality(std::max(fitted.width, fitted.height), detection.score,
                                  laplacian_variance(chips.back()), quality_);
    analysis.faces.push_back(std::move(face));
  }
  analysis.timings.landmarks_ms = watch.elapsed_ms();

  if (chips.empty()) {
    return analysis;
  }
  watch.restart();
  Result<std::vector<Embedding>> embeddings = embedder_->embed(chips);
  if (!embeddings) {
    return embeddings.error();
  }
  if (embeddings->size() != analysis.faces.size()) {
    return make_error(Errc::internal, "face embedder returned a wrong number of descriptors");
  }
  for (std::size_t i = 0; i < analysis.faces.size(); ++i) {
    analysis.faces[i].embedding = (*embeddings)[i];
  }
  analysis.timings.embed_ms = watch.elapsed_ms();
  return analysis;
}

}  // namespace findme::face::local
