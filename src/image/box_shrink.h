// Integer box shrinking of RgbImage: each output pixel is the mean of a factor x factor block.
// The cheap first step of making a small image (a thumbnail) from decoded pixels, as the JPEG
// loader's DCT scaling is for a file; a finer resampler does the remaining factor (< 2).
#pragma once

#include "image/image.h"

namespace findme::image {

// `image` shrunk by `factor` (>= 1) in both directions: ceil(width / factor) x ceil(height /
// factor), each pixel the rounded mean of the block's pixels inside the image (the last row and
// column of blocks may be partial). factor 1 returns a copy. REQUIRES: image not empty, its pixels
// present. Thread-safe (pure).
RgbImage box_shrink(const RgbImage& image, int factor);

}  // namespace findme::image
