// Face engine speed: detection per policy (HOG, SSD with and without tiles), landmarks, chips,
// whole photos end to end (default detector: SSD), start-up.
// Run: build/<dir>/bench/findme_face_bench --benchmark_min_time=2
#include <algorithm>
#include <array>
#include <vector>

#include <benchmark/benchmark.h>

#include "core/testing/sample_photos.h"
#include "face/dlib/face_landmarker.h"
#include "face/dlib/hog_face_detector.h"
#include "face/local/face_models.h"
#include "face/local/test_photos.h"
#include "face/model/gemm_landmark_net.h"
#include "face/model/gemm_ssd_net.h"
#include "face/model/landmark_net.h"
#include "face/model/opencv_face_embedder.h"
#include "face/model/ssd_face_detector.h"

namespace findme::face {
namespace {

const std::vector<image::RgbImage>& samples() {  // the six 1920 px sample photos, decoded
  static const std::vector<image::RgbImage> kSamples = [] {
    std::vector<image::RgbImage> all;
    for (int n = 1; n <= 6; ++n) {
      all.push_back(local::testing::load_sample(n));
    }
    return all;
  }();
  return kSamples;
}

const local::FaceModels& models() {
  static const local::FaceModels kModels =
      local::FaceModels::load(local::testing::default_model_options()).value();
  return kModels;
}

const dlib::FaceLandmarker& landmarker() {
  static const dlib::FaceLandmarker kLandmarker =
      dlib::FaceLandmarker::load(dlib::kDefaultLandmarkModel).value();
  return kLandmarker;
}

// Args: working long side (0 = full size), upsample. Time per photo over the six samples.
void BM_Detect(benchmark::State& state) {
  dlib::HogFaceDetector detector =
      dlib::HogFaceDetector::create({.working_long_side = static_cast<int>(state.range(0)),
                                     .upsample = static_cast<int>(state.range(1))})
          .value();
  std::int64_t faces = 0;
  for (auto _ : state) {
    for (const image::RgbImage& photo : samples()) {
      faces += static_cast<std::int64_t>(detector.detect(photo).size());
    }
  }
  state.SetItemsProcessed(state.iterations() * 6);
  state.counters["faces_per_pass"] =
      static_cast<double>(faces) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_Detect)
    ->ArgNames({"side", "up"})
    ->Args({640, 0})
    ->Args({960, 0})
    ->Args({1280, 0})
    ->Args({0, 0})
    ->Args({640, 1})
    ->Args({960, 1})
    ->Unit(benchmark::kMillisecond);

const model::SsdWeights& ssd_weights() {
  static const model::SsdWeights kWeights =
      model::SsdWeights::load(local::testing::default_model_options().package_dir).value();
  return kWeights;
}

// SSD MobileNet v1 over the six samples. Args: tiles per long side (0 = the whole-image pass
// only), min confidence in hundredths. With ->Threads(2) each thread has its own net, as the
// service's workers do (OpenCV single-threaded: one worker per core).
void BM_DetectSsd(benchmark::State& state) {
  std::unique_ptr<model::SsdFaceDetector> detector =
      model::SsdFaceDetector::create(ssd_weights(),
                                     {.min_confidence = static_cast<float>(state.range(1)) / 100.0f,
                                      .tiles_per_long_side = static_cast<int>(state.range(0))})
          .value();
  std::int64_t faces = 0;
  for (auto _ : state) {
    for (const image::RgbImage& photo : samples()) {
      faces += static_cast<std::int64_t>(detector->detect(photo).size());
    }
  }
  state.SetItemsProcessed(state.iterations() * 6);
  state.counters["faces_per_pass"] =
      static_cast<double>(faces) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_DetectSsd)
    ->ArgNames({"tiles", "conf"})
    ->Args({0, 50})  // face-api's own minimum
    ->Args({0, 40})  // SsdPolicy's default
    ->Args({2, 40})
    ->Args({3, 40})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Threads(1)
    ->Threads(2);

// The net alone on one 512 px input (no resize, decode or NMS) made from sample1 (1920 x 1280).
// Arg 0: OpenCV DNN (SsdNet) on the whole photo; 1: our own forward pass (GemmSsdNet, the default
// since issue #14) on the whole photo, whose padding rows (the input's lower third) it computes
// once per photo height; 2: GemmSsdNet on a square crop (no padding: everything computed); 3: on
// a 2:3 portrait crop (its padding columns on the right are computed: only rows are skipped).
template <class Net>
void run_ssd_pass(benchmark::State& state, Net net) {
  const image::RgbImage& photo = samples()[0];
  const model::PixelRegion region = state.range(0) == 2   ? model::PixelRegion{0, 0, 1280, 1280}
                                    : state.range(0) == 3 ? model::PixelRegion{560, 0, 800, 1200}
                                                          : model::PixelRegion{0, 0, 1920, 1280};
  const cv::Mat input = model::make_ssd_input(photo, region, 512);
  for (auto _ : state) {
    benchmark::DoNotOptimize(net.run(input));
  }
}
void BM_SsdNetPass(benchmark::State& state) {
  if (state.range(0) == 0) {
    run_ssd_pass(state, model::SsdNet::create(ssd_weights()).value());
  } else {
    run_ssd_pass(state, model::GemmSsdNet::create(ssd_weights()).value());
  }
  static constexpr std::array<const char*, 4> kLabels{"opencv", "gemm", "gemm, square input",
                                                      "gemm, portrait input"};
  state.SetLabel(kLabels[static_cast<std::size_t>(state.range(0))]);
}
BENCHMARK(BM_SsdNetPass)
    ->ArgName("net")
    ->Arg(0)
    ->Arg(1)
    ->Arg(2)
    ->Arg(3)
    ->Unit(benchmark::kMillisecond);

Box largest_face(const image::RgbImage& photo) {
  return dlib::HogFaceDetector::create({}).value().detect(photo).front().box;
}

void BM_LandmarksPerFace(benchmark::State& state) {
  const image::RgbImage& photo = samples()[0];
  const Box box = largest_face(photo);
  for (auto _ : state) {
    benchmark::DoNotOptimize(landmarker().locate(photo, box));
  }
}
BENCHMARK(BM_LandmarksPerFace)->Unit(benchmark::kMicrosecond);

// face-api's 68-point landmark net on one face of sample1 (crop, resize, net, mapping): net:0
// OpenCV DNN (LandmarkNet), net:1 our own (GemmLandmarkNet, the default).
void BM_LandmarkNetPerFace(benchmark::State& state) {
  const image::RgbImage& photo = samples()[0];
  const Box box = largest_face(photo);
  const model::LandmarkNetWeights weights =
      model::LandmarkNetWeights::load(FINDME_FACE_API_DIR).value();
  std::unique_ptr<FaceLandmarker> net;
  if (state.range(0) == 0) {
    net = model::LandmarkNet::create(weights).value();
  } else {
    net = model::GemmLandmarkNet::create(weights).value();
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(net->locate(photo, box));
  }
  state.SetLabel(state.range(0) == 0 ? "opencv" : "gemm");
}
BENCHMARK(BM_LandmarkNetPerFace)->ArgName("net")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

void BM_ChipPerFace(benchmark::State& state) {
  const image::RgbImage& photo = samples()[0];
  const std::vector<Point> points = landmarker().locate(photo, largest_face(photo));
  for (auto _ : state) {
    benchmark::DoNotOptimize(dlib::extract_face_chip(photo, points));
  }
}
BENCHMARK(BM_ChipPerFace)->Unit(benchmark::kMicrosecond);

// sample6: four faces. Decode from the JPEG bytes + detect + landmarks + chips + embed. With
// ->Threads(2) each thread has its own engine, as the service's workers do.
void BM_PhotoEndToEnd(benchmark::State& state) {
  static const std::string kBytes =
      local::testing::read_file(findme::testing::sample_photo_path(6));
  std::unique_ptr<FaceEngine> engine = models().make_engine().value();
  std::size_t faces = 0;
  for (auto _ : state) {
    image::RgbImage photo = local::testing::decode(kBytes).value();
    faces = engine->analyze(photo)->faces.size();
  }
  state.counters["faces"] = static_cast<double>(faces);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PhotoEndToEnd)->Unit(benchmark::kMillisecond)->UseRealTime()->Threads(1)->Threads(2);

// `r` of `image` (clipped), unscaled.
image::RgbImage crop(const image::RgbImage& image, int x, int y, int width, int height) {
  width = std::min(width, image.width - x);
  height = std::min(height, image.height - y);
  image::RgbImage out{width, height, {}};
  out.pixels.reserve(out.byte_size());
  for (int row = y; row < y + height; ++row) {
    const auto first =
        image.pixels.begin() + (static_cast<std::ptrdiff_t>(row) * image.width + x) * 3;
    out.pixels.insert(out.pixels.end(), first, first + static_cast<std::ptrdiff_t>(width) * 3);
  }
  return out;
}

// A selfie's face work (detect + landmarks + chip + embed, decoded image given), arg 0: the
// event-photo path (analyze), 1: the selfie path (analyze_selfie: BlazeFace first). Two selfies
// cut from sample3 at full resolution: a phone-like frame (660 x 800, the face ~1/3 of its
// width) and a tight head crop (220 x 299).
void BM_SelfieFaceWork(benchmark::State& state) {
  static const std::vector<image::RgbImage> kSelfies{crop(samples()[2], 855, 0, 660, 800),
                                                     crop(samples()[2], 1075, 215, 220, 299)};
  std::unique_ptr<FaceEngine> engine = models().make_engine().value();
  const bool selfie_path = state.range(0) == 1;
  std::size_t faces = 0;
  StageTimings sum;
  for (auto _ : state) {
    for (const image::RgbImage& selfie : kSelfies) {
      const FaceAnalysis analysis =
          (selfie_path ? engine->analyze_selfie(selfie) : engine->analyze(selfie)).value();
      faces = analysis.faces.size();
      sum.detect_ms += analysis.timings.detect_ms;
      sum.landmarks_ms += analysis.timings.landmarks_ms;
      sum.embed_ms += analysis.timings.embed_ms;
    }
  }
  const double n = static_cast<double>(state.iterations() * 2);
  state.counters["faces_last"] = static_cast<double>(faces);
  state.counters["detect_ms"] = sum.detect_ms / n;
  state.counters["landmarks_ms"] = sum.landmarks_ms / n;
  state.counters["embed_ms"] = sum.embed_ms / n;
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kSelfies.size()));
}
BENCHMARK(BM_SelfieFaceWork)->ArgName("selfie_path")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_Startup(benchmark::State& state) {  // all models loaded and one engine built
  for (auto _ : state) {
    local::FaceModels loaded =
        local::FaceModels::load(local::testing::default_model_options()).value();
    benchmark::DoNotOptimize(loaded.make_engine().value());
  }
}
BENCHMARK(BM_Startup)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace
}  // namespace findme::face

int main(int argc, char** argv) {
  findme::face::model::use_single_threaded_opencv();  // one worker per core, as in the service
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
