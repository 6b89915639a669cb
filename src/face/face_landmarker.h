// Face box -> 68 landmarks (iBUG 300-W / dlib order), which the aligner turns into the chip the
// descriptor reads. Implementations: model/ (face-api's landmark_68 net, MIT, the default) and
// dlib/ (dlib's shape predictor: its model is licensed for non-commercial use only, so it is kept
// for comparison and never on the default path).
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
