// Test doubles for the job pipeline: an image decoder for tiny "FAKE:" files and a face engine
// that returns scripted faces per image tag. Header-only; tests only.
#pragma once

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/entities.h"
#include "core/mutex.h"
#include "face/face_engine.h"
#include "image/image_decoder.h"

namespace findme::domain::testing {

// The bytes of a fake image: "FAKE:<tag>:<width>x<height>". The tag survives decoding (it is
// written into the first pixels) so that FakeFaceEngine can tell images apart.
inline std::string fake_image(std::string_view tag, int width = 64, int height = 48) {
  return "FAKE:" + std::string(tag) + ":" + std::to_string(width) + "x" + std::to_string(height);
}

// Thread-safe. Decodes fake_image() bytes; "BAD..." is a corrupt image (invalid_image), anything
// else is not an image (unsupported_media_type). Honours max_long_side and min_long_side like the
// real decoder (halving, as the JPEG loader's DCT scaling).
class FakeImageDecoder final : public image::ImageDecoder {
 public:
  Result<image::ImageInfo> probe(std::span<const std::byte> bytes,
                                 const image::DecodeOptions& options) const override {
    Result<Parsed> parsed = parse(bytes, options);
    if (!parsed) {
      return parsed.error();
    }
    return image::ImageInfo{image::ImageFormat::jpeg, parsed->width, parsed->height};
  }

  Result<image::DecodedImage> decode(std::span<const std::byte> bytes,
                                     const image::DecodeOptions& options) const override {
    Result<Parsed> parsed = parse(bytes, options);
    if (!parsed) {
      return parsed.error();
    }
    image::DecodedImage out;
    out.original = {image::ImageFormat::jpeg, parsed->width, parsed->height};
    const int long_side = std::max(parsed->width, parsed->height);
    int divisor = 1;
    while (options.max_long_side > 0 && long_side / divisor > options.max_long_side) {
      divisor *= 2;
    }
    while (options.min_long_side > 0 && divisor < 8 &&
           long_side / (divisor * 2) >= options.min_long_side) {
      divisor *= 2;
    }
    out.image.width = parsed->width / divisor;
    out.image.height = parsed->height / divisor;
    out.image.pixels.assign(out.image.byte_size(), 0);
    std::copy_n(parsed->tag.begin(), std::min(parsed->tag.size(), out.image.pixels.size() - 1),
                out.image.pixels.begin());
    return out;
  }

  Result<std::string> thumbnail_jpeg(std::span<const std::byte> bytes, int long_side,
                                     const image::DecodeOptions& options) const override {
    Result<Parsed> parsed = parse(bytes, options);
    if (!parsed) {
      return parsed.error();
    }
    return "THUMB:" + parsed->tag + ":" + std::to_string(long_side);
  }

  // "THUMB:<tag>:<long_side>" as thumbnail_jpeg() for the file `image` was decoded from.
  Result<std::string> encode_thumbnail_jpeg(const image::RgbImage& image,
                                            int long_side) const override {
    if (long_side <= 0 || image.empty() || image.pixels.size() < image.byte_size()) {
      return make_error(Errc::invalid_request, "empty image");
    }
    const auto* begin = reinterpret_cast<const char*>(image.pixels.data());
    return "THUMB:" + std::string(begin, strnlen(begin, image.pixels.size())) + ":" +
           std::to_string(long_side);
  }

  // "CROP:<tag>:<x>,<y>,<width>x<height>:<long_side>", the region clamped to the image.
  Result<std::string> crop_jpeg(std::span<const std::byte> bytes, const image::PixelRect& region,
                                int long_side, const image::DecodeOptions& options) const override {
    Result<Parsed> parsed = parse(bytes, options);
    if (!parsed) {
      return parsed.error();
    }
    const int x0 = std::clamp(region.x, 0, parsed->width);
    const int y0 = std::clamp(region.y, 0, parsed->height);
    const int x1 = std::clamp(region.x + region.width, 0, parsed->width);
    const int y1 = std::clamp(region.y + region.height, 0, parsed->height);
    if (long_side <= 0 || x1 <= x0 || y1 <= y0) {
      return make_error(Errc::invalid_request, "the crop region is outside the image");
    }
    return "CROP:" + parsed->tag + ":" + std::to_string(x0) + "," + std::to_string(y0) + "," +
           std::to_string(x1 - x0) + "x" + std::to_string(y1 - y0) + ":" +
           std::to_string(long_side);
  }

 private:
  struct Parsed {
    std::string tag;
    int width = 0;
    int height = 0;
  };

  static Result<Parsed> parse(std::span<const std::byte> bytes,
                              const image::DecodeOptions& options) {
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    if (text.starts_with("BAD")) {
      return make_error(Errc::invalid_image, "The image is corrupt.");
    }
    const std::size_t colon = text.rfind(':');
    const std::size_t x = text.rfind('x');
    if (!text.starts_with("FAKE:") || colon < 5 || x == std::string_view::npos || x < colon) {
      return make_error(Errc::unsupported_media_type, "Not an image.");
    }
    Parsed parsed{std::string(text.substr(5, colon - 5)), 0, 0};
    std::from_chars(text.data() + colon + 1, text.data() + x, parsed.width);
    std::from_chars(text.data() + x + 1, text.data() + text.size(), parsed.height);
    if (parsed.width <= 0 || parsed.height <= 0 ||
        static_cast<std::int64_t>(parsed.width) * parsed.height > options.max_pixels) {
      return make_error(Errc::invalid_image, "The image is too large or corrupt.");
    }
    return parsed;
  }
};

// An embedding on one axis: people with different axes are sqrt(2) apart; `shift` moves it
// towards axis+1, so fake_embedding(3, 0.2f) is ~0.2 away from fake_embedding(3).
inline FaceVector fake_embedding(std::size_t axis, float shift = 0.0f) {
  FaceVector v{};
  v[axis % kFaceVectorSize] = 1.0f;
  v[(axis + 1) % kFaceVectorSize] = shift;
  return v;
}

inline face::Face fake_face(const FaceVector& embedding, bool usable = true, float size = 20) {
  face::Face f;
  f.box = {4, 4, size, size};
  f.quality.size_px = size;
  f.quality.detector_score = 0.9f;
  f.quality.usable = usable;
  f.quality.reason = usable ? "" : "blurry";
  f.embedding = embedding;
  return f;
}

// Thread-safe. What each tag "contains", and which tags were analysed in which order (shared by
// every FakeFaceEngine made from it, so a test sees the order across workers).
class FaceScript {
 public:
  void set(const std::string& tag, std::vector<face::Face> faces) {
    MutexLock lock(mu_);
    faces_[tag] = std::move(faces);
  }
  void fail(const std::string& tag, Errc code) {
    MutexLock lock(mu_);
    failures_[tag] = code;
  }
  std::vector<std::string> calls() const {
    MutexLock lock(mu_);
    return calls_;
  }
  std::size_t count(const std::string& tag) const {
    MutexLock lock(mu_);
    return static_cast<std::size_t>(std::count(calls_.begin(), calls_.end(), tag));
  }

  // analyze(tag) blocks until release(): a job that is "still running" for as long as a test
  // needs, without sleeping.
  void hold(const std::string& tag) {
    MutexLock lock(mu_);
    held_ = tag;
  }
  void release() {
    {
      MutexLock lock(mu_);
      held_.clear();
    }
    cv_.notify_all();
  }
  // Blocks until analyze(tag) has been called.
  void wait_for_call(const std::string& tag) {
    MutexLock lock(mu_);
    while (std::find(calls_.begin(), calls_.end(), tag) == calls_.end()) lock.wait(cv_);
  }

  Result<face::FaceAnalysis> analyze(const std::string& tag) {
    MutexLock lock(mu_);
    calls_.push_back(tag);
    cv_.notify_all();
    while (held_ == tag) lock.wait(cv_);
    if (auto failure = failures_.find(tag); failure != failures_.end()) {
      return make_error(failure->second, "scripted failure");
    }
    face::FaceAnalysis analysis;
    if (auto it = faces_.find(tag); it != faces_.end()) {
      analysis.faces = it->second;
    }
    analysis.timings = {2.0, 1.0, 3.0 * static_cast<double>(analysis.faces.size())};
    return analysis;
  }

 private:
  mutable Mutex mu_;
  std::map<std::string, std::vector<face::Face>> faces_ FINDME_GUARDED_BY(mu_);
  std::map<std::string, Errc> failures_ FINDME_GUARDED_BY(mu_);
  std::vector<std::string> calls_ FINDME_GUARDED_BY(mu_);
  std::string held_ FINDME_GUARDED_BY(mu_);
  std::condition_variable cv_;
};

// One per worker, like the real engine; reads the tag FakeImageDecoder wrote into the pixels.
class FakeFaceEngine final : public face::FaceEngine {
 public:
  explicit FakeFaceEngine(FaceScript& script) : script_(script) {}

  Result<face::FaceAnalysis> analyze(const image::RgbImage& image) override {
    const auto* begin = reinterpret_cast<const char*>(image.pixels.data());
    const std::string tag(begin, strnlen(begin, image.pixels.size()));
    return script_.analyze(tag);
  }

 private:
  FaceScript& script_;
};

}  // namespace findme::domain::testing
