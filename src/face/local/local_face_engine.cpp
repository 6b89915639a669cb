#include "face/local/local_face_engine.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <utility>

#include "core/stopwatch.h"
#include "face/dlib/face_landmarker.h"

namespace findme::face::local {
namespace {

constexpr std::array<Point, 5> kChipFivePoints{dlib::kChipLeftEye, dlib::kChipRightEye,
                                               dlib::kChipNoseTip, dlib::kChipMouthLeft,
                                               dlib::kChipMouthRight};

image::RgbImage mirrored(const image::RgbImage& chip) {
  image::RgbImage out = chip;
  const auto w = static_cast<std::size_t>(chip.width);
  for (std::size_t y = 0; y < static_cast<std::size_t>(chip.height); ++y) {
    for (std::size_t x = 0; x < w; ++x) {
      for (std::size_t c = 0; c < 3; ++c) {
        out.pixels[3 * (y * w + x) + c] = chip.pixels[3 * (y * w + (w - 1 - x)) + c];
      }
    }
  }
  return out;
}

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
                                 std::unique_ptr<FaceLandmarker> landmarker,
                                 std::unique_ptr<FaceEmbedder> embedder, QualityThresholds quality,
                                 AlignmentOptions alignment)
    : detector_(std::move(detector)),
      landmarker_(std::move(landmarker)),
      embedder_(std::move(embedder)),
      quality_(quality),
      alignment_(alignment) {
  assert(detector_ && landmarker_ && embedder_);
}

Result<FaceAnalysis> LocalFaceEngine::analyze(const image::RgbImage& image) {
  return detect_and_describe(image, false);
}

Result<FaceAnalysis> LocalFaceEngine::analyze_selfie(const image::RgbImage& image) {
  return detect_and_describe(image, true);
}

Result<FaceAnalysis> LocalFaceEngine::detect_and_describe(const image::RgbImage& image,
                                                          bool selfie) {
  FaceAnalysis analysis;
  if (image.empty() || image.pixels.size() < image.byte_size()) {
    return analysis;
  }
  Stopwatch watch;
  std::vector<Detection> detections =
      selfie ? detector_->detect_selfie(image) : detector_->detect(image);
  const double detect_ms = watch.elapsed_ms();
  Result<FaceAnalysis> described = describe(image, std::move(detections));
  if (described) {
    described->timings.detect_ms = detect_ms;
  }
  return described;
}

Result<FaceAnalysis> LocalFaceEngine::describe(const image::RgbImage& image,
                                               std::vector<Detection> detections) {
  FaceAnalysis analysis;
  std::stable_sort(
      detections.begin(), detections.end(),
      [](const Detection& a, const Detection& b) { return area(a.box) > area(b.box); });
  Stopwatch watch;
  std::vector<image::RgbImage> chips;
  chips.reserve(detections.size() * (alignment_.flip ? 2 : 1));
  for (const Detection& detection : detections) {
    Face face;
    face.box = detection.box;
    const Box fitted = landmark_box(detection.box, alignment_.fit);
    Result<std::vector<Point>> landmarks =
        landmarker_->locate(image, alignment_.landmarks_on_fitted_box ? fitted : detection.box);
    if (!landmarks) {
      return landmarks.error();
    }
    face.landmarks = std::move(*landmarks);
    chips.push_back(
        alignment_.alignment == Alignment::points5
            ? dlib::extract_face_chip(image, dlib::five_points(face.landmarks), kChipFivePoints)
            : dlib::extract_face_chip(image, face.landmarks));
    face.quality = assess_quality(std::max(fitted.width, fitted.height), detection.score,
                                  laplacian_variance(chips.back()), quality_);
    analysis.faces.push_back(std::move(face));
  }
  if (alignment_.flip) {
    const std::size_t count = chips.size();
    for (std::size_t i = 0; i < count; ++i) {
      chips.push_back(mirrored(chips[i]));
    }
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
  if (embeddings->size() != chips.size()) {
    return make_error(Errc::internal, "face embedder returned a wrong number of descriptors");
  }
  const std::size_t faces = analysis.faces.size();
  for (std::size_t i = 0; i < faces; ++i) {
    Embedding& e = analysis.faces[i].embedding;
    e = (*embeddings)[i];
    if (alignment_.flip) {
      for (std::size_t k = 0; k < e.size(); ++k) {
        e[k] = (e[k] + (*embeddings)[faces + i][k]) / 2;
      }
    }
  }
  analysis.timings.embed_ms = watch.elapsed_ms();
  return analysis;
}

}  // namespace findme::face::local
