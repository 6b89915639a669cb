// Face engine speed: detection per policy, landmarks, chips, whole photos end to end, start-up.
// Run: build/<dir>/bench/findme_face_bench --benchmark_min_time=2
#include <vector>

#include <benchmark/benchmark.h>

#include "face/dlib/face_landmarker.h"
#include "face/dlib/hog_face_detector.h"
#include "face/local/face_models.h"
#include "face/local/test_photos.h"
#include "face/model/opencv_face_embedder.h"

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
  static const std::string kBytes = local::testing::read_file(local::testing::sample_path(6));
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
