// Turns untrusted bytes into pixels: format sniffing, limits, EXIF orientation, shrink-on-load,
// thumbnails.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "core/limits.h"
#include "core/result.h"
#include "image/image.h"

namespace findme::image {

enum class ImageFormat { jpeg, png, webp, heif };

std::string_view to_string(ImageFormat format);  // "jpeg", "png", "webp", "heif"
std::string_view mime_type(ImageFormat format);  // "image/jpeg", ...

struct ImageInfo {
  ImageFormat format;
  int width = 0;   // after EXIF orientation is applied
  int height = 0;  // after EXIF orientation is applied
};

struct DecodeOptions {
  // Decoded images larger than this many pixels (width x height of the stored image, before any
  // shrinking) are refused with Errc::invalid_image before the full decode. API.md's
  // MAX_IMAGE_PIXELS.
  std::int64_t max_pixels = kDefaultMaxImagePixels;
  // When > 0, the result's longer side is at most this many pixels; JPEG and WebP shrink while
  // loading, so a large photo never exists at full size in memory. 0 keeps full size.
  int max_long_side = 0;
  // When > 0 (with max_long_side 0): the cheapest decode whose longer side is still at least this
  // many pixels (full size when the image is smaller), for face work, which needs enough pixels
  // rather than an exact size. Nothing is resampled after the loader: JPEG shrinks while loading
  // by 2, 4 or 8 (DCT scaling: a 12 MP JPEG decodes straight to 1/8 size, its longer side then
  // below twice this or at 1/8), WebP by any factor; PNG and HEIF load at full size.
  // Errc::invalid_request when both this and max_long_side are set.
  int min_long_side = 0;
};

// A rectangle in pixels of the upright full-size image (as ImageInfo's width and height).
struct PixelRect {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;
};

struct DecodedImage {
  RgbImage image;      // oriented upright and shrunk per DecodeOptions
  ImageInfo original;  // the upright size of the full image
};

// Thread-safe: one instance may serve every thread.
class ImageDecoder {
 public:
  virtual ~ImageDecoder() = default;

  // Reads only the header. Errors: Errc::unsupported_media_type when the bytes are not a
  // supported format at all; Errc::invalid_image when the header is corrupt or the image is
  // over options.max_pixels.
  virtual Result<ImageInfo> probe(std::span<const std::byte> bytes,
                                  const DecodeOptions& options) const = 0;

  // Decodes to upright 8-bit RGB (alpha flattened on white, grey expanded, 16-bit reduced).
  // Errors as probe(), plus Errc::invalid_image for truncated or corrupt pixel data.
  virtual Result<DecodedImage> decode(std::span<const std::byte> bytes,
                                      const DecodeOptions& options) const = 0;

  // An upright JPEG whose longer side is at most `long_side` pixels. Errors as decode().
  virtual Result<std::string> thumbnail_jpeg(std::span<const std::byte> bytes, int long_side,
                                             const DecodeOptions& options) const = 0;

  // A JPEG of `image` (pixels already upright, e.g. decode()'s) whose longer side is at most
  // `long_side` pixels; a smaller image is not enlarged. What thumbnail_jpeg() makes from the file
  // (same size, same orientation) when `image` is that file decoded at least this large, without
  // decoding the file again. Errors: Errc::invalid_request when long_side <= 0 or `image` is empty
  // or short of pixels; Errc::internal when the encoder fails.
  virtual Result<std::string> encode_thumbnail_jpeg(const RgbImage& image, int long_side) const = 0;

  // An upright JPEG of `region` (the part inside the image) whose longer side is at most
  // `long_side` pixels; a smaller region is not enlarged. Errors as decode(), and
  // Errc::invalid_request when long_side <= 0 or the region has no pixel inside the image.
  virtual Result<std::string> crop_jpeg(std::span<const std::byte> bytes, const PixelRect& region,
                                        int long_side, const DecodeOptions& options) const = 0;
};

}  // namespace findme::image
