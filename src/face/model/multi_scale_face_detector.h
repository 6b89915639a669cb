// FaceDetector for faces at every scale: face-api's SSD over the whole photo (event photos, small
// faces), BlazeFace short-range for faces that fill the frame (selfies, head crops, LFW-like
// portraits) where the SSD fails, and optionally the SSD again over the photo centred on a wider
// grey canvas. Boxes from the passes are merged; BlazeFace's boxes are mapped onto the SSD's box
// geometry first, so that one landmark box fit serves every box. Figures: docs/detection.md.
#pragma once

#include <memory>
#include <vector>

#include "core/result.h"
#include "face/face_detector.h"
#include "face/model/blazeface_face_detector.h"
#include "face/model/ssd_face_detector.h"

namespace findme::face::model {

// How a BlazeFace box (square, about brows to mouth) becomes an SSD-like box (taller, forehead to
// chin): width and height are multiples of the BlazeFace box's side, the centre moves by
// shift_x, shift_y of that side. Measured by bench/detection_report.cpp (the median over the
// lfw-dev faces both detectors find; see docs/detection.md).
struct BlazeBoxFit {
  float width = 1.0f;
  float height = 1.0f;
  float shift_x = 0.0f;
  float shift_y = 0.0f;
};

// The measured mapping (bench/detection_report.cpp on all 6,897 lfw-dev photos: medians over the
// 6,321 central faces both detectors find): the SSD's box is 0.944 BlazeFace sides wide, 1.113
// high and its centre 0.103 sides higher; BlazeFace's box fitted this way overlaps the SSD's by
// IoU 0.860 (median; 0.746 unfitted).
inline constexpr BlazeBoxFit kBlazeToSsdBox{0.944f, 1.113f, -0.014f, -0.103f};

// When a pass runs.
enum class PassUse {
  never,
  when_empty,  // only when the passes before it found no face
  always,
};

// The passes and how their boxes merge. Defaults: the measured choice for event photos
// (docs/detection.md, bench/detection_report.cpp): the SSD over the whole photo, then BlazeFace
// always, boxes merged. Measured against the SSD alone (today): lfw-dev central face found in
// 6,897 of 6,897 photos (SSD alone 6,333), crop grid found exactly once 4,820 of 4,840 (SSD alone
// 1,644; of the 20 others 16 have a real neighbouring face boxed too), the counted event photos
// unchanged (29 of 31 faces, 0 false boxes), for ~6 ms more CPU per 250 px photo and ~14 ms per
// 1920 px photo. BlazeFace only when the SSD finds nothing misses 20 lfw-dev central faces (the
// SSD found another face); a padded SSD pass instead costs a whole SSD pass and misses 34.
// selfie_policy() is the cheap order for one close face.
struct MultiScalePolicy {
  // Order of the passes: SSD whole image, SSD on the padded canvas, BlazeFace. With
  // blazeface_first the BlazeFace pass runs first (cheap: a selfie whose face it finds costs a
  // few ms) and the SSD passes only when it found nothing.
  bool blazeface_first = false;
  PassUse padded = PassUse::never;
  PassUse blazeface = PassUse::always;
  // Side of the grey canvas of the padded pass, in multiples of the image's long side (> 1).
  float canvas_scale = 2.0f;
  BlazeBoxFit fit = kBlazeToSsdBox;
  // A box of a later pass is dropped when it overlaps a kept box by IoU above merge_iou, or when
  // more than merge_contained of the smaller box lies inside the other (as SsdFaceDetector's tile
  // merge): the same face seen by two passes. Earlier passes win, whatever the scores (the scales
  // of the two nets differ); a dropped BlazeFace box lends its keypoints to the box it merged
  // into.
  float merge_iou = 0.3f;
  float merge_contained = 0.6f;
};

// For a selfie (one close face, <= 50 ms of face work on one core): BlazeFace first, the SSD only
// when it finds nothing. Measured: lfw-dev central face 6,897 of 6,897 at 6.2 ms CPU per 250 px
// photo, crop grid 4,822 of 4,840 at 7.5-7.9 ms per crop, ~14 ms per 1920 px photo. Not for event
// photos: BlazeFace alone finds 19 of the 31 counted faces and 2 false boxes (the short-range
// model ignores faces under ~1/8 of the frame).
MultiScalePolicy selfie_policy();

// Succeeds when every field of `policy` is in range; else Errc::internal naming the field.
// Thread-safe (pure).
Result<void> check_multi_scale_policy(const MultiScalePolicy& policy);

// `box` of a BlazeFace detection mapped by `fit`. Thread-safe (pure).
Box fit_blazeface_box(const Box& box, const BlazeBoxFit& fit);

// Merges the passes' detections, `passes` in priority order (each pass already NMS'ed): see
// MultiScalePolicy::merge_iou. The result keeps the passes' order (the first pass's boxes first).
// Thread-safe (pure).
std::vector<Detection> merge_detection_passes(const std::vector<std::vector<Detection>>& passes,
                                              float merge_iou, float merge_contained);

// `image` centred on a square grey (128) canvas of side canvas_scale * its long side, and the
// offset of its top-left corner in the canvas. Thread-safe (pure).
struct Canvas {
  image::RgbImage image;
  int x = 0;
  int y = 0;
};
Canvas make_padded_canvas(const image::RgbImage& image, float canvas_scale);

// Boxes found on `canvas` mapped back to the image (w x h) it holds: shifted, clipped, and
// dropped when less than half of a box lies on the image. Thread-safe (pure).
std::vector<Detection> from_canvas(std::vector<Detection> found, const Canvas& canvas, int width,
                                   int height);

// One per worker thread: it owns an SSD net and a BlazeFace net. Build each from one shared
// SsdWeights and BlazeFaceWeights.
class MultiScaleFaceDetector final : public FaceDetector {
 public:
  // Errors: Errc::internal for a policy out of range (the message names the field) or when
  // OpenCV refuses a network.
  static Result<std::unique_ptr<MultiScaleFaceDetector>> create(
      const SsdWeights& ssd, const BlazeFaceWeights& blazeface, const SsdPolicy& ssd_policy,
      const BlazeFacePolicy& blazeface_policy, const MultiScalePolicy& policy);

  // See FaceDetector::detect. Boxes in `image` pixels with SSD geometry; scores are the
  // probability of the net that found the box (SSD or BlazeFace). Detections BlazeFace found or
  // confirmed carry its 6 keypoints (blazeface::k* order), others none.
  std::vector<Detection> detect(const image::RgbImage& image) override;

  // detect() under selfie_policy(), whatever this detector's own policy: BlazeFace first, the
  // SSD only when it finds nothing.
  std::vector<Detection> detect_selfie(const image::RgbImage& image) override;

  const MultiScalePolicy& policy() const { return policy_; }

 private:
  MultiScaleFaceDetector(std::unique_ptr<SsdFaceDetector> ssd,
                         std::unique_ptr<BlazeFaceDetector> blazeface, MultiScalePolicy policy)
      : ssd_(std::move(ssd)), blazeface_(std::move(blazeface)), policy_(policy) {}
  std::vector<Detection> detect_with(const image::RgbImage& image, const MultiScalePolicy& policy);
  std::vector<Detection> blazeface_pass(const image::RgbImage& image, const BlazeBoxFit& fit);
  std::vector<Detection> padded_pass(const image::RgbImage& image, float canvas_scale);

  std::unique_ptr<SsdFaceDetector> ssd_;
  std::unique_ptr<BlazeFaceDetector> blazeface_;
  MultiScalePolicy policy_;
};

}  // namespace findme::face::model
