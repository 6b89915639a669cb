// ImageDecoder backed by libvips 8.14: sniffs the format from the bytes, enforces the pixel limit
// from the header, shrinks on load, applies EXIF orientation and normalises to 8-bit sRGB.
#pragma once

#include <memory>

#include "image/image_decoder.h"
#include "image/vips/vips_runtime.h"

namespace findme::image::vips {

// Thread-safe: one instance serves every thread (libvips pipelines are per call; the instance
// holds no mutable state). Any number of instances may exist; they share the libvips runtime.
//
// Outcomes, for probe(), decode(), thumbnail_jpeg() and crop_jpeg() (encode_thumbnail_jpeg():
// see ImageDecoder):
//   - Errc::unsupported_media_type: empty input, or bytes that are not JPEG, PNG, WebP or (when
//     libheif is present) HEIC/AVIF, whatever the file was called. GIF, TIFF, PDF, SVG are here.
//   - Errc::invalid_image: a recognised format whose header or pixel data is truncated or
//     corrupt, or whose width x height exceeds DecodeOptions::max_pixels (checked from the header,
//     before any pixel is decoded).
//   - Errc::invalid_request: max_long_side < 0, max_pixels <= 0 or long_side <= 0, or a crop
//     region with no pixel inside the image.
//   - Errc::internal: libvips could not start.
// Messages are for the client; libvips' own error text is discarded, never returned.
class VipsImageDecoder final : public ImageDecoder {
 public:
  // Starts libvips with default VipsSettings if nothing started it yet. If libvips cannot start,
  // every call returns Errc::internal; use create() to fail fast at startup instead.
  VipsImageDecoder();

  // Starts libvips with `settings` (ignored if it was already started) and returns a decoder, or
  // Errc::internal when libvips cannot start.
  static Result<std::unique_ptr<VipsImageDecoder>> create(const VipsSettings& settings = {});

  Result<ImageInfo> probe(std::span<const std::byte> bytes,
                          const DecodeOptions& options) const override;
  Result<DecodedImage> decode(std::span<const std::byte> bytes,
                              const DecodeOptions& options) const override;
  Result<std::string> thumbnail_jpeg(std::span<const std::byte> bytes, int long_side,
                                     const DecodeOptions& options) const override;
  Result<std::string> encode_thumbnail_jpeg(const RgbImage& image, int long_side) const override;
  Result<std::string> crop_jpeg(std::span<const std::byte> bytes, const PixelRect& region,
                                int long_side, const DecodeOptions& options) const override;

  // JPEG quality of thumbnail_jpeg(): libvips' scale, 80 is visually clean at a third of q95's
  // size.
  static constexpr int kThumbnailQuality = 80;

 private:
  bool started_ = false;
};

}  // namespace findme::image::vips
