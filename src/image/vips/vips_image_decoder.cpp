#include "image/vips/vips_image_decoder.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include <vips/vips.h>

#include "image/area_shrink.h"
#include "image/exif_orientation.h"
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

// Stop on truncation and on any error the codec reports (by default libvips fills the missing
// part of a truncated JPEG with grey), but tolerate warnings, which many camera JPEGs trigger
// harmlessly (VIPS_FAIL_ON_WARNING would refuse them).
constexpr VipsFailOn kFailOn = VIPS_FAIL_ON_ERROR;

struct Header {
  ImageFormat format;
  int width;   // upright
  int height;  // upright
};

int long_side_of(const Header& header) { return std::max(header.width, header.height); }

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

// Opens the image lazily: only the header is read until pixels are requested, so this is also the
// header probe. `shrink` >= 1 is the factor by which the caller will reduce the image: JPEG
// decodes at 1/2, 1/4 or 1/8 scale (DCT scaling) and WebP at any scale, never below the target.
ImagePtr open_image(ImageFormat format, std::span<const std::byte> bytes, double shrink = 1.0) {
  VipsImage* out = nullptr;
  void* data = loader_data(bytes);
  const std::size_t size = bytes.size();
  constexpr VipsAccess kSeq = VIPS_ACCESS_SEQUENTIAL;  // decode top to bottom, in strips
  int status = -1;
  switch (format) {
    case ImageFormat::jpeg: {
      int jpeg_shrink = 1;
      while (jpeg_shrink < 8 && jpeg_shrink * 2 <= shrink) {
        jpeg_shrink *= 2;
      }
      status = vips_jpegload_buffer(data, size, &out, "access", kSeq, "fail_on", kFailOn, "shrink",
                                    jpeg_shrink, nullptr);
      break;
    }
    case ImageFormat::png:
      status = vips_pngload_buffer(data, size, &out, "access", kSeq, "fail_on", kFailOn, nullptr);
      break;
    case ImageFormat::webp:
      status = vips_webpload_buffer(data, size, &out, "access", kSeq, "fail_on", kFailOn, "scale",
                                    1.0 / shrink, nullptr);
      break;
    case ImageFormat::heif:
      status = vips_heifload_buffer(data, size, &out, "access", kSeq, "fail_on", kFailOn, nullptr);
      break;
  }
  return ImagePtr(status == 0 ? out : nullptr);
}

std::string too_large_message(int width, int height, std::int64_t max_pixels) {
  return "the image is " + std::to_string(width) + "x" + std::to_string(height) +
         " pixels; the limit is " + std::to_string(max_pixels) + "; upload a smaller image";
}

Result<void> check_options(const DecodeOptions& options) {
  if (options.max_pixels <= 0 || options.max_long_side < 0 || options.min_long_side < 0) {
    return make_error(Errc::invalid_request,
                      "max_pixels must be positive, max_long_side and min_long_side >= 0");
  }
  if (options.max_long_side > 0 && options.min_long_side > 0) {
    return make_error(Errc::invalid_request, "set max_long_side or min_long_side, not both");
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
  const ImagePtr image = open_image(*format, bytes);
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
// 16-bit reduced, alpha flattened on white. An embedded ICC profile (Display P3, Adobe RGB) is
// not applied: RGB values pass through as if sRGB, slightly desaturating wide-gamut photos, which
// does not matter for face matching and saves a per-pixel lcms transform.
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

// Runs the pipeline on this thread, a band of rows at a time in order (the loaders are
// sequential), straight into the result's pixels. vips_image_write_to_memory() would run it on a
// worker thread into a buffer of its own, to be copied: for a 1920 px JPEG that doubled the cost
// of decoding (thread hand-offs, a second 7 MB of fresh pages, the copy).
Result<RgbImage> to_rgb_image(VipsImage* image) {
  RgbImage rgb{vips_image_get_width(image), vips_image_get_height(image), {}};
  if (rgb.empty() || vips_image_get_bands(image) != 3 ||
      vips_image_get_format(image) != VIPS_FORMAT_UCHAR) {
    return fail(Errc::invalid_image, kCorrupt);
  }
  rgb.pixels.resize(rgb.byte_size());
  const ImagePtr target(vips_image_new_from_memory(rgb.pixels.data(), rgb.byte_size(), rgb.width,
                                                   rgb.height, 3, VIPS_FORMAT_UCHAR));
  using RegionPtr = std::unique_ptr<VipsRegion, GObjectUnref>;
  const RegionPtr source(target ? vips_region_new(image) : nullptr);
  const RegionPtr destination(source ? vips_region_new(target.get()) : nullptr);
  if (!destination) {
    return fail(Errc::invalid_image, kCorrupt);
  }
  constexpr int kBandRows = 64;
  for (int top = 0; top < rgb.height; top += kBandRows) {
    VipsRect band{0, top, rgb.width, std::min(kBandRows, rgb.height - top)};
    if (vips_region_image(destination.get(), &band) != 0 ||
        vips_region_prepare_to(source.get(), destination.get(), &band, 0, top) != 0) {
      return fail(Errc::invalid_image, kCorrupt);
    }
  }
  return rgb;
}

// Applies the EXIF orientation. Rotation reads the image out of order, which a sequential
// loader cannot serve, so the (already shrunk, 8-bit) pixels are decoded into memory first.
Result<ImagePtr> orient_upright(ImagePtr image) {
  if (vips_image_get_orientation(image.get()) == 1) {
    return image;
  }
  const ImagePtr in_memory(vips_image_copy_memory(image.get()));
  if (!in_memory) {
    return fail(Errc::invalid_image, kCorrupt);
  }
  return step([&](VipsImage** out) { return vips_autorot(in_memory.get(), out, nullptr); });
}

// How decode_srgb8 sizes its result: the longer side at most `long_side` (resampled after the
// loader's shrink), or, with `at_least`, the loader's cheapest shrink that keeps it at least
// `long_side` and no resampling (DecodeOptions::min_long_side). 0: full size.
struct Target {
  int long_side = 0;
  bool at_least = false;
};

// Decoded 8-bit sRGB, sized per `target`: the common part of decode and thumbnail. Pixels flow
// load -> colour -> orientation -> resize, so the colour work runs on the shrunk image and alpha
// is flattened before any resampling mixes it into colour. Without `upright`, the stored
// orientation is kept (its EXIF value still on the image) for the caller to apply to pixels.
Result<ImagePtr> decode_srgb8(std::span<const std::byte> bytes, const Header& header, Target target,
                              bool upright = true) {
  const int long_side = target.long_side;
  const int full = long_side_of(header);
  const double shrink =
      long_side > 0 && full > long_side ? static_cast<double>(full) / long_side : 1.0;
  ImagePtr opened = open_image(header.format, bytes, shrink);
  if (!opened) {
    return fail(Errc::invalid_image, kCorrupt);
  }
  Result<ImagePtr> image = to_srgb8(std::move(opened));
  if (image && upright) {
    image = orient_upright(std::move(*image));
  }
  if (!image) {
    return image.error();
  }
  const int loaded =
      std::max(vips_image_get_width(image->get()), vips_image_get_height(image->get()));
  if (long_side <= 0 || loaded <= long_side || target.at_least) {
    return image;
  }
  // Lanczos3 (vips_resize's default) for the remaining factor, which is below 2 for JPEG.
  const double scale = static_cast<double>(long_side) / loaded;
  return step([&](VipsImage** out) { return vips_resize(image->get(), out, scale, nullptr); });
}

// The region's part inside a width x height image (empty when none).
PixelRect intersect(const PixelRect& r, int width, int height) {
  const int x0 = std::clamp(r.x, 0, width);
  const int y0 = std::clamp(r.y, 0, height);
  const int x1 = static_cast<int>(
      std::clamp<std::int64_t>(static_cast<std::int64_t>(r.x) + std::max(r.width, 0), 0, width));
  const int y1 = static_cast<int>(
      std::clamp<std::int64_t>(static_cast<std::int64_t>(r.y) + std::max(r.height, 0), 0, height));
  return {x0, y0, x1 - x0, y1 - y0};
}

// strip drops EXIF (GPS, camera serials), XMP, IPTC and ICC: the pixels are already upright and
// are treated as sRGB (an embedded profile is not applied, see to_srgb8).
Result<std::string> save_jpeg(VipsImage* image) {
  void* buffer = nullptr;
  std::size_t size = 0;
  if (vips_jpegsave_buffer(image, &buffer, &size, "Q", VipsImageDecoder::kThumbnailQuality, "strip",
                           TRUE, "optimize_coding", TRUE, nullptr) != 0) {
    return fail(Errc::invalid_image, kCorrupt);
  }
  const GBuffer owned(buffer);
  return std::string(static_cast<const char*>(owned.get()), size);
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
  if (!started_) {
    return make_error(Errc::internal, std::string(kNotStarted));
  }
  Result<Header> header = read_header(bytes, options);
  if (!header) {
    return header.error();
  }
  const Target target = options.min_long_side > 0 ? Target{options.min_long_side, true}
                                                  : Target{options.max_long_side, false};
  // Turned upright in memory after decoding: libvips' autorot would first copy the whole
  // decoded image into memory on its worker threads (~2 ms of a 12 MP selfie's decode).
  Result<ImagePtr> image = decode_srgb8(bytes, *header, target, /*upright=*/false);
  if (!image) {
    return image.error();
  }
  Result<RgbImage> rgb = to_rgb_image(image->get());
  if (!rgb) {
    return rgb.error();
  }
  RgbImage upright =
      apply_exif_orientation(std::move(*rgb), vips_image_get_orientation(image->get()));
  return DecodedImage{std::move(upright), ImageInfo{header->format, header->width, header->height}};
}

Result<std::string> VipsImageDecoder::thumbnail_jpeg(std::span<const std::byte> bytes,
                                                     int long_side,
                                                     const DecodeOptions& options) const {
  if (long_side <= 0) {
    return make_error(Errc::invalid_request, "the thumbnail size must be positive");
  }
  if (!started_) {
    return make_error(Errc::internal, std::string(kNotStarted));
  }
  Result<Header> header = read_header(bytes, options);
  if (!header) {
    return header.error();
  }
  Result<ImagePtr> image = decode_srgb8(bytes, *header, {long_side});
  if (!image) {
    return image.error();
  }
  return save_jpeg(image->get());
}

Result<std::string> VipsImageDecoder::encode_thumbnail_jpeg(const RgbImage& image,
                                                            int long_side) const {
  if (long_side <= 0 || image.empty() || image.pixels.size() < image.byte_size()) {
    return make_error(Errc::invalid_request,
                      "the thumbnail size must be positive and the image not empty");
  }
  if (!started_) {
    return make_error(Errc::internal, std::string(kNotStarted));
  }
  // The area mean of each thumbnail pixel (image::area_shrink, OpenCV's INTER_AREA) in plain
  // C++, in one pass: libvips' own shrink of a memory image costs ~12 ms at 1920 px, and a box
  // mean then its Lanczos3 for the rest of the factor ~5 ms.
  const int loaded = std::max(image.width, image.height);
  const double scale = std::min(1.0, static_cast<double>(long_side) / loaded);
  const auto side = [scale](int pixels) {
    return std::clamp(static_cast<int>(std::lround(pixels * scale)), 1, pixels);
  };
  const RgbImage shrunk =
      scale < 1.0 ? area_shrink(image, side(image.width), side(image.height)) : RgbImage{};
  const RgbImage& source = scale < 1.0 ? shrunk : image;
  // A view of the pixels (not copied): they outlive the pipeline, which ends in this call.
  ImagePtr pixels(vips_image_new_from_memory(source.pixels.data(), source.byte_size(), source.width,
                                             source.height, 3, VIPS_FORMAT_UCHAR));
  if (!pixels) {
    return fail(Errc::internal, "the thumbnail could not be made");
  }
  pixels->Type = VIPS_INTERPRETATION_sRGB;
  Result<std::string> jpeg = save_jpeg(pixels.get());
  if (!jpeg) {
    return fail(Errc::internal, "the thumbnail could not be made");
  }
  return jpeg;
}

Result<std::string> VipsImageDecoder::crop_jpeg(std::span<const std::byte> bytes,
                                                const PixelRect& region, int long_side,
                                                const DecodeOptions& options) const {
  if (long_side <= 0) {
    return make_error(Errc::invalid_request, "the crop size must be positive");
  }
  if (!started_) {
    return make_error(Errc::internal, std::string(kNotStarted));
  }
  Result<Header> header = read_header(bytes, options);
  if (!header) {
    return header.error();
  }
  const PixelRect inside = intersect(region, header->width, header->height);
  if (inside.width <= 0 || inside.height <= 0) {
    return make_error(Errc::invalid_request, "the crop region is outside the image");
  }
  // Shrink on load by as much as the region may shrink, so a small face of a large photo never
  // decodes the photo at full size; then cut the region out of the shrunk image.
  const int region_long = std::max(inside.width, inside.height);
  const int full_long = long_side_of(*header);
  const int load_long = region_long > long_side
                            ? std::max(1, static_cast<int>(static_cast<std::int64_t>(full_long) *
                                                           long_side / region_long))
                            : 0;
  Result<ImagePtr> image = decode_srgb8(bytes, *header, {load_long});
  if (!image) {
    return image.error();
  }
  const double scale = static_cast<double>(std::max(vips_image_get_width(image->get()),
                                                    vips_image_get_height(image->get()))) /
                       full_long;
  const PixelRect cut =
      intersect({static_cast<int>(std::floor(inside.x * scale)),
                 static_cast<int>(std::floor(inside.y * scale)),
                 std::max(1, static_cast<int>(std::lround(inside.width * scale))),
                 std::max(1, static_cast<int>(std::lround(inside.height * scale)))},
                vips_image_get_width(image->get()), vips_image_get_height(image->get()));
  Result<ImagePtr> cropped = step([&](VipsImage** out) {
    return vips_extract_area(image->get(), out, cut.x, cut.y, cut.width, cut.height, nullptr);
  });
  if (!cropped) {
    return cropped.error();
  }
  const int cut_long = std::max(cut.width, cut.height);
  if (cut_long > long_side) {
    const double rest = static_cast<double>(long_side) / cut_long;
    cropped =
        step([&](VipsImage** out) { return vips_resize(cropped->get(), out, rest, nullptr); });
    if (!cropped) {
      return cropped.error();
    }
  }
  return save_jpeg(cropped->get());
}

}  // namespace findme::image::vips
