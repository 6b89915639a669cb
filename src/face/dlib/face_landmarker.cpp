#include "face/dlib/face_landmarker.h"

#include <cassert>
#include <cmath>
#include <exception>
#include <fstream>
#include <string>
#include <utility>

#include <dlib/image_processing/shape_predictor.h>
#include <dlib/image_transforms.h>
#include <dlib/serialize.h>

#include "face/dlib/dlib_image.h"
#include "face/face_embedder.h"

namespace findme::face::dlib {

struct FaceLandmarker::Impl {
  ::dlib::shape_predictor predictor;
};

namespace {

Error model_error(const std::filesystem::path& model, const std::string& problem) {
  return make_error(Errc::internal, "landmark model " + model.string() + " " + problem +
                                        ": install it with `apt-get install libdlib-data`");
}

::dlib::rectangle to_rectangle(const Box& box) {
  return ::dlib::rectangle(std::lround(box.x), std::lround(box.y),
                           std::lround(box.x + box.width) - 1, std::lround(box.y + box.height) - 1);
}

}  // namespace

Result<FaceLandmarker> FaceLandmarker::load(const std::filesystem::path& model) {
  std::ifstream in(model, std::ios::binary);
  if (!in) {
    return model_error(model, "is missing or unreadable");
  }
  auto impl = std::make_unique<Impl>();
  try {
    ::dlib::deserialize(impl->predictor, in);
  } catch (const std::exception& e) {
    return model_error(model, std::string("is corrupt (") + e.what() + ")");
  }
  if (impl->predictor.num_parts() != kLandmarkCount) {
    return model_error(model,
                       "has " + std::to_string(impl->predictor.num_parts()) + " landmarks, not 68");
  }
  return FaceLandmarker(std::move(impl));
}

FaceLandmarker::FaceLandmarker(std::unique_ptr<const Impl> impl) : impl_(std::move(impl)) {}
FaceLandmarker::FaceLandmarker(FaceLandmarker&&) noexcept = default;
FaceLandmarker& FaceLandmarker::operator=(FaceLandmarker&&) noexcept = default;
FaceLandmarker::~FaceLandmarker() = default;

std::vector<Point> FaceLandmarker::locate(const image::RgbImage& image, const Box& box) const {
  assert(!image.empty());
  const glue::ConstRgbView view{&image};
  const ::dlib::full_object_detection shape = impl_->predictor(view, to_rectangle(box));
  std::vector<Point> points;
  points.reserve(shape.num_parts());
  for (unsigned long i = 0; i < shape.num_parts(); ++i) {
    points.push_back(
        Point{static_cast<float>(shape.part(i).x()), static_cast<float>(shape.part(i).y())});
  }
  return points;
}

image::RgbImage extract_face_chip(const image::RgbImage& image, std::span<const Point> landmarks) {
  assert(landmarks.size() == kLandmarkCount);
  std::vector<::dlib::point> parts;
  parts.reserve(landmarks.size());
  for (const Point& p : landmarks) {
    parts.emplace_back(std::lround(p.x), std::lround(p.y));
  }
  const ::dlib::full_object_detection shape(::dlib::rectangle(), parts);
  const ::dlib::chip_details details =
      ::dlib::get_face_chip_details(shape, static_cast<unsigned long>(kChipSize), kChipPadding);

  glue::RgbImageOut chip;
  ::dlib::extract_image_chip(glue::ConstRgbView{&image}, details, chip);
  return std::move(chip.image);
}

}  // namespace findme::face::dlib
