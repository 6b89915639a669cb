// Shared by the accuracy tests: one face engine per test binary, photos decoded the way the
// service decodes them, and the labelled photos of shared/testdata/faces analysed once.
// Header-only test code. Not thread-safe: the accuracy tests run on one thread.
#pragma once

#include <cstddef>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "face/face_engine.h"
#include "face/local/face_models.h"
#include "face/local/test_photos.h"
#include "image/image.h"

namespace findme::accuracy {

// Photos are decoded to this longer side before analysis, as domain::JobRunnerOptions'
// detect_long_side does for event photos.
inline constexpr int kPhotoLongSide = 1920;

inline std::string faces_dir() { return std::string(FINDME_TESTDATA_DIR) + "/faces"; }

// The process's engine, built on first use; null (with the reason in *error) when the models
// cannot load. Lives until exit.
inline face::FaceEngine* engine(std::string* error = nullptr) {
  static std::string failure;
  static const std::unique_ptr<face::FaceEngine> instance = []() {
    Result<face::local::FaceModels> models =
        face::local::FaceModels::load(face::local::testing::default_model_options());
    if (!models) {
      failure = models.error().message;
      return std::unique_ptr<face::FaceEngine>();
    }
    Result<std::unique_ptr<face::FaceEngine>> made = models->make_engine();
    if (!made) {
      failure = made.error().message;
      return std::unique_ptr<face::FaceEngine>();
    }
    return std::move(made).value();
  }();
  if (error != nullptr) {
    *error = failure;
  }
  return instance.get();
}

// An image and the faces the engine found in it (largest first), or why there are none.
struct Analysed {
  image::RgbImage image;
  std::vector<face::Face> faces;
  std::string error;  // decode or engine failure; empty when the photo was analysed
};

// Decodes `bytes` (any supported format, EXIF orientation applied) at kPhotoLongSide and
// analyses the result.
inline Analysed analyse_bytes(const std::string& bytes) {
  Analysed out;
  Result<image::RgbImage> decoded = face::local::testing::decode(bytes, kPhotoLongSide);
  if (!decoded) {
    out.error = "decode: " + decoded.error().message;
    return out;
  }
  out.image = std::move(decoded).value();
  std::string why;
  face::FaceEngine* e = engine(&why);
  if (e == nullptr) {
    out.error = "models: " + why;
    return out;
  }
  Result<face::FaceAnalysis> analysis = e->analyze(out.image);
  if (!analysis) {
    out.error = "analyze: " + analysis.error().message;
    return out;
  }
  out.faces = std::move(analysis->faces);
  return out;
}

// One labelled single-person photo and its largest face.
struct Portrait {
  std::string file;
  std::string identity;
  std::optional<face::Face> face;  // nullopt: no face found (a detection miss) or `error`
  int face_count = 0;              // every face the engine found, background ones included
  std::string error;
};

struct Pair {
  std::size_t a = 0;  // indices into LabelledSet::portraits
  std::size_t b = 0;
  bool same = false;
};

struct LabelledSet {
  std::string error;  // manifest unreadable; everything else is empty then
  std::vector<Portrait> portraits;
  std::vector<Pair> pairs;      // the source repository's 520 labelled pairs
  std::vector<Pair> pairs_all;  // every pair of the 61 labelled photos (1830)
};

namespace detail {

inline std::vector<Pair> read_pairs(const nlohmann::json& list,
                                    const std::vector<Portrait>& portraits, std::string& error) {
  const auto index_of = [&](const std::string& file) {
    for (std::size_t i = 0; i < portraits.size(); ++i) {
      if (portraits[i].file == file) {
        return i;
      }
    }
    error = "pair names an unknown photo: " + file;
    return std::size_t{0};
  };
  std::vector<Pair> pairs;
  for (const nlohmann::json& p : list) {
    pairs.push_back({index_of(p.at("a").get<std::string>()), index_of(p.at("b").get<std::string>()),
                     p.at("same").get<bool>()});
  }
  return pairs;
}

inline nlohmann::json read_manifest() {
  std::ifstream in(faces_dir() + "/manifest.json");
  return nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
}

}  // namespace detail

// shared/testdata/faces/manifest.json, read once; discarded (is_discarded()) when unreadable.
inline const nlohmann::json& manifest() {
  static const nlohmann::json kManifest = detail::read_manifest();
  return kManifest;
}

// The manifest's identity of a labelled portrait, or `file` itself when it has none.
inline std::string identity_of(const std::string& file) {
  if (!manifest().is_discarded()) {
    for (const nlohmann::json& entry : manifest().at("images")) {
      if (entry.at("file") == file) {
        return entry.at("identity").get<std::string>();
      }
    }
  }
  return file;
}

namespace detail {

inline LabelledSet load_labelled_set() {
  LabelledSet set;
  if (manifest().is_discarded()) {
    set.error = "cannot read " + faces_dir() + "/manifest.json";
    return set;
  }
  for (const nlohmann::json& entry : manifest().at("images")) {
    Portrait p{.file = entry.at("file").get<std::string>(),
               .identity = entry.at("identity").get<std::string>()};
    Analysed a = analyse_bytes(face::local::testing::read_file(faces_dir() + "/" + p.file));
    p.error = std::move(a.error);
    p.face_count = static_cast<int>(a.faces.size());
    if (!a.faces.empty()) {
      p.face = std::move(a.faces.front());
    }
    set.portraits.push_back(std::move(p));
  }
  set.pairs = read_pairs(manifest().at("pairs"), set.portraits, set.error);
  set.pairs_all = read_pairs(manifest().at("pairs_all"), set.portraits, set.error);
  return set;
}

}  // namespace detail

// The 62 labelled portraits, each analysed once per process (~15 s in a release build, ~3 min
// under ASan). ctest runs each TEST in its own process, so tests that need this are few.
inline const LabelledSet& labelled_set() {
  static const LabelledSet set = detail::load_labelled_set();
  return set;
}

}  // namespace findme::accuracy
