// FaceDetector that runs BlazeFace short-range (MediaPipe's detector for close faces, 128 px
// input) over the whole image, letterboxed: cheap (a few ms) and made for faces that fill much of
// the frame, where the SSD fails. Faces smaller than ~1/8 of the image's long side are not found.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/result.h"
#include "face/face_detector.h"
#include "face/model/blazeface_net.h"

namespace findme::face::model {

// MediaPipe's defaults for the short-range model (face_detection_short_range.pbtxt), with hard
// non-maximum suppression (human's blazeface.ts) where MediaPipe blends overlapping boxes.
struct BlazeFacePolicy {
  float min_confidence = 0.5f;  // min_score_thresh
  float max_iou = 0.3f;         // min_suppression_threshold
  int max_results = 100;
};

// BlazeFace's keypoints: indices into Detection::keypoints (MediaPipe's order). "Right" is the
// person's: on an upright face seen from the front, kRightEye lies on the image's left.
namespace blazeface {
inline constexpr std::size_t kRightEye = 0;
inline constexpr std::size_t kLeftEye = 1;
inline constexpr std::size_t kNoseTip = 2;
inline constexpr std::size_t kMouthCentre = 3;
inline constexpr std::size_t kRightEar = 4;  // ear tragion
inline constexpr std::size_t kLeftEar = 5;
inline constexpr std::size_t kKeypointCount = 6;
}  // namespace blazeface

// How the image was mapped onto the net's input: input pixel (u, v) is image pixel
// (u * scale_x, v * scale_y). The image sits at the input's top left; the rest is black.
struct BlazeFaceInput {
  cv::Mat blob;  // NCHW CV_32F [1, 3, 128, 128], x / 127.5 - 1
  float scale_x = 1;
  float scale_y = 1;
};

// Letterboxes `image` for the net: an image whose long side exceeds 128 is first shrunk to 128
// with pixel-area averaging (cv::INTER_AREA), then make_ssd_input() pads it with zeros at the
// bottom or right to a square and resizes it to 128 with TF.js' bilinear resize (an identity
// when the long side already is 128). REQUIRES: image non-empty, its pixels present.
// Thread-safe (pure).
BlazeFaceInput make_blazeface_input(const image::RgbImage& image);

// Decodes the net's raw output ([896, 17], BlazeFaceNet::run()) as human's blazeface.ts does:
// box centre = anchor centre + (dx, dy), size (w, h), keypoint = anchor centre + (x, y), anchors
// at ((i + 0.5) * stride) for strides 8 (2 per cell) and 16 (6 per cell); score = sigmoid(logit).
// Keeps boxes scoring above min_confidence after NMS, best first, in input pixels (unclipped).
// Thread-safe (pure).
std::vector<Detection> decode_blazeface(const cv::Mat& raw, const BlazeFacePolicy& policy);

// One per worker thread: it owns a BlazeFaceNet. Build each from one shared BlazeFaceWeights.
class BlazeFaceDetector final : public FaceDetector {
 public:
  // Errors: Errc::internal for a policy out of range (the message names the field) or when
  // OpenCV refuses the network.
  static Result<std::unique_ptr<BlazeFaceDetector>> create(const BlazeFaceWeights& weights,
                                                           const BlazeFacePolicy& policy);

  // See FaceDetector::detect. Boxes are BlazeFace's own (tighter than the SSD's: about the eyes
  // to the mouth; see multi_scale_face_detector.h for the mapping), in image pixels clipped to
  // it; scores are the net's face probability (0..1); each detection has 6 keypoints in
  // blazeface::k* order, in image pixels. A failing net gives no face.
  std::vector<Detection> detect(const image::RgbImage& image) override;

  // The net's raw output [896, 17] for `image` (make_blazeface_input()), for the agreement test.
  Result<cv::Mat> raw_output(const image::RgbImage& image);

  const BlazeFacePolicy& policy() const { return policy_; }

 private:
  BlazeFaceDetector(BlazeFaceNet net, BlazeFacePolicy policy)
      : net_(std::move(net)), policy_(policy) {}
  BlazeFaceNet net_;
  BlazeFacePolicy policy_;
};

}  // namespace findme::face::model
