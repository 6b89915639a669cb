// Research: dumps, for every photo listed on stdin, each face's box, quality, dlib descriptor and
// MobileFaceNet descriptor as one JSON line. Usage: findme_descriptor_dump < files.txt > out.jsonl
#include <cstdio>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "face/dlib/face_landmarker.h"
#include "face/local/face_models.h"
#include "face/local/test_photos.h"
#include "face/model/mobilefacenet_net.h"
#include "face/model/opencv_face_embedder.h"

using namespace findme;
using namespace findme::face;

int main() {
  model::use_single_threaded_opencv();
  Result<local::FaceModels> models =
      local::FaceModels::load(local::testing::default_model_options());
  if (!models) {
    std::cerr << models.error().message << "\n";
    return 1;
  }
  Result<std::unique_ptr<FaceEngine>> engine = models->make_engine();
  Result<model::MobileFaceNetWeights> w = model::MobileFaceNetWeights::load(
      std::filesystem::path(FINDME_MODEL_DIR) / "human-models-3.0.4");
  if (!w) {
    std::cerr << w.error().message << "\n";
    return 1;
  }
  Result<model::MobileFaceNet> mfn = model::MobileFaceNet::create(*w);
  if (!mfn) {
    std::cerr << mfn.error().message << "\n";
    return 1;
  }

  const Point arc[] = {model::kArcLeftEye, model::kArcRightEye, model::kArcNoseTip,
                       model::kArcMouthLeft, model::kArcMouthRight};
  std::string path;
  while (std::getline(std::cin, path)) {
    nlohmann::json line{{"file", path}};
    Result<image::RgbImage> img = local::testing::decode(local::testing::read_file(path), 1920);
    if (!img) {
      line["error"] = img.error().message;
      std::cout << line.dump() << "\n";
      continue;
    }
    line["width"] = img->width;
    line["height"] = img->height;
    Result<FaceAnalysis> a = (*engine)->analyze(*img);
    if (!a) {
      line["error"] = a.error().message;
      std::cout << line.dump() << "\n";
      continue;
    }
    nlohmann::json faces = nlohmann::json::array();
    for (const Face& f : a->faces) {
      std::vector<Point> five = dlib::five_points(f.landmarks);
      image::RgbImage chip = dlib::extract_face_chip(*img, five, arc, 112);
      auto d = mfn->describe({&chip, 1});
      nlohmann::json j{{"box", {f.box.x, f.box.y, f.box.width, f.box.height}},
                       {"usable", f.quality.usable},
                       {"size", f.quality.size_px},
                       {"score", f.quality.detector_score},
                       {"sharp", f.quality.sharpness},
                       {"e1", std::vector<float>(f.embedding.begin(), f.embedding.end())},
                       {"e2", d ? (*d)[0] : std::vector<float>{}}};
      faces.push_back(j);
    }
    line["faces"] = faces;
    std::cout << line.dump() << "\n";
  }
}
