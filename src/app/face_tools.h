// Shared by the faces and compare commands: load the models and run one image through them.
#pragma once

#include <memory>
#include <string>

#include "config/settings.h"
#include "core/limits.h"
#include "core/result.h"
#include "face/face_engine.h"
#include "face/local/face_models.h"
#include "image/image_decoder.h"

namespace findme::app {

struct FaceToolOptions {
  std::string model_dir = config::kDefaultModelDir;
  std::int64_t max_image_pixels = kDefaultMaxImagePixels;
  std::string detector = "ssd";  // "ssd" or "hog"
};

struct AnalysedImage {
  image::ImageInfo original;
  int analysed_width = 0;
  int analysed_height = 0;
  face::FaceAnalysis analysis;
  double read_ms = 0;
  double decode_ms = 0;
};

// Not thread-safe: one per thread (it owns one face engine).
class FaceTool {
 public:
  // Errors: the models' own one-line errors (what to run to fetch them).
  static Result<std::unique_ptr<FaceTool>> create(const FaceToolOptions& options);

  // Reads, decodes (upright, full size) and analyses one file.
  Result<AnalysedImage> analyse_file(const std::string& path);

 private:
  FaceTool() = default;
  FaceToolOptions options_;
  std::unique_ptr<image::ImageDecoder> decoder_;
  std::unique_ptr<face::FaceEngine> engine_;
};

}  // namespace findme::app
