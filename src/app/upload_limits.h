// The upload rules of the settings, made once for every entry point that accepts photos or
// selfies (`findme serve`, `findme import`).
#pragma once

#include "config/settings.h"
#include "domain/photos.h"

namespace findme::app {

// MAX_UPLOAD_MB (MiB per file), MAX_IMAGE_PIXELS and MAX_QUEUED_JOBS as domain::UploadLimits.
domain::UploadLimits upload_limits(const config::Settings& settings);

}  // namespace findme::app
