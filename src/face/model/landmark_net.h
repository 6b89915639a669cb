// FaceLandmarker that runs face-api's 68-point landmark net (MIT) in OpenCV DNN, built layer by
// layer from LandmarkNetWeights, with face-api's own crop, square padding, 112 px resize and
// mapping of the outputs back to the image (src/faceLandmarkNet/FaceLandmark68NetBase.ts,
// src/dom/NetInput.ts, src/ops/padToSquare.ts, src/dom/extractFaceTensors.ts).
#pragma once

#include <array>
#include <memory>
#include <vector>

#include <opencv2/dnn/dnn.hpp>

#include "core/result.h"
#include "face/face_landmarker.h"
#include "face/model/landmark_net_weights.h"

namespace findme::face::model {

// The pixels the net reads for a box: face-api clips the box at the image borders and floors it
// (Box.clipAtImageBorders), then pads the crop with black to a centred square.
struct LandmarkCrop {
  int x = 0;  // in image pixels
  int y = 0;
  int width = 0;  // >= 1
  int height = 0;
};

// The crop of `box` in an image of `image_width` x `image_height` (both >= 1). A box entirely
// outside the image gives the 1-pixel crop nearest to it. Thread-safe (pure).
LandmarkCrop landmark_crop(const Box& box, int image_width, int image_height);

// The net's input blob [1, 3, 112, 112] for `crop`: the crop padded to a centred square (the
// extra pixel of an odd difference after the image, as padToSquare does), resized bilinearly to
// 112 px the TF way (no half-pixel centres, no aligned corners), minus face-api's mean RGB, / 255.
// REQUIRES: crop lies inside `image`. Thread-safe (pure).
cv::Mat make_landmark_input(const image::RgbImage& image, const LandmarkCrop& crop);

// Maps the net's 136 outputs (x0, y0, x1, y1, ... in units of the padded square) to image pixels.
// Thread-safe (pure).
std::vector<Point> map_landmarks(const std::array<float, 136>& output, const LandmarkCrop& crop);

// What both landmark nets do around their forward pass: face-api's crop of `box`, its square
// padding and 112 px resize, `net.run()`, and the outputs mapped back to `image`.
// REQUIRES: `image` not empty. Errors: whatever net.run() returns.
template <typename Net>
Result<std::vector<Point>> locate_with(Net& net, const image::RgbImage& image, const Box& box) {
  const LandmarkCrop crop = landmark_crop(box, image.width, image.height);
  Result<std::array<float, 136>> output = net.run(make_landmark_input(image, crop));
  if (!output) {
    return output.error();
  }
  return map_landmarks(*output, crop);
}

// One per worker thread: the OpenCV net keeps per-call state. Build each worker's from one shared
// LandmarkNetWeights. OpenCV's thread count is process-global (use_single_threaded_opencv()).
class LandmarkNet final : public FaceLandmarker {
 public:
  // Builds the net and runs a warm-up pass. `weights` may be dropped afterwards.
  // Errors: Errc::internal when OpenCV refuses the network.
  static Result<std::unique_ptr<LandmarkNet>> create(const LandmarkNetWeights& weights);

  // See FaceLandmarker::locate. Errors: Errc::internal when the net fails.
  Result<std::vector<Point>> locate(const image::RgbImage& image, const Box& box) override;

  // The net's raw 136 outputs for an input blob from make_landmark_input().
  // Errors: Errc::internal when the net fails (e.g. a blob of another shape).
  Result<std::array<float, 136>> run(const cv::Mat& input);

 private:
  LandmarkNet() = default;
  cv::dnn::Net net_;
};

}  // namespace findme::face::model
