// Decoder cost on a real 1920x1280 camera JPEG (face-api's sample1.jpg): full decode, shrink-on-
// load, header probe and a 400 px thumbnail, on 1 and 2 threads sharing one decoder.
#include <fstream>
#include <iterator>
#include <string>

#include <benchmark/benchmark.h>

#include "image/vips/vips_image_decoder.h"

namespace findme::image::vips {
namespace {

const std::string& sample_jpeg() {
  static const std::string bytes = [] {
    std::ifstream in(FINDME_FACE_API_DIR "/demo/sample1.jpg", std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }();
  return bytes;
}

// One instance for every benchmark thread, as in the server.
const VipsImageDecoder& decoder() {
  static const VipsImageDecoder instance;
  return instance;
}

std::span<const std::byte> sample_bytes() {
  return std::as_bytes(std::span(sample_jpeg().data(), sample_jpeg().size()));
}

// range(0): max_long_side, 0 = full size.
void decode_sample(benchmark::State& state) {
  const DecodeOptions options{.max_long_side = static_cast<int>(state.range(0))};
  for (auto _ : state) {
    Result<DecodedImage> decoded = decoder().decode(sample_bytes(), options);
    if (!decoded) {
      state.SkipWithError(decoded.error().message.c_str());
      return;
    }
    benchmark::DoNotOptimize(decoded->image.pixels.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(decode_sample)
    ->Arg(0)
    ->Arg(1280)
    ->Arg(960)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void probe_sample(benchmark::State& state) {
  for (auto _ : state) {
    Result<ImageInfo> info = decoder().probe(sample_bytes(), {});
    if (!info) {
      state.SkipWithError(info.error().message.c_str());
      return;
    }
    benchmark::DoNotOptimize(info->width);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(probe_sample)->Threads(1)->Threads(2)->UseRealTime()->Unit(benchmark::kMicrosecond);

void thumbnail_sample(benchmark::State& state) {
  const int long_side = static_cast<int>(state.range(0));
  std::size_t bytes = 0;
  for (auto _ : state) {
    Result<std::string> jpeg = decoder().thumbnail_jpeg(sample_bytes(), long_side, {});
    if (!jpeg) {
      state.SkipWithError(jpeg.error().message.c_str());
      return;
    }
    bytes = jpeg->size();
  }
  state.counters["jpeg_bytes"] =
      benchmark::Counter(static_cast<double>(bytes), benchmark::Counter::kAvgThreads);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(thumbnail_sample)
    ->Arg(400)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// The index job's thumbnail: from the decoded full-size pixels (area shrink to 400 px,
// JPEG encode). CPU time is the whole process's, libvips' worker threads included.
void encode_thumbnail_decoded(benchmark::State& state) {
  const int long_side = static_cast<int>(state.range(0));
  static const RgbImage photo = decoder().decode(sample_bytes(), {}).value().image;
  std::size_t bytes = 0;
  for (auto _ : state) {
    Result<std::string> jpeg = decoder().encode_thumbnail_jpeg(photo, long_side);
    if (!jpeg) {
      state.SkipWithError(jpeg.error().message.c_str());
      return;
    }
    bytes = jpeg->size();
  }
  state.counters["jpeg_bytes"] = static_cast<double>(bytes);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(encode_thumbnail_decoded)
    ->Arg(400)
    ->MeasureProcessCPUTime()
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace findme::image::vips

BENCHMARK_MAIN();
