// Starts libvips once per process with settings fit for decoding untrusted uploads on a server.
#pragma once

#include "core/result.h"

namespace findme::image::vips {

struct VipsSettings {
  // Worker threads libvips may use inside one operation. 1 because the server already runs one
  // face worker per core, each decoding in its own thread: more would only oversubscribe.
  int concurrency = 1;
};

// Calls vips_init once per process and applies the settings below. Thread-safe; every call after
// the first returns the first call's outcome and ignores its own `settings`.
//   - The operation cache is off: uploads never repeat, and a cache keyed by buffer address could
//     hand back a stale image for new bytes at a recycled address.
//   - Every loader except jpegload_buffer, pngload_buffer, webpload_buffer and heifload_buffer is
//     blocked (process-wide), so libvips can never dispatch untrusted bytes to ImageMagick, PDF,
//     SVG, TIFF, FITS, ... whatever sniffing said. Other code in the process that wants to load
//     another format through libvips cannot.
// libvips is never shut down: its globals live until exit.
// Errors: Errc::internal when libvips cannot start (bad install).
Result<void> start_vips(const VipsSettings& settings = {});

// Whether this libvips has a working HEIF loader (libheif). Requires a successful start_vips().
bool heif_loader_available();

}  // namespace findme::image::vips
