// Pair verification figures for each alignment path, on the same detections: LFW's dev pairs
// (../shared/testdata/lfw-dev/pairs-dev.txt, the face nearest the image centre) and the labelled
// portraits' pairs_all (../shared/testdata/faces/manifest.json, the largest face, as
// tests/accuracy/verification_test.cpp takes it). Each photo is decoded by the service's
// VipsImageDecoder and detected once by the service's detector (SSD, as FaceModels builds it);
// every path then aligns and describes that one face. Prints TAR/FAR at 0.40..0.65, the pairs
// lost to detection, and the time per face of each path on one core. docs/alignment.md.
//
// Usage: findme_pairs_report [--lfw-limit N] [--lfw-every K] [--all-variants] [--skip-lfw]
//                            [--skip-faces]
// --lfw-every K takes every K-th pair of the file (same and different pairs in proportion);
// --all-variants adds the net on the fitted box and 5 points + flip.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "face/local/face_models.h"
#include "face/local/test_photos.h"
#include "face/model/opencv_face_embedder.h"

namespace findme::face::local {
namespace {

struct Variant {
  std::string name;
  std::unique_ptr<LocalFaceEngine> engine;
  double landmarks_ms = 0;  // landmarks and chip, summed over faces
  double embed_ms = 0;
  int faces = 0;
};

struct Pair {
  std::string a;
  std::string b;
  bool same = false;
};

enum class Pick { central, largest };

std::string lfw_path(const std::string& name, int n) {
  char file[32];
  std::snprintf(file, sizeof file, "_%04d.jpg", n);
  return std::string(FINDME_TESTDATA_DIR) + "/lfw-dev/" + name + "/" + name + file;
}

std::vector<Pair> lfw_pairs(std::size_t limit, std::size_t every) {
  std::ifstream in(std::string(FINDME_TESTDATA_DIR) + "/lfw-dev/pairs-dev.txt");
  std::vector<Pair> pairs;
  std::string line;
  std::size_t index = 0;
  while (std::getline(in, line) && pairs.size() < limit) {
    if (line.empty() || line[0] == '#') continue;
    if (index++ % every != 0) continue;
    std::istringstream fields(line);
    std::vector<std::string> f;
    for (std::string w; fields >> w;) f.push_back(w);
    if (f.size() == 3) {
      pairs.push_back({lfw_path(f[0], std::stoi(f[1])), lfw_path(f[0], std::stoi(f[2])), true});
    } else if (f.size() == 4) {
      pairs.push_back({lfw_path(f[0], std::stoi(f[1])), lfw_path(f[2], std::stoi(f[3])), false});
    }
  }
  return pairs;
}

std::vector<Pair> portrait_pairs() {
  const std::string dir = std::string(FINDME_TESTDATA_DIR) + "/faces/";
  std::ifstream in(dir + "manifest.json");
  const nlohmann::json manifest = nlohmann::json::parse(in);
  std::vector<Pair> pairs;
  for (const nlohmann::json& p : manifest.at("pairs_all")) {
    pairs.push_back({dir + p.at("a").get<std::string>(), dir + p.at("b").get<std::string>(),
                     p.at("same").get<bool>()});
  }
  return pairs;
}

std::optional<Detection> pick(const std::vector<Detection>& found, const image::RgbImage& image,
                              Pick how) {
  std::optional<Detection> best;
  double best_key = 0;
  for (const Detection& d : found) {
    const double dx = d.box.x + d.box.width / 2 - image.width / 2.0;
    const double dy = d.box.y + d.box.height / 2 - image.height / 2.0;
    const double key = how == Pick::central ? -std::hypot(dx, dy) : d.box.width * d.box.height;
    if (!best || key > best_key) {
      best = d;
      best_key = key;
    }
  }
  return best;
}

void report(const char* title, const std::vector<Pair>& pairs, int long_side, Pick how,
            FaceDetector& detector, std::vector<Variant>& variants) {
  // path -> one descriptor per variant (empty when no face was found)
  std::map<std::string, std::vector<Embedding>> described;
  for (const Pair& p : pairs) {
    for (const std::string* path : {&p.a, &p.b}) {
      if (described.count(*path)) continue;
      std::vector<Embedding>& out = described[*path];
      Result<image::RgbImage> image = testing::decode(testing::read_file(*path), long_side);
      if (!image) continue;
      const std::optional<Detection> face = pick(detector.detect(*image), *image, how);
      if (!face) continue;
      for (Variant& v : variants) {
        Result<FaceAnalysis> analysis = v.engine->describe(*image, {*face});
        if (!analysis || analysis->faces.empty()) {
          std::fprintf(stderr, "%s: %s failed\n", path->c_str(), v.name.c_str());
          std::exit(1);
        }
        out.push_back(analysis->faces[0].embedding);
        v.landmarks_ms += analysis->timings.landmarks_ms;
        v.embed_ms += analysis->timings.embed_ms;
        ++v.faces;
      }
    }
  }
  int same = 0, different = 0, lost_same = 0, lost_different = 0, photos_lost = 0;
  for (const auto& [path, e] : described) photos_lost += e.empty();
  for (const Pair& p : pairs) {
    const bool lost = described[p.a].empty() || described[p.b].empty();
    (p.same ? same : different) += 1;
    if (lost) (p.same ? lost_same : lost_different) += 1;
  }
  std::printf("\n## %s: %zu pairs (%d same, %d different), %zu photos\n", title, pairs.size(), same,
              different, described.size());
  std::printf(
      "no face: %d photos; pairs lost: %d same (count as rejects), %d different (left "
      "out of FAR)\n",
      photos_lost, lost_same, lost_different);
  std::printf(
      "| path | 0.40 | 0.45 | 0.50 | 0.55 | 0.60 | 0.65 |\n|---|---|---|---|---|---|---|\n");
  for (std::size_t v = 0; v < variants.size(); ++v) {
    std::printf("| %s |", variants[v].name.c_str());
    for (int t = 0; t <= 5; ++t) {
      const float threshold = 0.40f + 0.05f * static_cast<float>(t);
      int ta = 0, fa = 0;
      for (const Pair& p : pairs) {
        const auto& a = described[p.a];
        const auto& b = described[p.b];
        if (a.empty() || b.empty()) continue;
        if (distance(a[v], b[v]) < threshold) (p.same ? ta : fa) += 1;
      }
      std::printf(" TAR %.2f %% (%d) FAR %.2f %% (%d) |", 100.0 * ta / same, ta,
                  100.0 * fa / std::max(1, different - lost_different), fa);
    }
    std::printf("\n");
  }
}

int run(int argc, char** argv) {
  std::size_t lfw_limit = 1u << 30;
  std::size_t lfw_every = 1;
  bool skip_lfw = false, skip_faces = false, all_variants = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--lfw-limit" && i + 1 < argc) {
      lfw_limit = static_cast<std::size_t>(std::atol(argv[++i]));
    } else if (arg == "--lfw-every" && i + 1 < argc) {
      lfw_every = static_cast<std::size_t>(std::max(1L, std::atol(argv[++i])));
    } else if (arg == "--all-variants") {
      all_variants = true;
    } else if (arg == "--skip-lfw") {
      skip_lfw = true;
    } else if (arg == "--skip-faces") {
      skip_faces = true;
    } else {
      std::fprintf(stderr,
                   "usage: %s [--lfw-limit N] [--lfw-every K] [--all-variants] [--skip-lfw] "
                   "[--skip-faces]\n",
                   argv[0]);
      return 2;
    }
  }
  model::use_single_threaded_opencv();
  FaceModelOptions net_options = testing::default_model_options();
  FaceModelOptions dlib_options = net_options;
  dlib_options.landmarks = Landmarks::dlib68;
  Result<FaceModels> net = FaceModels::load(net_options);
  Result<FaceModels> dlib = FaceModels::load(dlib_options);
  if (!net || !dlib) {
    std::fprintf(stderr, "%s\n", (!net ? net : dlib).error().message.c_str());
    return 1;
  }
  Result<std::unique_ptr<FaceDetector>> detector = net->make_detector();
  if (!detector) return 1;
  std::vector<Variant> variants;
  const auto add = [&](const char* name, const FaceModels& models, AlignmentOptions a) {
    Result<std::unique_ptr<LocalFaceEngine>> engine = models.make_local_engine(a);
    if (!engine) std::exit(1);
    variants.push_back({name, std::move(*engine)});
  };
  const AlignmentOptions dlib68 = default_alignment(Detector::ssd, Landmarks::dlib68);
  const AlignmentOptions net68 = default_alignment(Detector::ssd, Landmarks::net68);
  AlignmentOptions net68_fitted = net68;
  net68_fitted.landmarks_on_fitted_box = true;
  AlignmentOptions net5 = net68;
  net5.alignment = Alignment::points5;
  add("dlib68 (before)", *dlib, dlib68);
  add("net68 (SSD box)", *net, net68);
  if (all_variants) add("net68 (fitted box)", *net, net68_fitted);
  add("net68 -> 5 points", *net, net5);
  AlignmentOptions net68_flip = net68;
  net68_flip.flip = true;
  AlignmentOptions net5_flip = net5;
  net5_flip.flip = true;
  AlignmentOptions dlib68_flip = dlib68;
  dlib68_flip.flip = true;
  add("dlib68 + flip", *dlib, dlib68_flip);
  add("net68 + flip", *net, net68_flip);
  if (all_variants) add("net68 -> 5 points + flip", *net, net5_flip);
  if (!skip_lfw) {
    report("lfw-dev pairs-dev.txt (face nearest the centre)", lfw_pairs(lfw_limit, lfw_every), 1920,
           Pick::central, **detector, variants);
  }
  if (!skip_faces) {
    report("testdata/faces pairs_all (largest face, 1920 px)", portrait_pairs(), 1920,
           Pick::largest, **detector, variants);
  }
  std::printf("\n| path | landmarks + chip ms/face | embed ms/face | faces |\n|---|---|---|---|\n");
  for (const Variant& v : variants) {
    std::printf("| %s | %.2f | %.2f | %d |\n", v.name.c_str(), v.landmarks_ms / v.faces,
                v.embed_ms / v.faces, v.faces);
  }
  return 0;
}

}  // namespace
}  // namespace findme::face::local

int main(int argc, char** argv) { return findme::face::local::run(argc, argv); }
