#include "app/face_tools.h"

#include <fstream>
#include <optional>
#include <sstream>

#include "core/stopwatch.h"
#include "face/model/opencv_face_embedder.h"
#include "image/vips/vips_image_decoder.h"

namespace findme::app {

Result<std::unique_ptr<FaceTool>> FaceTool::create(const FaceToolOptions& options) {
  Result<std::unique_ptr<image::vips::VipsImageDecoder>> decoder =
      image::vips::VipsImageDecoder::create();
  if (!decoder) return decoder.error();
  face::model::use_single_threaded_opencv();  // one net per worker thread, one worker per core
  const std::optional<face::local::Detector> detector =
      face::local::parse_detector(options.detector);
  if (!detector) {
    return make_error(Errc::invalid_request,
                      "--detector must be ssd or hog, got " + options.detector);
  }
  Result<face::local::FaceModels> models =
      face::local::FaceModels::load({.package_dir = options.model_dir, .detector = *detector});
  if (!models) return models.error();
  Result<std::unique_ptr<face::FaceEngine>> engine = models->make_engine();
  if (!engine) return engine.error();
  std::unique_ptr<FaceTool> tool(new FaceTool());
  tool->options_ = options;
  tool->decoder_ = std::move(*decoder);
  tool->engine_ = std::move(*engine);
  return tool;
}

Result<AnalysedImage> FaceTool::analyse_file(const std::string& path) {
  AnalysedImage out;
  Stopwatch watch;
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(Errc::not_found, "cannot read " + path);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  const std::string data = std::move(bytes).str();
  out.read_ms = watch.elapsed_ms();

  watch.restart();
  Result<image::DecodedImage> decoded =
      decoder_->decode(std::as_bytes(std::span(data)),
                       image::DecodeOptions{.max_pixels = options_.max_image_pixels});
  if (!decoded) return decoded.error();
  out.decode_ms = watch.elapsed_ms();
  out.original = decoded->original;
  out.analysed_width = decoded->image.width;
  out.analysed_height = decoded->image.height;

  Result<face::FaceAnalysis> analysis = engine_->analyze(decoded->image);
  if (!analysis) return analysis.error();
  out.analysis = std::move(*analysis);
  return out;
}

}  // namespace findme::app
