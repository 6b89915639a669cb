// Shrinking RgbImage to any smaller size by area: each output pixel is the mean of the input area
// it covers, input pixels cut by its edges weighted by the part inside (OpenCV's INTER_AREA).
// The cheap way to make a detector's small input from a large photo: rows are summed first, in
// order and vectorised, so the photo is read once.
#pragma once

#include "image/image.h"

namespace findme::image {

// `image` shrunk to width x height. REQUIRES: 1 <= width <= image.width, 1 <= height <=
// image.height, the pixels present. Agrees with cv::resize(INTER_AREA) within 1 per channel (the
// sums' rounding order differs). Thread-safe (pure).
RgbImage area_shrink(const RgbImage& image, int width, int height);

}  // namespace findme::image
