#include "domain/selfie_face.h"

#include <algorithm>
#include <utility>

#include "core/stopwatch.h"

namespace findme::domain {
namespace {

int long_side(int width, int height) { return std::max(width, height); }

// One decode and analysis, added to `out`; the decoded long side and the original's.
struct Pass {
  int decoded = 0;
  int original = 0;
};

Result<Pass> decode_and_analyse(std::span<const std::byte> bytes,
                                const image::ImageDecoder& decoder, face::FaceEngine& engine,
                                const image::DecodeOptions& decode, SelfieFace& out) {
  Stopwatch watch;
  Result<image::DecodedImage> decoded = decoder.decode(bytes, decode);
  out.decode_ms += watch.elapsed_ms();
  ++out.decodes;
  if (!decoded) {
    return decoded.error();
  }
  Result<face::FaceAnalysis> analysis = engine.analyze_selfie(decoded->image);
  if (!analysis) {
    return analysis.error();
  }
  out.timings.detect_ms += analysis->timings.detect_ms;
  out.timings.landmarks_ms += analysis->timings.landmarks_ms;
  out.timings.embed_ms += analysis->timings.embed_ms;
  out.faces = static_cast<int>(analysis->faces.size());
  // Faces come largest first: the first usable one is the person holding the camera.
  auto face = std::find_if(analysis->faces.begin(), analysis->faces.end(),
                           [](const face::Face& f) { return f.quality.usable; });
  out.face.reset();
  if (face != analysis->faces.end()) {
    out.face = *face;
  }
  const Pass pass{long_side(decoded->image.width, decoded->image.height),
                  long_side(decoded->original.width, decoded->original.height)};
  out.decoded = std::move(*decoded);
  out.analysis = std::move(*analysis);
  return pass;
}

}  // namespace

Result<SelfieFace> find_selfie_face(std::span<const std::byte> bytes,
                                    const image::ImageDecoder& decoder, face::FaceEngine& engine,
                                    const SelfieDecodeOptions& options) {
  SelfieFace out;
  image::DecodeOptions cheap = options.decode;
  cheap.max_long_side = 0;
  cheap.min_long_side = options.first_min_long_side;
  Result<Pass> first = decode_and_analyse(bytes, decoder, engine, cheap, out);
  if (!first) {
    return first.error();
  }
  // Decoding again helps only when it gives more pixels than the first decode had.
  const int second_long = options.max_long_side > 0
                              ? std::min(first->original, options.max_long_side)
                              : first->original;
  const bool larger = first->decoded < second_long;
  const bool enough = out.face && out.face->quality.size_px >= options.min_face_px;
  if (enough || !larger) {
    return out;
  }
  image::DecodeOptions full = options.decode;
  full.min_long_side = 0;
  full.max_long_side = options.max_long_side;
  Result<Pass> second = decode_and_analyse(bytes, decoder, engine, full, out);
  if (!second) {
    return second.error();
  }
  return out;
}

}  // namespace findme::domain
