// libFuzzer harness: untrusted image bytes through the format sniffer and the libvips decoder
// (probe, decode with shrink-on-load, thumbnail, crop), with small pixel limits so that an image
// bomb is refused before it is decoded.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>

#include "image/format_sniff.h"
#include "image/vips/vips_image_decoder.h"

namespace {

const findme::image::vips::VipsImageDecoder& decoder() {
  static const std::unique_ptr<findme::image::vips::VipsImageDecoder> instance = [] {
    auto created = findme::image::vips::VipsImageDecoder::create();
    if (!created) {
      std::abort();
    }
    return std::move(*created);
  }();
  return *instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto bytes = std::as_bytes(std::span(data, size));
  const std::optional<findme::image::ImageFormat> sniffed =
      findme::image::sniff_image_format(bytes);
  const findme::image::DecodeOptions options{.max_pixels = 4'000'000, .max_long_side = 256};
  findme::Result<findme::image::ImageInfo> info = decoder().probe(bytes, options);
  if (info && !sniffed) {
    std::abort();  // the decoder accepts only what the sniffer recognised
  }
  if (!info) {
    return 0;
  }
  if (info->width <= 0 || info->height <= 0 ||
      static_cast<std::int64_t>(info->width) * info->height > options.max_pixels) {
    std::abort();
  }
  findme::Result<findme::image::DecodedImage> decoded = decoder().decode(bytes, options);
  if (decoded) {
    const findme::image::RgbImage& image = decoded->image;
    if (image.width <= 0 || image.height <= 0 || image.width > 256 || image.height > 256 ||
        image.pixels.size() != image.byte_size()) {
      std::abort();  // shrunk to the long side asked for
    }
  }
  (void)decoder().thumbnail_jpeg(bytes, 64, options);
  (void)decoder().crop_jpeg(bytes, {.x = 1, .y = 1, .width = 17, .height = 13}, 32, options);
  return 0;
}
