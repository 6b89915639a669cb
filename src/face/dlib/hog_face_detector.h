// dlib's HOG frontal-face detector behind FaceDetector, with an explicit detection policy.
#pragma once

#include <memory>
#include <vector>

#include "core/result.h"
#include "face/face_detector.h"

namespace findme::face::dlib {

// How a photo is searched for faces. Defaults measured on the package's six sample photos
// (1920 px, 22 faces counted by eye; bench/face_bench.cpp, FACE-NOTES.md):
//   working side  upsample  found (score >= 0)  false pos.  detect time per photo, one core
//   640           no        19 / 22             0           ~30 ms
//   960           no        19 / 22             0           ~60-70 ms
//   1280          no        19 / 22             0           ~90-110 ms (grey)
//   1920 (full)   no        19 / 22             1 (badge)   ~230-270 ms
//   960           yes       19 / 22             0           ~250-290 ms
// The three misses (a profile, a head bowed low, a three-quarter view) score -0.3 to -0.5 at
// every size, below non-faces such as sample1's badge, so no threshold recovers them.
// 1280 keeps the default inside the 300 ms per-photo budget while finding faces down to
// 80 / 1280 = 6 % of the long side (HOG's window is 80 px): ~120 px in a 1920 px photo.
struct DetectionPolicy {
  // The image is downscaled (never enlarged) so that its longer side is at most this many
  // pixels before detection; boxes are scaled back. 0 detects at full size.
  int working_long_side = 1280;
  // Times the working image is doubled (dlib::pyramid_up) before detection: finds faces half as
  // small, at ~4x the time. 0 to 2.
  int upsample = 0;
  // Detections scoring below this are dropped. 0 is the decision boundary dlib's detector was
  // trained for; real faces in the samples score >= 0.43, the worst non-face 0.01.
  float min_score = 0.0f;
};

// One per worker thread: dlib's object_detector keeps scan state in the object. Copying is
// cheap (~0.1 ms, the filters are small), so build one with create() per process and copy it
// for each worker.
class HogFaceDetector final : public FaceDetector {
 public:
  // Builds dlib's frontal detector from the model compiled into libdlib (~250-400 ms).
  // Errors: Errc::internal for a policy out of range (message says which field).
  static Result<HogFaceDetector> create(const DetectionPolicy& policy);

  HogFaceDetector(const HogFaceDetector& other);
  HogFaceDetector& operator=(const HogFaceDetector& other);
  HogFaceDetector(HogFaceDetector&&) noexcept;
  HogFaceDetector& operator=(HogFaceDetector&&) noexcept;
  ~HogFaceDetector() override;

  // See FaceDetector::detect. Detection runs on a grey copy of the image at the policy's working
  // size; boxes come back square, in `image` pixels, clipped to it, best score first.
  std::vector<Detection> detect(const image::RgbImage& image) override;

  const DetectionPolicy& policy() const { return policy_; }

 private:
  struct Impl;
  HogFaceDetector(DetectionPolicy policy, std::unique_ptr<Impl> impl);

  DetectionPolicy policy_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace findme::face::dlib
