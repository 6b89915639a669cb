#include "image/vips/vips_image_decoder.h"

#include <cstring>
#include <optional>
#include <string_view>
#include <utility>

#include <vips/vips.h>

#include "image/format_sniff.h"
#include "image/vips/vips_handles.h"

namespace findme::image::vips {
namespace {

constexpr std::string_view kEmpty = "the file is empty; upload a JPEG, PNG, WebP or HEIC image";
constexpr std::string_view kNotAnImage =
    "the file is not a JPEG, PNG, WebP or HEIC image; upload a photo in one of those formats";
constexpr std::string_view kHeifUnavailable =
    "HEIC and AVIF images cannot be read here; upload a JPEG, PNG or WebP image";
constexpr std::string_view kCorrupt =
    "the image is truncated or corrupt; upload the original file again";
constexpr std::string_view kNotStarted = "the image decoder is unavailable";

// Loader options: stop on truncation and on any error the codec reports (by default libvips
// fills the missing part of a truncated JPEG with grey), but tolerate warnings, which many
// camera JPEGs trigger harmlessly ("fail_on=warning" would refuse them).
constexpr const char* kLoadOptions = "fail_on=error";

// Size value for vips_thumbnail that never shrinks: libvips' largest coordinate.
constexpr int kNoShrink = VIPS_MAX_COORD;

struct Header {
  ImageFormat format;
  int width;   // upright
  int height;  // upright
};

// libvips' error buffer is one process-wide buffer (8.14), so its text may mix messages from
// other threads and may name internals: it is never shown to clients. Clearing it keeps it from
// filling up; a concurrent failure losing its text is harmless because no decision reads it.
Error fail(Errc code, std::string_view message) {
  vips_error_clear();
  return Error{code, std::string(message)};
}

// libvips' buffer loaders take `void*` but only read; the blob they wrap never outlives the call.
void* loader_data(std::span<const std::byte> bytes) {
  return const_cast<std::byte*>(bytes.data());  // NOLINT(cppcoreguidelines-pro-type-const-cast)
}

// Reads the header only: libvips loads lazily, no pixel is decoded here.
ImagePtr load_header(ImageFormat format, std::span<const std::byte> bytes) {
  VipsImage* out = nullptr;
  void* data = loader_data(bytes);
  const std::size_t size = bytes.size();
  int status = -1;
  switch (format) {
    case ImageFormat::jpeg:
      status = vips_jpegload_buffer(data, size, &out, "fail_on", VIPS_FAIL_ON_ERROR, nullptr);
      break;
    case ImageFormat::png:
      status = vips_pngload_buffer(data, size, &out, "fail_on", VIPS_FAIL_ON_ERROR, nullptr);
      break;
    case ImageFormat::webp:
      status = vips_webpload_buffer(data, size, &out, "fail_on", VIPS_FAIL_ON_ERROR, nullptr);
      break;
    case ImageFormat::heif:
      status = vips_heifload_buffer(data, size, &out, "fail_on", VIPS_FAIL_ON_ERROR, nullptr);
      break;
  }
  return ImagePtr(status == 0 ? out : nullptr);
}

std::string too_large_message(int width, int height, std::int64_t max_pixels) {
  return "the image is " + std::to_string(width) + "x" + std::to_string(height) +
         " pixels; the limit is " + std::to_string(max_pixels) + "; upload a smaller image";
}

Result<void> check_options(const DecodeOptions& options) {
  if (options.max_pixels <= 0 || options.max_long_side < 0) {
    return make_error(Errc::invalid_request, "max_pixels must be positive and max_long_side >= 0");
  }
  return {};
}

Result<Header> read_header(std::span<const std::byte> bytes, const DecodeOptions& options) {
  if (Result<void> valid = check_options(options); !valid) {
    return valid.error();
  }
  if (bytes.empty()) {
    return make_error(Errc::unsupported_media_type, std::string(kEmpty));
  }
  const std::optional<ImageFormat> format = sniff_image_format(bytes);
  if (!format) {
    return make_error(Errc::unsupported_media_type, std::string(kNotAnImage));
  }
  if (*format == ImageFormat::heif && !heif_loader_available()) {
    return make_error(Errc::unsupported_media_type, std::string(kHeifUnavailable));
  }
  const ImagePtr image = load_header(*format, bytes);
  if (!image) {
    return fail(Errc::invalid_image, kCorrupt);
  }
  const int stored_width = vips_image_get_width(image.get());
  const int stored_height = vips_image_get_height(image.get());
  const bool swap = vips_image_get_orientation_swap(image.get()) != 0;
  Header header{*format, swap ? stored_height : stored_width, swap ? stored_width : stored_height};
  if (static_cast<std::int64_t>(stored_width) * stored_height > options.max_pixels) {
    return make_error(Errc::invalid_image,
                      too_large_message(header.width, header.height, options.max_pixels));
  }
  return header;
}

// Loads through vips_thumbnail_buffer: it shrinks while loading (JPEG DCT scaling, WebP scaled
// decode), applies the EXIF orientation and fits the result in long_side x long_side without
// ever enlarging. The caller has already sniffed the format and checked the pixel limit.
Result<ImagePtr> load_upright(std::span<const std::byte> bytes, int long_side) {
  VipsImage* out = nullptr;
  if (vips_thumbnail_buffer(loader_data(bytes), bytes.size(), &out, long_side, "height", long_side,
                            "size", VIPS_SIZE_DOWN, "option_string", kLoadOptions, nullptr) != 0) {
    return fail(Errc::invalid_image, kCorrupt);
  }
  return ImagePtr(out);
}

// One step of a libvips pipeline: `op` writes a new image to its out-parameter, 0 on success.
template <class Op>
Result<ImagePtr> step(Op op) {
  VipsImage* out = nullptr;
  if (op(&out) != 0) {
    return fail(Errc::invalid_image, kCorrupt);
  }
  return ImagePtr(out);
}

// Any colourspace, depth and band count -> 8-bit sRGB with 3 bands: CMYK and grey converted,
// 16-bit reduced, alpha flattened on white.
Result<ImagePtr> to_srgb8(ImagePtr image) {
  if (vips_image_get_interpretation(image.get()) != VIPS_INTERPRETATION_sRGB ||
      vips_image_get_format(image.get()) != VIPS_FORMAT_UCHAR) {
    Result<ImagePtr> converted = step([&](VipsImage** out) {
      return vips_colourspace(image.get(), out, VIPS_INTERPRETATION_sRGB, nullptr);
    });
    if (!converted) {
      return converted.error();
    }
    image = std::move(*converted);
  }
  if (vips_image_hasalpha(image.get()) != 0) {
    VipsArrayDouble* white = vips_array_double_newv(3, 255.0, 255.0, 255.0);
    Result<ImagePtr> flat = step([&](VipsImage** out) {
      return vips_flatten(image.get(), out, "background", white, nullptr);
    });
    vips_area_unref(VIPS_AREA(white));
    if (!flat) {
      return flat.error();
    }
    image = std::move(*flat);
  }
  if (vips_image_get_format(image.get()) != VIPS_FORMAT_UCHAR) {
    Result<ImagePtr> cast = step([&](VipsImage** out) {
      return vips_cast(image.get(), out, VIPS_FORMAT_UCHAR, "shift", TRUE, nullptr);
    });
    if (!cast) {
      return cast.error();
    }
    image = std::move(*cast);
  }
  if (vips_image_get_bands(image.get()) != 3) {
    // Colourspace conversion to sRGB yields 3 colour bands plus extras, which flatten removed.
    return step(
        [&](VipsImage** out) { return vips_extract_band(image.get(), out, 0, "n", 3, nullptr); });
  }
  return image;
}

// Runs the pipeline and copies the pixels out of libvips' buffer.
Result<RgbImage> to_rgb_image(VipsImage* image) {
  std::size_t size = 0;
  const GBuffer memory(vips_image_write_to_memory(image, &size));
  RgbImage rgb{vips_image_get_width(image), vips_image_get_height(image), {}};
  if (!memory || size != rgb.byte_size() || rgb.empty()) {
    return fail(Errc::invalid_image, kCorrupt);
  }
  const auto* begin = static_cast<const std::uint8_t*>(memory.get());
  rgb.pixels.assign(begin, begin + size);
  return rgb;
}

// Decoded, upright, shrunk to fit long_side, 8-bit sRGB: the common part of decode and thumbnail.
Result<ImagePtr> decode_srgb8(std::span<const std::byte> bytes, int long_side) {
  Result<ImagePtr> loaded = load_upright(bytes, long_side);
  if (!loaded) {
    return loaded.error();
  }
  return to_srgb8(std::move(*loaded));
}

}  // namespace

VipsImageDecoder::VipsImageDecoder() : started_(start_vips().has_value()) {}

Result<std::unique_ptr<VipsImageDecoder>> VipsImageDecoder::create(const VipsSettings& settings) {
  if (Result<void> started = start_vips(settings); !started) {
    return started.error();
  }
  return std::make_unique<VipsImageDecoder>();
}

Result<ImageInfo> VipsImageDecoder::probe(std::span<const std::byte> bytes,
                                          const DecodeOptions& options) const {
  if (!started_) {
    return make_error(Errc::internal, std::string(kNotStarted));
  }
  Result<Header> header = read_header(bytes, options);
  if (!header) {
    return header.error();
  }
  return ImageInfo{header->format, header->width, header->height};
}

Result<DecodedImage> VipsImageDecoder::decode(std::span<const std::byte> bytes,
                                              const DecodeOptions& options) const {
  Result<ImageInfo> info = probe(bytes, options);
  if (!info) {
    return info.error();
  }
  const int long_side = options.max_long_side > 0 ? options.max_long_side : kNoShrink;
  Result<ImagePtr> image = decode_srgb8(bytes, long_side);
  if (!image) {
    return image.error();
  }
  Result<RgbImage> rgb = to_rgb_image(image->get());
  if (!rgb) {
    return rgb.error();
  }
  return DecodedImage{std::move(*rgb), *info};
}

Result<std::string> VipsImageDecoder::thumbnail_jpeg(std::span<const std::byte> bytes,
                                                     int long_side,
                                                     const DecodeOptions& options) const {
  if (long_side <= 0) {
    return make_error(Errc::invalid_request, "the thumbnail size must be positive");
  }
  Result<ImageInfo> info = probe(bytes, options);
  if (!info) {
    return info.error();
  }
  Result<ImagePtr> image = decode_srgb8(bytes, long_side);
  if (!image) {
    return image.error();
  }
  void* buffer = nullptr;
  std::size_t size = 0;
  // strip drops EXIF (GPS, camera serials), XMP, IPTC and ICC: the pixels are already upright sRGB.
  if (vips_jpegsave_buffer(image->get(), &buffer, &size, "Q", kThumbnailQuality, "strip", TRUE,
                           "optimize_coding", TRUE, nullptr) != 0) {
    return fail(Errc::invalid_image, kCorrupt);
  }
  const GBuffer owned(buffer);
  return std::string(static_cast<const char*>(owned.get()), size);
}

}  // namespace findme::image::vips
