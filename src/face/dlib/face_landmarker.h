// dlib's 68-point face landmarks (iBUG 300-W order) and the aligned chips the ResNet reads: from
// 68 landmarks (dlib's get_face_chip_details) or from 5 points by a similarity transform.
// dlib's shape predictor model is licensed for non-commercial use only (dlib-models README): it is
// kept for comparison (LANDMARKS=dlib68) and is never loaded on the default path. The chip code is
// dlib library code (Boost licence) and is used on every path.
#pragma once

#include <filesystem>
#include <memory>
#include <span>
#include <vector>

#include "core/result.h"
#include "face/face_landmarker.h"
#include "face/geometry.h"
#include "image/image.h"

namespace findme::face::dlib {

inline constexpr int kLandmarkCount = face::kLandmarkCount;

// The default place of the model: Debian's libdlib-data package.
inline constexpr const char* kDefaultLandmarkModel =
    "/usr/share/dlib/shape_predictor_68_face_landmarks.dat";

// Thread-safe: immutable after load(). dlib's shape_predictor::operator() is const and keeps
// all its working state on the stack (dlib/image_processing/shape_predictor.h, 19.24), so one
// instance, loaded once per process (~0.4-0.6 s, 100 MB file), serves every worker.
class FaceLandmarker {
 public:
  // Reads a dlib shape_predictor file with 68 parts. Errors: Errc::internal, one line naming the
  // file and `apt-get install libdlib-data`, when it is missing, unreadable, corrupt or has
  // another number of parts.
  static Result<FaceLandmarker> load(const std::filesystem::path& model);

  FaceLandmarker(FaceLandmarker&&) noexcept;
  FaceLandmarker& operator=(FaceLandmarker&&) noexcept;
  ~FaceLandmarker();

  // The 68 landmarks of the face inside `box`, in `image` pixels. REQUIRES: `image` not empty.
  std::vector<Point> locate(const image::RgbImage& image, const Box& box) const;

 private:
  struct Impl;
  explicit FaceLandmarker(std::unique_ptr<const Impl> impl);
  std::unique_ptr<const Impl> impl_;
};

// Cuts the kChipSize x kChipSize chip dlib's ResNet expects: rotated upright and scaled from the
// 68 landmarks with padding kChipPadding (dlib::get_face_chip_details + extract_image_chip,
// bilinear; pixels outside `image` are black). REQUIRES: landmarks.size() == kLandmarkCount.
// Thread-safe (pure).
image::RgbImage extract_face_chip(const image::RgbImage& image, std::span<const Point> landmarks);

// FaceLandmarker over a shared, loaded shape predictor. One per worker thread by the interface's
// contract (the predictor itself may be shared). REQUIRES: predictor not null.
class ShapePredictorLandmarker final : public face::FaceLandmarker {
 public:
  explicit ShapePredictorLandmarker(std::shared_ptr<const dlib::FaceLandmarker> predictor);
  // Never fails.
  Result<std::vector<Point>> locate(const image::RgbImage& image, const Box& box) override;

 private:
  std::shared_ptr<const dlib::FaceLandmarker> predictor_;
};

// Where dlib's kChipSize / kChipPadding chip puts five face points (computed from dlib's mean-face
// constants in interpolation.h, FACE-NOTES.md): the image-left eye's centre (mean of points
// 36-41 in iBUG order), the image-right eye's centre (42-47), the nose tip (30), the mouth's
// image-left corner (48) and image-right corner (54); and the mouth's centre (the corners' mean),
// for detectors that give it instead of the corners.
inline constexpr Point kChipLeftEye{47.55f, 46.60f};
inline constexpr Point kChipRightEye{100.48f, 46.60f};
inline constexpr Point kChipNoseTip{74.01f, 76.56f};
inline constexpr Point kChipMouthLeft{50.41f, 103.02f};
inline constexpr Point kChipMouthRight{97.61f, 103.02f};
inline constexpr Point kChipMouthCentre{74.01f, 103.02f};

// The five points above, in that order, from 68 landmarks. REQUIRES: landmarks.size() == 68.
std::vector<Point> five_points(std::span<const Point> landmarks);

// The similarity transform (rotation, uniform scale, shift; no reflection) that maps chip
// coordinates to image coordinates with the least squared error over the point pairs:
// image = (a * x - b * y + tx, b * x + a * y + ty). REQUIRES: equal sizes >= 2, chip points not
// all equal. Thread-safe (pure).
struct Similarity {
  double a = 1;
  double b = 0;
  double tx = 0;
  double ty = 0;
  Point apply(const Point& p) const;
};
Similarity chip_to_image(std::span<const Point> chip_points, std::span<const Point> image_points);

// Cuts the kChipSize x kChipSize chip whose `chip_points` land on `image_points` (least squares
// similarity, bilinear, black outside `image`): the detector-keypoint and 5-point aligner. With
// five_points() and the kChip* constants it reproduces extract_face_chip()'s geometry without the
// other 63 points. REQUIRES: as chip_to_image(). Thread-safe (pure).
image::RgbImage extract_face_chip(const image::RgbImage& image, std::span<const Point> image_points,
                                  std::span<const Point> chip_points);

}  // namespace findme::face::dlib
