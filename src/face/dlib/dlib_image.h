// Lets dlib's image functions read and write findme's RgbImage in place, without a copy.
// Private to face/dlib: only its .cpp files include dlib.
#pragma once

#include <cstdint>
#include <utility>

#include <dlib/image_processing/generic_image.h>

#include "image/image.h"

namespace findme::face::dlib::glue {

// A dlib "generic image" that owns an RgbImage, for dlib to resize and write (an output image).
// Owning, because dlib default-constructs output images internally (extract_image_chip).
struct RgbImageOut {
  image::RgbImage image;
};

// A dlib generic image over an RgbImage that dlib only reads (an input image). dlib's generic
// image interface has no const variant, so image_data() hands out a non-const pointer; only
// functions that read their input may be given this view. set_image_size() is not provided, so
// a function that would resize it does not compile.
struct ConstRgbView {
  const image::RgbImage* image = nullptr;
};

inline long num_rows(const RgbImageOut& v) { return v.image.height; }
inline long num_columns(const RgbImageOut& v) { return v.image.width; }
inline long width_step(const RgbImageOut& v) { return 3L * v.image.width; }
inline void* image_data(RgbImageOut& v) { return v.image.pixels.data(); }
inline const void* image_data(const RgbImageOut& v) { return v.image.pixels.data(); }
inline void set_image_size(RgbImageOut& v, long rows, long cols) {
  v.image.width = static_cast<int>(cols);
  v.image.height = static_cast<int>(rows);
  v.image.pixels.resize(v.image.byte_size());
}
inline void swap(RgbImageOut& a, RgbImageOut& b) { std::swap(a.image, b.image); }

inline long num_rows(const ConstRgbView& v) { return v.image->height; }
inline long num_columns(const ConstRgbView& v) { return v.image->width; }
inline long width_step(const ConstRgbView& v) { return 3L * v.image->width; }
inline const void* image_data(const ConstRgbView& v) { return v.image->pixels.data(); }
inline void* image_data(ConstRgbView& v) {
  return const_cast<std::uint8_t*>(v.image->pixels.data());  // NOLINT: read-only by contract
}
inline void swap(ConstRgbView& a, ConstRgbView& b) { std::swap(a.image, b.image); }

}  // namespace findme::face::dlib::glue

namespace dlib {

// dlib::rgb_pixel is three bytes in R, G, B order, RgbImage's interleaved layout.
static_assert(sizeof(rgb_pixel) == 3);

template <>
struct image_traits<findme::face::dlib::glue::RgbImageOut> {
  using pixel_type = rgb_pixel;
};
template <>
struct image_traits<findme::face::dlib::glue::ConstRgbView> {
  using pixel_type = rgb_pixel;
};

}  // namespace dlib
