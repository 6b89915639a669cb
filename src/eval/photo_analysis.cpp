#include "eval/photo_analysis.h"

#include <atomic>
#include <cmath>
#include <fstream>
#include <limits>
#include <mutex>
#include <sstream>
#include <thread>
#include <unordered_map>

#include <nlohmann/json.hpp>

namespace findme::eval {
namespace {

using nlohmann::json;

json to_json(const std::string& file, const PhotoSample& s) {
  json faces = json::array();
  for (const FaceSample& f : s.faces) {
    faces.push_back({{"box", {f.box.x, f.box.y, f.box.width, f.box.height}},
                     {"usable", f.usable},
                     {"embedding", f.embedding}});
  }
  return {{"file", file},
          {"error", s.error},
          {"width", s.width},
          {"height", s.height},
          {"faces", faces}};
}

PhotoSample from_json(const json& j) {
  PhotoSample s;
  s.error = j.at("error").get<std::string>();
  s.width = j.at("width").get<int>();
  s.height = j.at("height").get<int>();
  for (const json& f : j.at("faces")) {
    const json& box = f.at("box");
    s.faces.push_back({.box = {box.at(0).get<float>(), box.at(1).get<float>(),
                               box.at(2).get<float>(), box.at(3).get<float>()},
                       .usable = f.at("usable").get<bool>(),
                       .embedding = f.at("embedding").get<face::Embedding>()});
  }
  return s;
}

// The cache: a first line {"pipeline": ...}, then one line per photo. Lines that do not parse
// (a run killed mid-write) are ignored.
std::unordered_map<std::string, PhotoSample> read_cache(const std::filesystem::path& path,
                                                        const std::string& pipeline) {
  std::unordered_map<std::string, PhotoSample> cached;
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) {
    return cached;
  }
  const json header = json::parse(line, nullptr, false);
  if (header.is_discarded() || header.value("pipeline", "") != pipeline) {
    return cached;
  }
  while (std::getline(in, line)) {
    const json j = json::parse(line, nullptr, false);
    if (j.is_discarded()) {
      continue;
    }
    try {
      cached.emplace(j.at("file").get<std::string>(), from_json(j));
    } catch (const json::exception&) {
      continue;
    }
  }
  return cached;
}

Result<PhotoSample> analyse_one(const std::filesystem::path& file,
                                const image::ImageDecoder& decoder, face::FaceEngine& engine,
                                const image::DecodeOptions& options, bool selfie) {
  PhotoSample sample;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    sample.error = "not_found";
    return sample;
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  const std::string data = std::move(bytes).str();
  Result<image::DecodedImage> decoded = decoder.decode(std::as_bytes(std::span(data)), options);
  if (!decoded) {
    sample.error = std::string(to_string(decoded.error().code));
    return sample;
  }
  sample.width = decoded->image.width;
  sample.height = decoded->image.height;
  Result<face::FaceAnalysis> analysis =
      selfie ? engine.analyze_selfie(decoded->image) : engine.analyze(decoded->image);
  if (!analysis) {
    return analysis.error();
  }
  for (const face::Face& f : analysis->faces) {
    sample.faces.push_back({.box = f.box, .usable = f.quality.usable, .embedding = f.embedding});
  }
  return sample;
}

}  // namespace

std::optional<std::size_t> pick_face(const PhotoSample& sample, FacePick pick) {
  if (sample.faces.empty()) {
    return std::nullopt;
  }
  if (pick == FacePick::largest) {
    return 0;  // the engine sorts faces largest first
  }
  const float cx = static_cast<float>(sample.width) / 2;
  const float cy = static_cast<float>(sample.height) / 2;
  std::optional<std::size_t> best;
  float best_distance = std::numeric_limits<float>::max();
  for (std::size_t i = 0; i < sample.faces.size(); ++i) {
    const face::Box& b = sample.faces[i].box;
    if (cx < b.x || cx > b.x + b.width || cy < b.y || cy > b.y + b.height) {
      continue;
    }
    const float d = std::hypot(b.x + b.width / 2 - cx, b.y + b.height / 2 - cy);
    if (d < best_distance) {
      best_distance = d;
      best = i;
    }
  }
  return best;
}

Result<std::vector<PhotoSample>> analyse_photos(const std::vector<std::filesystem::path>& files,
                                                const image::ImageDecoder& decoder,
                                                const EngineFactory& make_engine,
                                                const AnalysisOptions& options) {
  std::unordered_map<std::string, PhotoSample> cached;
  if (!options.cache.empty()) {
    cached = read_cache(options.cache, options.pipeline);
  }
  std::vector<PhotoSample> samples(files.size());
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < files.size(); ++i) {
    auto it = cached.find(files[i].string());
    if (it != cached.end()) {
      samples[i] = std::move(it->second);
    } else {
      todo.push_back(i);
    }
  }
  std::ofstream cache_out;
  if (!options.cache.empty()) {
    const bool fresh = cached.empty();
    cache_out.open(options.cache, fresh ? std::ios::trunc : std::ios::app);
    if (!cache_out) {
      return make_error(Errc::internal, "cannot write the cache " + options.cache.string());
    }
    if (fresh) {
      cache_out << json{{"pipeline", options.pipeline}}.dump() << "\n";
    }
  }
  const std::size_t already = files.size() - todo.size();
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  std::mutex mu;  // guards cache_out, first_error and the progress callback
  std::optional<Error> first_error;
  const auto work = [&](face::FaceEngine& engine) {
    for (std::size_t k = next++; k < todo.size(); k = next++) {
      const std::size_t i = todo[k];
      Result<PhotoSample> sample =
          analyse_one(files[i], decoder, engine, options.decode, options.selfies);
      std::lock_guard lock(mu);
      if (!sample) {
        first_error = first_error.value_or(sample.error());
        return;
      }
      samples[i] = std::move(*sample);
      if (cache_out.is_open()) {
        cache_out << to_json(files[i].string(), samples[i]).dump() << "\n";
      }
      if (options.progress) {
        options.progress(already + ++done, files.size());
      }
    }
  };
  std::vector<std::unique_ptr<face::FaceEngine>> engines;
  for (int t = 0; t < std::max(1, options.threads) && !todo.empty(); ++t) {
    Result<std::unique_ptr<face::FaceEngine>> engine = make_engine();
    if (!engine) {
      return engine.error();
    }
    engines.push_back(std::move(*engine));
  }
  std::vector<std::thread> threads;
  threads.reserve(engines.size());
  for (auto& engine : engines) {
    threads.emplace_back([&work, &engine] { work(*engine); });
  }
  for (std::thread& t : threads) {
    t.join();
  }
  if (first_error) {
    return *first_error;
  }
  return samples;
}

}  // namespace findme::eval
