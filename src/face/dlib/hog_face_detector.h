// dlib's HOG frontal-face detector behind FaceDetector, with an explicit detection policy.
#pragma once

#include <memory>
#include <vector>

#include "core/result.h"
#include "face/face_detector.h"

namespace findme::face::dlib {

// How a photo is searched for faces. Measured on the package's six sample photos (1920 px, 22
// clearly visible faces counted by eye; tests/accuracy/detection_test.cpp, bench/face_bench.cpp
// BM_Detect, CPU time per photo on one core of a loaded 2-core EPYC):
//   working side  upsample  real faces found  false positives  detect time per photo
//   640           no        19 / 22           0                ~28 ms
//   960           no        19 / 22           0                ~60 ms
//   1280          no        19 / 22           0                ~100 ms   <- default
//   1920 (full)   no        19 / 22           1 (badge, 0.01)  ~205 ms
//   640           yes       19 / 22           0                ~95 ms
//   960           yes       18 / 22           0                ~210 ms
// The three misses (a profile, a head bowed low, a three-quarter view) score -0.3 to -0.5 at
// every size, no higher than non-faces, so no threshold recovers them. The samples' faces are
// large (150-270 px); event photos are not, so the working size is chosen for small faces within
// the budget (<= 300 ms per 1920 px photo end to end): HOG's window is 80 px, so 1280 finds faces
// down to 80 / 1280 = 6 % of the long side (~120 px in a 1920 px photo), 640 only down to 12 %.
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
