// The product's default limits on untrusted input, each in one place: the settings
// (config/settings.h), the image decoder, the upload rules and the HTTP server start from these.
// API.md's configuration table names them.
#pragma once

#include <cstdint>

namespace findme {

// MAX_IMAGE_PIXELS: a decoded image larger than this (width x height) is refused before it is
// decoded (an image bomb).
inline constexpr std::int64_t kDefaultMaxImagePixels = 50'000'000;

// MAX_UPLOAD_MB: the largest file accepted in an upload, in MiB.
inline constexpr int kDefaultMaxUploadMb = 25;

}  // namespace findme
