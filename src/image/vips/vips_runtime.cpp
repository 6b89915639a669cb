#include "image/vips/vips_runtime.h"

#include <mutex>

#include <vips/vips.h>

namespace findme::image::vips {
namespace {

// Loaders decode_vips may reach; everything else under VipsForeignLoad is blocked.
constexpr const char* kAllowedLoaders[] = {"VipsForeignLoadJpegBuffer", "VipsForeignLoadPngBuffer",
                                           "VipsForeignLoadWebpBuffer",
                                           "VipsForeignLoadHeifBuffer"};

struct RuntimeState {
  bool started = false;
  bool heif = false;
};

// Trivially constructed; written once under `once` and read-only afterwards.
RuntimeState state;   // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)
std::once_flag once;  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

void start_once(const VipsSettings& settings) {
  if (vips_init("findme") != 0) {
    vips_error_clear();
    return;
  }
  vips_cache_set_max(0);
  vips_cache_set_max_mem(0);
  vips_cache_set_max_files(0);
  vips_concurrency_set(settings.concurrency > 0 ? settings.concurrency : 1);
  vips_block_untrusted_set(TRUE);
  vips_operation_block_set("VipsForeignLoad", TRUE);
  for (const char* loader : kAllowedLoaders) {
    vips_operation_block_set(loader, FALSE);
  }
  // The loader types exist only when libvips was built with the codec (libheif for HEIF).
  state.heif = vips_type_find("VipsOperation", "heifload_buffer") != 0;
  state.started = true;
}

}  // namespace

Result<void> start_vips(const VipsSettings& settings) {
  std::call_once(once, start_once, settings);
  if (!state.started) {
    return make_error(Errc::internal, "the image library could not start");
  }
  return {};
}

bool heif_loader_available() { return state.heif; }

}  // namespace findme::image::vips
