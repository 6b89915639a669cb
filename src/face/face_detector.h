// Finds face boxes in an image, with keypoints when the detector has them.
#pragma once

#include <vector>

#include "face/geometry.h"
#include "image/image.h"

namespace findme::face {

struct Detection {
  Box box;
  float score = 0;  // detector confidence; the scale depends on the detector
  // Face keypoints in image pixels, empty for detectors without them. When present: six, in
  // MediaPipe's order: right eye, left eye, nose tip, mouth centre, right ear tragion, left ear
  // tragion ("right" is the person's: on the image's left for a frontal face).
  std::vector<Point> keypoints;
};

// One per worker thread: implementations hold detector state that is not thread-safe.
class FaceDetector {
 public:
  virtual ~FaceDetector() = default;
  // Boxes are in `image` pixel coordinates, best first. Never fails: no face is an empty list.
  virtual std::vector<Detection> detect(const image::RgbImage& image) = 0;
  // As detect(), for a selfie: one close face, where a detector may take a cheaper path (the
  // multi-scale detector runs its close-face pass first). By default, detect().
  virtual std::vector<Detection> detect_selfie(const image::RgbImage& image) {
    return detect(image);
  }
};

}  // namespace findme::face
