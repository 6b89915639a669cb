// `findme faces IMAGE...`: one JSON object per image with its faces and per-stage timings.
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "app/face_tools.h"

namespace findme::app {
namespace {

using nlohmann::json;

double rounded(double v, double unit = 0.1) { return std::round(v / unit) * unit; }

json face_json(const face::Face& f, bool with_embedding) {
  json landmarks = json::array();
  for (const face::Point& p : f.landmarks) landmarks.push_back({rounded(p.x), rounded(p.y)});
  json out = {
      {"box",
       {{"x", rounded(f.box.x)},
        {"y", rounded(f.box.y)},
        {"width", rounded(f.box.width)},
        {"height", rounded(f.box.height)}}},
      {"landmarks", landmarks},
      {"quality",
       {{"size_px", rounded(f.quality.size_px)},
        {"detector_score", rounded(f.quality.detector_score, 0.001)},
        {"sharpness", rounded(f.quality.sharpness)},
        {"usable", f.quality.usable},
        {"reason", f.quality.reason}}},
  };
  if (with_embedding) out["embedding"] = f.embedding;
  return out;
}

json image_json(const std::string& path, const AnalysedImage& a, bool with_embedding) {
  json faces = json::array();
  for (const face::Face& f : a.analysis.faces) faces.push_back(face_json(f, with_embedding));
  const face::StageTimings& t = a.analysis.timings;
  return {{"file", path},
          {"format", image::to_string(a.original.format)},
          {"width", a.original.width},
          {"height", a.original.height},
          {"faces", faces},
          {"timings_ms",
           {{"read", rounded(a.read_ms)},
            {"decode", rounded(a.decode_ms)},
            {"detect", rounded(t.detect_ms)},
            {"landmarks", rounded(t.landmarks_ms)},
            {"embed", rounded(t.embed_ms)}}}};
}

struct FacesArgs {
  std::vector<std::string> images;
  FaceToolOptions tool;
  bool no_embedding = false;
};

int run_faces(const FacesArgs& args) {
  Result<std::unique_ptr<FaceTool>> tool = FaceTool::create(args.tool);
  if (!tool) {
    std::cerr << "findme: " << tool.error().message << "\n";
    return 1;
  }
  int failures = 0;
  for (const std::string& path : args.images) {
    Result<AnalysedImage> analysed = (*tool)->analyse_file(path);
    if (!analysed) {
      ++failures;
      std::cout << json{{"file", path},
                        {"error",
                         {{"code", to_string(analysed.error().code)},
                          {"message", analysed.error().message}}}}
                << std::endl;
      continue;
    }
    std::cout << image_json(path, *analysed, !args.no_embedding) << std::endl;
  }
  return failures == 0 ? 0 : 2;
}

}  // namespace

void add_faces_command(CLI::App& root, int& exit_code) {
  auto args = std::make_shared<FacesArgs>();  // shared with the callback CLI11 keeps
  CLI::App* cmd = root.add_subcommand(
      "faces", "Print each image's faces (box, landmarks, quality, embedding) as JSON lines");
  cmd->add_option("images", args->images, "JPEG, PNG, WebP or HEIC files")->required();
  cmd->add_option("--model-dir", args->tool.model_dir, "Fetched model package (MODEL_DIR)")
      ->envname("MODEL_DIR");
  cmd->add_option("--detector", args->tool.detector, "Face detector: ssd or hog (DETECTOR)")
      ->envname("DETECTOR");
  cmd->add_option("--max-image-pixels", args->tool.max_image_pixels, "Decoded-image limit")
      ->envname("MAX_IMAGE_PIXELS");
  cmd->add_flag("--no-embedding", args->no_embedding, "Leave the 128 numbers out");
  cmd->callback([args, &exit_code] { exit_code = run_faces(*args); });
}

}  // namespace findme::app
