// Finds face boxes in an image. Implementations: dlib/ (HOG); a CNN detector later.
#pragma once

#include <vector>

#include "face/geometry.h"
#include "image/image.h"

namespace findme::face {

struct Detection {
  Box box;
  float score = 0;  // detector confidence; the scale depends on the detector
};

// One per worker thread: implementations hold detector state that is not thread-safe.
class FaceDetector {
 public:
  virtual ~FaceDetector() = default;
  // Boxes are in `image` pixel coordinates, best first. Never fails: no face is an empty list.
  virtual std::vector<Detection> detect(const image::RgbImage& image) = 0;
};

}  // namespace findme::face
