// The EXIF orientation applied to decoded pixels: the stored image turned and mirrored upright,
// as a viewer shows it (EXIF 2.32, 4.6.4, tag 0x0112).
#pragma once

#include "image/image.h"

namespace findme::image {

// `stored` made upright for EXIF orientation `orientation`: 1 is as stored, 2 mirrored left to
// right, 3 turned 180 degrees, 4 mirrored top to bottom, 5 transposed, 6 turned 90 degrees
// clockwise, 7 transversed, 8 turned 90 degrees anticlockwise. 5 to 8 swap width and height;
// any other value is treated as 1. Exact (pixels are moved, never resampled), and the same as
// libvips' autorot. REQUIRES: stored.pixels holds byte_size() bytes. Thread-safe (pure).
RgbImage apply_exif_orientation(RgbImage stored, int orientation);

}  // namespace findme::image
