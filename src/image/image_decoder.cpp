#include "image/image_decoder.h"

namespace findme::image {

std::string_view to_string(ImageFormat format) {
  switch (format) {
    case ImageFormat::jpeg:
      return "jpeg";
    case ImageFormat::png:
      return "png";
    case ImageFormat::webp:
      return "webp";
    case ImageFormat::heif:
      return "heif";
  }
  return "unknown";
}

std::string_view mime_type(ImageFormat format) {
  switch (format) {
    case ImageFormat::jpeg:
      return "image/jpeg";
    case ImageFormat::png:
      return "image/png";
    case ImageFormat::webp:
      return "image/webp";
    case ImageFormat::heif:
      return "image/heif";
  }
  return "application/octet-stream";
}

}  // namespace findme::image
