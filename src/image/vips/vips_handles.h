// RAII owners for libvips and GLib objects, shared by the vips backend's sources and tests.
#pragma once

#include <memory>

#include <vips/vips.h>

namespace findme::image::vips {

struct GObjectUnref {
  void operator()(void* object) const { g_object_unref(object); }
};
struct GFree {
  void operator()(void* memory) const { g_free(memory); }
};

// Owns one reference to a VipsImage.
using ImagePtr = std::unique_ptr<VipsImage, GObjectUnref>;
// Owns memory that libvips allocated with g_malloc (save buffers, write_to_memory results).
using GBuffer = std::unique_ptr<void, GFree>;

}  // namespace findme::image::vips
