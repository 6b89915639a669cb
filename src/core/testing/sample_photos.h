// Where the real photos that tests and benchmarks use live: the six group photos shipped in the
// face-api npm package's demo/ folder (tools/fetch_models.sh fetches it; FINDME_FACE_API_DIR is
// defined for every test and benchmark target by cmake/FindmeModule.cmake). Each module reads
// them its own way (libvips, or dlib's loader where libvips is not a dependency).
#pragma once

#include <string>

namespace findme::testing {

// sample<n>.jpg, n in 1..6 (1920 px wide, no EXIF rotation).
inline std::string sample_photo_path(int n) {
  return std::string(FINDME_FACE_API_DIR) + "/demo/sample" + std::to_string(n) + ".jpg";
}

}  // namespace findme::testing
