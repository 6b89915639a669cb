// A selfie's face from the cheapest decode that serves matching: most selfies are one large face,
// so the selfie is first decoded at the loader's cheapest shrink (a 12 MP JPEG straight to 1/8),
// and decoded again at the full selfie size only when that shows no face as large as matching
// needs.
#pragma once

#include <optional>
#include <span>

#include "core/result.h"
#include "face/face_engine.h"
#include "image/image_decoder.h"

namespace findme::domain {

struct SelfieDecodeOptions {
  image::DecodeOptions decode;  // max_pixels; its long-side fields are set from the two below
  // The first decode: the loader's cheapest shrink that keeps the longer side at least this
  // (DecodeOptions::min_long_side). Images this small or smaller decode at full size, as before.
  int first_min_long_side = 320;
  // The largest a selfie is decoded (the second decode, and the only one before issue #14).
  int max_long_side = 1280;
  // The first decode's face is used when it is at least this large (FaceQuality::size_px): the
  // faces of lfw-dev's 250 px photos, on which docs/accuracy.md measures matching, are 100-125 px
  // (`findme faces`), so a face this large is described as well as those.
  float min_face_px = 112;
};

struct SelfieFace {
  std::optional<face::Face> face;  // the first usable face (largest first); nullopt: none
  int faces = 0;                   // faces found in the decode that was used
  image::DecodedImage decoded;     // the decode that was used
  face::FaceAnalysis analysis;     // its analysis: every face, largest first
  int decodes = 0;                 // 1, or 2 when the selfie was decoded again
  double decode_ms = 0;            // both decodes
  face::StageTimings timings;      // both analyses
};

// Decodes `bytes` and finds the selfie's face (FaceEngine::analyze_selfie) as described above.
// `decoder` and `engine` are used on the calling thread only. Errors: the decoder's
// (Errc::invalid_image, unsupported_media_type) and the engine's (Errc::internal).
Result<SelfieFace> find_selfie_face(std::span<const std::byte> bytes,
                                    const image::ImageDecoder& decoder, face::FaceEngine& engine,
                                    const SelfieDecodeOptions& options);

}  // namespace findme::domain
