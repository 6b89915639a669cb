// Aligned face chip -> 128-number descriptor, comparable by euclidean distance.
#pragma once

#include <span>
#include <vector>

#include "core/result.h"
#include "face/embedding.h"
#include "image/image.h"

namespace findme::face {

inline constexpr int kChipSize = 150;         // the ResNet's input side, in pixels
inline constexpr double kChipPadding = 0.25;  // dlib's padding around the 68-point face box

// One per worker thread: an OpenCV net is not thread-safe.
class FaceEmbedder {
 public:
  virtual ~FaceEmbedder() = default;

  // One descriptor per chip, in order. Every chip must be kChipSize x kChipSize RGB, as cut by
  // the aligner; others give Errc::internal. A chip's descriptor does not depend on the other
  // chips of the call (implementations may batch them as they see fit).
  virtual Result<std::vector<Embedding>> embed(std::span<const image::RgbImage> chips) = 0;
};

}  // namespace findme::face
