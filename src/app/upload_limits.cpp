#include "app/upload_limits.h"

#include <cstdint>

namespace findme::app {

domain::UploadLimits upload_limits(const config::Settings& settings) {
  return {
      .max_file_bytes = static_cast<std::int64_t>(settings.max_upload_mb) * 1024 * 1024,
      .max_image_pixels = settings.max_image_pixels,
      .max_queued_jobs = settings.max_queued_jobs,
  };
}

}  // namespace findme::app
