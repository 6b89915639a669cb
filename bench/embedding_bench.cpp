// Speed of the face-embedding network (src/face/model): weights load, net build, and embedding
// per face at batch 1 and 16, with one worker or one worker per core, through OpenCV DNN
// (OpenCvFaceEmbedder, `embed_faces`) and through our own im2col + OpenBLAS forward pass
// (GemmFaceEmbedder, `gemm_embed_faces`). Run:
//   build/release/bench/findme_embedding_bench
// Per-face figures are the `per_face` counter (wall time per face over all workers); `flops` is
// 2 x the network's multiply-adds per face x faces per second.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <opencv2/core/utility.hpp>

#include "face/model/gemm_face_embedder.h"
#include "face/model/opencv_face_embedder.h"
#include "face/model/recognition_weights.h"

namespace findme::face::model {
namespace {

std::filesystem::path package_dir() { return std::filesystem::path(FINDME_FACE_API_DIR); }

const RecognitionWeights& weights() {
  static const RecognitionWeights loaded = [] {
    Result<RecognitionWeights> result = RecognitionWeights::load(package_dir());
    if (!result) {
      std::fprintf(stderr, "%s\n", result.error().message.c_str());
      std::exit(1);
    }
    return std::move(*result);
  }();
  return loaded;
}

// `count` real aligned chips (tests/data/port, repeated as needed).
std::vector<image::RgbImage> chips(int count) {
  const std::filesystem::path dir = std::filesystem::path(FINDME_SOURCE_DIR) / "tests/data/port";
  std::vector<image::RgbImage> real;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".rgb") {
      std::ifstream in(entry.path(), std::ios::binary);
      real.push_back({kChipSize, kChipSize, {std::istreambuf_iterator<char>(in), {}}});
    }
  }
  std::vector<image::RgbImage> out;
  out.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    out.push_back(real[static_cast<std::size_t>(i) % real.size()]);
  }
  return out;
}

void load_weights(benchmark::State& state) {
  for (auto _ : state) {
    Result<RecognitionWeights> loaded = RecognitionWeights::load(package_dir());
    benchmark::DoNotOptimize(loaded);
  }
}
BENCHMARK(load_weights)->Unit(benchmark::kMillisecond);

// Includes the warm-up chip that create() runs.
void build_net(benchmark::State& state) {
  weights();
  for (auto _ : state) {
    Result<std::unique_ptr<OpenCvFaceEmbedder>> embedder = OpenCvFaceEmbedder::create(weights());
    benchmark::DoNotOptimize(embedder);
  }
}
BENCHMARK(build_net)->Unit(benchmark::kMillisecond);

// Per-face counters of a benchmark that embedded `batch` chips per iteration.
void count_faces(benchmark::State& state, int batch) {
  const double faces = static_cast<double>(state.iterations()) * batch;
  state.counters["per_face"] =
      benchmark::Counter(faces, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["flops"] =
      benchmark::Counter(faces * 2.0 * static_cast<double>(weights().multiply_adds_per_face()),
                         benchmark::Counter::kIsRate);
}

// range(0): chips per embed() call; range(1): cv::setNumThreads (process-global); range(2): chips
// per network pass (OpenCvEmbedderOptions::net_batch). Each benchmark thread is one worker with
// its own net, as in the service.
void embed_faces(benchmark::State& state) {
  const int batch = static_cast<int>(state.range(0));
  if (state.thread_index() == 0) {
    cv::setNumThreads(static_cast<int>(state.range(1)));
  }
  Result<std::unique_ptr<OpenCvFaceEmbedder>> embedder =
      OpenCvFaceEmbedder::create(weights(), {.net_batch = static_cast<int>(state.range(2))});
  if (!embedder) {
    state.SkipWithError(embedder.error().message.c_str());
    return;
  }
  const std::vector<image::RgbImage> input = chips(batch);
  for (auto _ : state) {
    Result<std::vector<Embedding>> out = (*embedder)->embed(input);
    benchmark::DoNotOptimize(out);
  }
  count_faces(state, batch);
}
BENCHMARK(embed_faces)
    ->ArgNames({"batch", "cv_threads", "net_batch"})
    ->Args({1, 1, 4})
    ->Args({16, 1, 1})
    ->Args({16, 1, 4})
    ->Args({16, 1, 16})
    ->Args({1, 2, 4})
    ->Args({16, 2, 4})
    ->Args({16, 2, 16})
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// The packed weights every GemmFaceEmbedder of the process shares, as FaceModels hands them out.
const std::shared_ptr<const PackedRecognitionWeights>& packed_weights() {
  static const std::shared_ptr<const PackedRecognitionWeights> packed =
      PackedRecognitionWeights::pack(weights());
  return packed;
}

void pack_weights(benchmark::State& state) {
  weights();
  for (auto _ : state) {
    std::shared_ptr<const PackedRecognitionWeights> packed =
        PackedRecognitionWeights::pack(weights());
    benchmark::DoNotOptimize(packed);
  }
}
BENCHMARK(pack_weights)->Unit(benchmark::kMillisecond);

// Includes the warm-up chip that create() runs.
void gemm_create(benchmark::State& state) {
  packed_weights();
  for (auto _ : state) {
    Result<std::unique_ptr<GemmFaceEmbedder>> embedder = GemmFaceEmbedder::create(packed_weights());
    benchmark::DoNotOptimize(embedder);
  }
}
BENCHMARK(gemm_create)->Unit(benchmark::kMillisecond);

// range(0): chips per embed() call; range(1): chips per pass (GemmEmbedderOptions::max_batch).
// Each benchmark thread is one worker with its own embedder over the shared packed weights;
// OpenBLAS runs single-threaded (create() sets it).
void gemm_embed_faces(benchmark::State& state) {
  const int batch = static_cast<int>(state.range(0));
  Result<std::unique_ptr<GemmFaceEmbedder>> embedder =
      GemmFaceEmbedder::create(packed_weights(), {.max_batch = static_cast<int>(state.range(1))});
  if (!embedder) {
    state.SkipWithError(embedder.error().message.c_str());
    return;
  }
  const std::vector<image::RgbImage> input = chips(batch);
  for (auto _ : state) {
    Result<std::vector<Embedding>> out = (*embedder)->embed(input);
    benchmark::DoNotOptimize(out);
  }
  count_faces(state, batch);
}
BENCHMARK(gemm_embed_faces)
    ->ArgNames({"batch", "max_batch"})
    ->Args({1, 8})
    ->Args({4, 8})
    ->Args({16, 4})
    ->Args({16, 8})
    ->Args({16, 16})
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace findme::face::model

int main(int argc, char** argv) {
  const auto& w = findme::face::model::weights();
  std::printf("network: %.2f M multiply-adds (%.3f GFLOP) per 150x150 chip; OpenCV %s\n",
              static_cast<double>(w.multiply_adds_per_face()) / 1e6,
              2.0 * static_cast<double>(w.multiply_adds_per_face()) / 1e9, CV_VERSION);
  const auto& packed = *findme::face::model::packed_weights();
  std::size_t floats = packed.fc().size();
  std::size_t panel_floats = 0;
  auto add = [&](const findme::face::model::PackedConv& conv) {
    floats += conv.filters.size() + conv.winograd.size() + conv.bias.size();
    panel_floats += conv.panels.values.size();
  };
  add(packed.stem());
  for (const auto& block : packed.blocks()) {
    add(block.conv1);
    add(block.conv2);
  }
  std::printf("packed weights: %.1f MB, and %.1f MB of panels (panel_gemm)\n",
              static_cast<double>(floats * sizeof(float)) / 1e6,
              static_cast<double>(panel_floats * sizeof(float)) / 1e6);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
