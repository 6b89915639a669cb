// dlib's 68-point face landmarks (iBUG 300-W order) and the aligned chip the ResNet reads.
#pragma once

#include <filesystem>
#include <memory>
#include <span>
#include <vector>

#include "core/result.h"
#include "face/geometry.h"
#include "image/image.h"

namespace findme::face::dlib {

inline constexpr int kLandmarkCount = 68;

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

}  // namespace findme::face::dlib
