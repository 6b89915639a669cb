#include "face/model/blazeface_face_detector.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <utility>

#include <opencv2/imgproc.hpp>

#include "face/model/ssd_boxes.h"
#include "image/area_shrink.h"

namespace findme::face::model {
namespace {

constexpr int kBlazeSide = BlazeFaceWeights::kInputSize;
constexpr int kKeypoints = static_cast<int>(blazeface::kKeypointCount);

// MediaPipe's short-range SSD anchor options (human's facemeshutil.ts generateAnchors): strides
// 8 and 16 over the 128 px input, 2 and 6 anchors per cell, centres at (i + 0.5) * stride, fixed
// size (the net regresses sizes in input pixels).
std::vector<std::array<float, 2>> make_anchors() {
  std::vector<std::array<float, 2>> anchors;
  const std::array<std::array<int, 2>, 2> maps{{{8, 2}, {16, 6}}};
  for (const auto& [stride, per_cell] : maps) {
    const int cells = (kBlazeSide + stride - 1) / stride;
    for (int y = 0; y < cells; ++y) {
      for (int x = 0; x < cells; ++x) {
        for (int k = 0; k < per_cell; ++k) {
          anchors.push_back({static_cast<float>(stride) * (static_cast<float>(x) + 0.5f),
                             static_cast<float>(stride) * (static_cast<float>(y) + 0.5f)});
        }
      }
    }
  }
  return anchors;
}

}  // namespace

BlazeFaceInput make_blazeface_input(const image::RgbImage& image) {
  BlazeFaceInput input;
  const int long_side = std::max(image.width, image.height);
  if (long_side <= kBlazeSide) {
    const float scale = static_cast<float>(long_side) / kBlazeSide;
    input.blob = make_ssd_input(image, {0, 0, image.width, image.height}, kBlazeSide);
    input.scale_x = input.scale_y = scale;
    return input;
  }
  const double ratio = static_cast<double>(kBlazeSide) / long_side;
  const int width = std::clamp(static_cast<int>(std::lround(image.width * ratio)), 1, kBlazeSide);
  const int height = std::clamp(static_cast<int>(std::lround(image.height * ratio)), 1, kBlazeSide);
  // The area mean OpenCV's INTER_AREA computes, rows first: ~1.5 ms from 1920 px instead of ~4.
  const image::RgbImage small = image::area_shrink(image, width, height);
  input.blob = make_ssd_input(small, {0, 0, width, height}, kBlazeSide);
  input.scale_x = static_cast<float>(image.width) / static_cast<float>(width);
  input.scale_y = static_cast<float>(image.height) / static_cast<float>(height);
  return input;
}

std::vector<Detection> decode_blazeface(const cv::Mat& raw, const BlazeFacePolicy& policy) {
  static const std::vector<std::array<float, 2>> anchors = make_anchors();
  std::vector<SsdBox> boxes;
  boxes.reserve(anchors.size());
  for (int i = 0; i < raw.rows && i < static_cast<int>(anchors.size()); ++i) {
    const float* r = raw.ptr<float>(i);
    const std::array<float, 2>& a = anchors[static_cast<std::size_t>(i)];
    const float cx = a[0] + r[1];
    const float cy = a[1] + r[2];
    boxes.push_back({cy - r[4] / 2, cx - r[3] / 2, cy + r[4] / 2, cx + r[3] / 2,
                     1.0f / (1.0f + std::exp(-r[0]))});
  }
  std::vector<Detection> found;
  for (const std::size_t i : non_max_suppression(boxes, policy.max_iou, policy.min_confidence,
                                                 static_cast<std::size_t>(policy.max_results))) {
    const SsdBox& b = boxes[i];
    Detection d{Box{b.xmin, b.ymin, b.xmax - b.xmin, b.ymax - b.ymin}, b.score, {}};
    const float* r = raw.ptr<float>(static_cast<int>(i));
    for (int k = 0; k < kKeypoints; ++k) {
      d.keypoints.push_back({anchors[i][0] + r[5 + 2 * k], anchors[i][1] + r[6 + 2 * k]});
    }
    found.push_back(std::move(d));
  }
  return found;
}

Result<std::unique_ptr<BlazeFaceDetector>> BlazeFaceDetector::create(
    const BlazeFaceWeights& weights, const BlazeFacePolicy& policy) {
  const auto bad = [](const std::string& what) {
    return make_error(Errc::internal, "BlazeFace detection policy: " + what);
  };
  if (!(policy.min_confidence > 0 && policy.min_confidence < 1)) {
    return bad("min_confidence must be between 0 and 1");
  }
  if (!(policy.max_iou > 0 && policy.max_iou <= 1)) {
    return bad("max_iou must be in (0, 1]");
  }
  if (policy.max_results < 1) {
    return bad("max_results must be at least 1");
  }
  Result<BlazeFaceNet> net = BlazeFaceNet::create(weights);
  if (!net) {
    return net.error();
  }
  return std::unique_ptr<BlazeFaceDetector>(new BlazeFaceDetector(std::move(*net), policy));
}

Result<cv::Mat> BlazeFaceDetector::raw_output(const image::RgbImage& image) {
  if (image.empty() || image.pixels.size() < image.byte_size()) {
    return make_error(Errc::internal, "BlazeFace: empty image");
  }
  return net_.run(make_blazeface_input(image).blob);
}

std::vector<Detection> BlazeFaceDetector::detect(const image::RgbImage& image) {
  if (image.empty() || image.pixels.size() < image.byte_size()) {
    return {};
  }
  const BlazeFaceInput input = make_blazeface_input(image);
  Result<cv::Mat> raw = net_.run(input.blob);
  if (!raw) {
    return {};
  }
  const auto width = static_cast<float>(image.width);
  const auto height = static_cast<float>(image.height);
  std::vector<Detection> found;
  for (Detection& d : decode_blazeface(*raw, policy_)) {
    const float left = std::clamp(d.box.x * input.scale_x, 0.0f, width);
    const float top = std::clamp(d.box.y * input.scale_y, 0.0f, height);
    const float right = std::clamp((d.box.x + d.box.width) * input.scale_x, 0.0f, width);
    const float bottom = std::clamp((d.box.y + d.box.height) * input.scale_y, 0.0f, height);
    if (right <= left || bottom <= top) {
      continue;
    }
    d.box = {left, top, right - left, bottom - top};
    for (Point& p : d.keypoints) {
      p = {p.x * input.scale_x, p.y * input.scale_y};
    }
    found.push_back(std::move(d));
  }
  return found;
}

}  // namespace findme::face::model
