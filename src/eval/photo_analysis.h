// The faces of each labelled photo as the service's pipeline sees them, computed once with every
// core and kept in a cache file so that a report can be re-scored without re-analysing.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "face/embedding.h"
#include "face/face_engine.h"
#include "face/geometry.h"
#include "image/image_decoder.h"

namespace findme::eval {

struct FaceSample {
  face::Box box;  // in the decoded photo's pixels
  bool usable = true;
  face::Embedding embedding{};
};

struct PhotoSample {
  std::string error;  // the decode or engine error's wire code; empty when analysed
  int width = 0;      // decoded size
  int height = 0;
  std::vector<FaceSample> faces;  // largest first, as the engine gives them
};

// Which face of a photo carries the photo's label.
enum class FacePick {
  central,  // the box that contains the photo's centre, nearest to it (LFW: photos cut around one
            // face; other people near the edges are unlabelled)
  largest,  // the largest face (portraits)
};

// Index into sample.faces, or nullopt when no face qualifies.
std::optional<std::size_t> pick_face(const PhotoSample& sample, FacePick pick);

using EngineFactory = std::function<Result<std::unique_ptr<face::FaceEngine>>()>;

struct AnalysisOptions {
  int threads = 2;              // one engine per thread
  image::DecodeOptions decode;  // as the service decodes event photos (or selfies)
  bool selfies = false;         // FaceEngine::analyze_selfie, the service's selfie path
  std::filesystem::path cache;  // empty: no cache
  std::string pipeline;         // names the engine's configuration; a cache made by
                                // another pipeline is ignored (and rewritten)
  std::function<void(std::size_t done, std::size_t total)> progress;  // may be empty
};

// The samples of `files`, in order. Photos found in the cache (same pipeline, same path) are not
// analysed again; the others are analysed on options.threads threads and appended to the cache.
// A photo that fails to decode is a sample with `error` set, not a failure of the call.
// Errors: the factory's error; Errc::internal when the cache cannot be written.
Result<std::vector<PhotoSample>> analyse_photos(const std::vector<std::filesystem::path>& files,
                                                const image::ImageDecoder& decoder,
                                                const EngineFactory& make_engine,
                                                const AnalysisOptions& options);

}  // namespace findme::eval
