// Face box -> 68 landmarks (iBUG 300-W / dlib order), which the aligner turns into the chip the
// descriptor reads. Which models may run by default, and their licences: docs/models.md.
#pragma once

#include <vector>

#include "core/result.h"
#include "face/geometry.h"
#include "image/image.h"

namespace findme::face {

inline constexpr int kLandmarkCount = 68;

// One per worker thread: network implementations keep per-call state (an OpenCV net is not
// shareable). Build each worker's from one set of weights loaded once per process.
class FaceLandmarker {
 public:
  virtual ~FaceLandmarker() = default;

  // The kLandmarkCount landmarks of the face inside `box`, in `image` pixels. The box may reach
  // outside the image. REQUIRES: `image` not empty, box width and height > 0.
  // Errors: Errc::internal when a network fails.
  virtual Result<std::vector<Point>> locate(const image::RgbImage& image, const Box& box) = 0;
};

}  // namespace findme::face
