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

ShapePredictorLandmarker::ShapePredictorLandmarker(
    std::shared_ptr<const dlib::FaceLandmarker> predictor)
    : predictor_(std::move(predictor)) {
  assert(predictor_);
}

Result<std::vector<Point>> ShapePredictorLandmarker::locate(const image::RgbImage& image,
                                                            const Box& box) {
  return predictor_->locate(image, box);
}

std::vector<Point> five_points(std::span<const Point> landmarks) {
  assert(landmarks.size() == kLandmarkCount);
  const auto mean = [&](std::size_t first, std::size_t count) {
    Point sum;
    for (std::size_t i = first; i < first + count; ++i) {
      sum.x += landmarks[i].x;
      sum.y += landmarks[i].y;
    }
    return Point{sum.x / static_cast<float>(count), sum.y / static_cast<float>(count)};
  };
  // iBUG 300-W: 36-41 and 42-47 the eyes, 30 the nose tip, 48 and 54 the mouth corners.
  return {mean(36, 6), mean(42, 6), landmarks[30], landmarks[48], landmarks[54]};
}

Point Similarity::apply(const Point& p) const {
  return Point{static_cast<float>(a * p.x - b * p.y + tx),
               static_cast<float>(b * p.x + a * p.y + ty)};
}

Similarity chip_to_image(std::span<const Point> chip_points, std::span<const Point> image_points) {
  assert(chip_points.size() == image_points.size() && chip_points.size() >= 2);
  const auto n = static_cast<double>(chip_points.size());
  double cx = 0, cy = 0, ix = 0, iy = 0;
  for (std::size_t i = 0; i < chip_points.size(); ++i) {
    cx += chip_points[i].x / n;
    cy += chip_points[i].y / n;
    ix += image_points[i].x / n;
    iy += image_points[i].y / n;
  }
  // Least squares over centred points: a = sum(c . i) / |c|^2, b = sum(c x i) / |c|^2.
  double dot = 0, cross = 0, norm = 0;
  for (std::size_t i = 0; i < chip_points.size(); ++i) {
    const double x = chip_points[i].x - cx;
    const double y = chip_points[i].y - cy;
    const double u = image_points[i].x - ix;
    const double v = image_points[i].y - iy;
    dot += x * u + y * v;
    cross += x * v - y * u;
    norm += x * x + y * y;
  }
  assert(norm > 0);
  Similarity s{dot / norm, cross / norm, 0, 0};
  s.tx = ix - (s.a * cx - s.b * cy);
  s.ty = iy - (s.b * cx + s.a * cy);
  return s;
}

image::RgbImage extract_face_chip(const image::RgbImage& image, std::span<const Point> image_points,
                                  std::span<const Point> chip_points) {
  assert(image_points.size() == chip_points.size() && chip_points.size() >= 2);
  // dlib's own point-pair chip_details, as get_face_chip_details uses for the 68 points.
  std::vector<::dlib::dpoint> from;
  std::vector<::dlib::dpoint> to;
  for (std::size_t i = 0; i < chip_points.size(); ++i) {
    from.emplace_back(chip_points[i].x, chip_points[i].y);
    to.emplace_back(image_points[i].x, image_points[i].y);
  }
  const ::dlib::chip_details details(from, to,
                                     ::dlib::chip_dims(static_cast<unsigned long>(kChipSize),
                                                       static_cast<unsigned long>(kChipSize)));
  glue::RgbImageOut chip;
  ::dlib::extract_image_chip(glue::ConstRgbView{&image}, details, chip);
  return std::move(chip.image);
}

}  // namespace findme::face::dlib
