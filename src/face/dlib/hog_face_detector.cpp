#include "face/dlib/hog_face_detector.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <string>
#include <utility>

#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms.h>

#include "face/dlib/dlib_image.h"

namespace findme::face::dlib {

struct HogFaceDetector::Impl {
  ::dlib::frontal_face_detector detector;
  ::dlib::array2d<unsigned char> working;  // reused between calls to spare the allocation
};

namespace {

Result<void> check_policy(const DetectionPolicy& policy) {
  // 80 px is HOG's detection window: a smaller working image can hold no face at all.
  if (policy.working_long_side != 0 && policy.working_long_side < 80) {
    return make_error(Errc::internal,
                      "detection policy: working_long_side must be 0 or >= 80, got " +
                          std::to_string(policy.working_long_side));
  }
  if (policy.upsample < 0 || policy.upsample > 2) {
    return make_error(Errc::internal, "detection policy: upsample must be 0, 1 or 2, got " +
                                          std::to_string(policy.upsample));
  }
  return {};
}

// Factor from input pixels to working pixels (<= 1: the image is never enlarged here).
double working_scale(const image::RgbImage& image, int working_long_side) {
  const int long_side = std::max(image.width, image.height);
  if (working_long_side == 0 || long_side <= working_long_side) {
    return 1.0;
  }
  return static_cast<double>(working_long_side) / long_side;
}

// Grey working image. HOG on grey finds the same faces on the samples as on RGB (dlib's fhog
// takes the strongest channel gradient) and runs ~18 % faster.
void make_working_image(const image::RgbImage& image, double scale,
                        ::dlib::array2d<unsigned char>& out) {
  const glue::ConstRgbView view{&image};
  out.set_size(std::max(1L, std::lround(image.height * scale)),
               std::max(1L, std::lround(image.width * scale)));
  if (scale == 1.0) {
    ::dlib::assign_image(out, view);
  } else {
    ::dlib::resize_image(view, out);  // bilinear
  }
}

Box to_input_box(const ::dlib::rectangle& r, double factor, const image::RgbImage& image) {
  const auto to_input = [factor](long v, int limit) {
    return std::clamp(static_cast<double>(v) / factor, 0.0, static_cast<double>(limit));
  };
  const double left = to_input(r.left(), image.width);
  const double top = to_input(r.top(), image.height);
  const double right = to_input(r.right() + 1, image.width);
  const double bottom = to_input(r.bottom() + 1, image.height);
  return Box{static_cast<float>(left), static_cast<float>(top), static_cast<float>(right - left),
             static_cast<float>(bottom - top)};
}

}  // namespace

Result<HogFaceDetector> HogFaceDetector::create(const DetectionPolicy& policy) {
  if (Result<void> ok = check_policy(policy); !ok) {
    return ok.error();
  }
  try {
    auto impl = std::make_unique<Impl>();
    impl->detector = ::dlib::get_frontal_face_detector();
    return HogFaceDetector(policy, std::move(impl));
  } catch (const std::exception& e) {
    return make_error(Errc::internal, std::string("dlib frontal face detector: ") + e.what());
  }
}

HogFaceDetector::HogFaceDetector(DetectionPolicy policy, std::unique_ptr<Impl> impl)
    : policy_(policy), impl_(std::move(impl)) {}

HogFaceDetector::HogFaceDetector(const HogFaceDetector& other)
    : policy_(other.policy_), impl_(std::make_unique<Impl>()) {
  impl_->detector = other.impl_->detector;
}

HogFaceDetector& HogFaceDetector::operator=(const HogFaceDetector& other) {
  if (this != &other) {
    HogFaceDetector copy(other);
    *this = std::move(copy);
  }
  return *this;
}

HogFaceDetector::HogFaceDetector(HogFaceDetector&&) noexcept = default;
HogFaceDetector& HogFaceDetector::operator=(HogFaceDetector&&) noexcept = default;
HogFaceDetector::~HogFaceDetector() = default;

std::vector<Detection> HogFaceDetector::detect(const image::RgbImage& image) {
  std::vector<Detection> found;
  if (image.empty() || image.pixels.size() < image.byte_size()) {
    return found;
  }
  const double scale = working_scale(image, policy_.working_long_side);
  make_working_image(image, scale, impl_->working);
  for (int i = 0; i < policy_.upsample; ++i) {
    ::dlib::pyramid_up(impl_->working);
  }
  const double factor = scale * std::pow(2.0, policy_.upsample);  // input -> detection pixels

  std::vector<::dlib::rect_detection> raw;
  impl_->detector(impl_->working, raw, policy_.min_score);
  for (const ::dlib::rect_detection& d : raw) {
    found.push_back(
        Detection{to_input_box(d.rect, factor, image), static_cast<float>(d.detection_confidence)});
  }
  // dlib already sorts by score; sort again so the contract does not rest on that detail.
  std::stable_sort(found.begin(), found.end(),
                   [](const Detection& a, const Detection& b) { return a.score > b.score; });
  return found;
}

}  // namespace findme::face::dlib
