// `findme compare A B`: the distance between the main (largest) faces of two images, and the
// verdict at the match threshold.
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>

#include "app/commands.h"
#include "app/face_tools.h"
#include "domain/similarity.h"
#include "face/embedding.h"

namespace findme::app {
namespace {

struct CompareArgs {
  std::string a;
  std::string b;
  FaceToolOptions tool;
  float threshold = domain::kDefaultMatchThreshold;
};

Result<face::Face> main_face(FaceTool& tool, const std::string& path) {
  Result<AnalysedImage> analysed = tool.analyse_file(path);
  if (!analysed) return Error{analysed.error().code, path + ": " + analysed.error().message};
  if (analysed->analysis.faces.empty()) {
    return make_error(Errc::no_face_found, path + ": no face found");
  }
  return analysed->analysis.faces.front();  // largest first
}

int run_compare(const CompareArgs& args) {
  Result<std::unique_ptr<FaceTool>> tool = FaceTool::create(args.tool);
  if (!tool) {
    std::cerr << "findme: " << tool.error().message << "\n";
    return 1;
  }
  Result<face::Face> a = main_face(**tool, args.a);
  Result<face::Face> b = main_face(**tool, args.b);
  for (const Result<face::Face>* r : {&a, &b}) {
    if (!*r) {
      std::cerr << "findme: " << r->error().message << "\n";
      return 2;
    }
  }
  const float d = face::distance(a->embedding, b->embedding);
  const bool same = d < args.threshold;
  std::printf("distance %.4f  threshold %.2f  similarity %.2f  %s\n", static_cast<double>(d),
              static_cast<double>(args.threshold),
              static_cast<double>(domain::similarity(d, args.threshold)),
              same ? "same person" : "different people");
  return same ? 0 : 3;
}

}  // namespace

void add_compare_command(CLI::App& root, int& exit_code) {
  auto args = std::make_shared<CompareArgs>();  // shared with the callback CLI11 keeps
  CLI::App* cmd = root.add_subcommand(
      "compare", "Distance between the main faces of two images (exit 0 same, 3 different)");
  cmd->add_option("a", args->a, "First image")->required();
  cmd->add_option("b", args->b, "Second image")->required();
  cmd->add_option("--model-dir", args->tool.model_dir, "Fetched model package (MODEL_DIR)")
      ->envname("MODEL_DIR");
  cmd->add_option("--detector", args->tool.detector, "Face detector: ssd or hog (DETECTOR)")
      ->envname("DETECTOR");
  cmd->add_option("--threshold", args->threshold, "Match threshold (MATCH_THRESHOLD)")
      ->envname("MATCH_THRESHOLD");
  cmd->callback([args, &exit_code] { exit_code = run_compare(*args); });
}

}  // namespace findme::app
