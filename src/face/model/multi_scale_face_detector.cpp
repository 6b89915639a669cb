#include "face/model/multi_scale_face_detector.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

namespace findme::face::model {
namespace {

bool runs(PassUse use, bool found_before) {
  return use == PassUse::always || (use == PassUse::when_empty && !found_before);
}

}  // namespace

MultiScalePolicy selfie_policy() {
  MultiScalePolicy policy;
  policy.blazeface_first = true;
  return policy;
}

Result<void> check_multi_scale_policy(const MultiScalePolicy& p) {
  const auto bad = [](const std::string& what) {
    return make_error(Errc::internal, "multi-scale detection policy: " + what);
  };
  if (!(p.canvas_scale > 1 && p.canvas_scale <= 4)) {
    return bad("canvas_scale must be in (1, 4]");
  }
  if (!(p.fit.width > 0 && p.fit.height > 0 && std::abs(p.fit.shift_x) < 1 &&
        std::abs(p.fit.shift_y) < 1)) {
    return bad("fit must have positive sizes and shifts under one box side");
  }
  if (!(p.merge_iou > 0 && p.merge_iou <= 1) ||
      !(p.merge_contained > 0 && p.merge_contained <= 1)) {
    return bad("merge_iou and merge_contained must be in (0, 1]");
  }
  if (p.blazeface_first && p.blazeface == PassUse::never) {
    return bad("blazeface_first needs the BlazeFace pass");
  }
  return {};
}

Box fit_blazeface_box(const Box& box, const BlazeBoxFit& fit) {
  const float side = std::sqrt(box.width * box.height);  // BlazeFace's boxes are square
  const float cx = box.x + box.width / 2 + fit.shift_x * side;
  const float cy = box.y + box.height / 2 + fit.shift_y * side;
  const float w = fit.width * side;
  const float h = fit.height * side;
  return {cx - w / 2, cy - h / 2, w, h};
}

std::vector<Detection> merge_detection_passes(const std::vector<std::vector<Detection>>& passes,
                                              float merge_iou, float merge_contained) {
  std::vector<Detection> kept;
  for (const std::vector<Detection>& pass : passes) {
    const std::size_t before = kept.size();  // a pass never merges into itself (already NMS'ed)
    for (const Detection& d : pass) {
      Detection* same = nullptr;
      for (std::size_t i = 0; i < before && same == nullptr; ++i) {
        const float common = intersection(d.box, kept[i].box);
        const float smaller = std::min(area(d.box), area(kept[i].box));
        if (common / (area(d.box) + area(kept[i].box) - common) > merge_iou ||
            common > merge_contained * smaller) {
          same = &kept[i];
        }
      }
      if (same == nullptr) {
        kept.push_back(d);
      } else if (same->keypoints.empty()) {
        same->keypoints = d.keypoints;
      }
    }
  }
  return kept;
}

Canvas make_padded_canvas(const image::RgbImage& image, float canvas_scale) {
  const int side = static_cast<int>(
      std::lround(static_cast<float>(std::max(image.width, image.height)) * canvas_scale));
  Canvas canvas{image::RgbImage{side, side, {}}, (side - image.width) / 2,
                (side - image.height) / 2};
  canvas.image.pixels.assign(canvas.image.byte_size(), 128);  // 0 after the nets' x / 127.5 - 1
  const auto row = static_cast<std::size_t>(image.width) * 3;
  for (int y = 0; y < image.height; ++y) {
    std::copy_n(
        &image.pixels[static_cast<std::size_t>(y) * row], row,
        &canvas.image
             .pixels[(static_cast<std::size_t>(y + canvas.y) * static_cast<std::size_t>(side) +
                      static_cast<std::size_t>(canvas.x)) *
                     3]);
  }
  return canvas;
}

std::vector<Detection> from_canvas(std::vector<Detection> found, const Canvas& canvas, int width,
                                   int height) {
  std::vector<Detection> out;
  for (Detection& d : found) {
    const Box shifted{d.box.x - static_cast<float>(canvas.x),
                      d.box.y - static_cast<float>(canvas.y), d.box.width, d.box.height};
    const Box image_box{0, 0, static_cast<float>(width), static_cast<float>(height)};
    const float inside = intersection(shifted, image_box);
    if (inside < 0.5f * area(shifted)) {
      continue;  // a box on the grey: no face of the image
    }
    const float left = std::max(shifted.x, 0.0f);
    const float top = std::max(shifted.y, 0.0f);
    const float right = std::min(shifted.x + shifted.width, image_box.width);
    const float bottom = std::min(shifted.y + shifted.height, image_box.height);
    d.box = {left, top, right - left, bottom - top};
    for (Point& p : d.keypoints) {
      p = {p.x - static_cast<float>(canvas.x), p.y - static_cast<float>(canvas.y)};
    }
    out.push_back(std::move(d));
  }
  return out;
}

Result<std::unique_ptr<MultiScaleFaceDetector>> MultiScaleFaceDetector::create(
    const SsdWeights& ssd, const BlazeFaceWeights& blazeface, const SsdPolicy& ssd_policy,
    const BlazeFacePolicy& blazeface_policy, const MultiScalePolicy& policy) {
  if (Result<void> ok = check_multi_scale_policy(policy); !ok) {
    return ok.error();
  }
  Result<std::unique_ptr<SsdFaceDetector>> s = SsdFaceDetector::create(ssd, ssd_policy);
  if (!s) {
    return s.error();
  }
  Result<std::unique_ptr<BlazeFaceDetector>> b =
      BlazeFaceDetector::create(blazeface, blazeface_policy);
  if (!b) {
    return b.error();
  }
  return std::unique_ptr<MultiScaleFaceDetector>(
      new MultiScaleFaceDetector(std::move(*s), std::move(*b), policy));
}

std::vector<Detection> MultiScaleFaceDetector::blazeface_pass(const image::RgbImage& image,
                                                              const BlazeBoxFit& fit) {
  std::vector<Detection> found = blazeface_->detect(image);
  const Box image_box{0, 0, static_cast<float>(image.width), static_cast<float>(image.height)};
  for (Detection& d : found) {
    const Box fitted = fit_blazeface_box(d.box, fit);
    const float left = std::max(fitted.x, 0.0f);
    const float top = std::max(fitted.y, 0.0f);
    const float right = std::min(fitted.x + fitted.width, image_box.width);
    const float bottom = std::min(fitted.y + fitted.height, image_box.height);
    d.box = {left, top, std::max(right - left, 1.0f), std::max(bottom - top, 1.0f)};
  }
  return found;
}

std::vector<Detection> MultiScaleFaceDetector::padded_pass(const image::RgbImage& image,
                                                           float canvas_scale) {
  const Canvas canvas = make_padded_canvas(image, canvas_scale);
  return from_canvas(ssd_->detect(canvas.image), canvas, image.width, image.height);
}

std::vector<Detection> MultiScaleFaceDetector::detect(const image::RgbImage& image) {
  return detect_with(image, policy_);
}

std::vector<Detection> MultiScaleFaceDetector::detect_selfie(const image::RgbImage& image) {
  static const MultiScalePolicy kSelfie = selfie_policy();
  return detect_with(image, kSelfie);
}

std::vector<Detection> MultiScaleFaceDetector::detect_with(const image::RgbImage& image,
                                                           const MultiScalePolicy& policy) {
  if (image.empty() || image.pixels.size() < image.byte_size()) {
    return {};
  }
  std::vector<std::vector<Detection>> passes;
  bool found = false;
  const auto add = [&](std::vector<Detection> pass) {
    found = found || !pass.empty();
    passes.push_back(std::move(pass));
  };
  if (policy.blazeface_first) {
    add(blazeface_pass(image, policy.fit));
    if (!found) {
      add(ssd_->detect(image));
    }
    if (runs(policy.padded, found)) {
      add(padded_pass(image, policy.canvas_scale));
    }
  } else {
    add(ssd_->detect(image));
    if (runs(policy.padded, found)) {
      add(padded_pass(image, policy.canvas_scale));
    }
    if (runs(policy.blazeface, found)) {
      add(blazeface_pass(image, policy.fit));
    }
  }
  return merge_detection_passes(passes, policy.merge_iou, policy.merge_contained);
}

}  // namespace findme::face::model
