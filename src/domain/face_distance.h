// The squared euclidean distance between two face vectors, shared by the matching code.
#pragma once

#include <array>
#include <cstddef>

#include "core/entities.h"

namespace findme::domain {

// Eight independent partial sums let the compiler vectorise the loop without -ffast-math
// (a single float accumulator forbids reordering the additions). Thread-safe (pure).
inline float squared_distance(const float* a, const float* b) {
  std::array<float, 8> sums{};
  for (std::size_t i = 0; i < kFaceVectorSize; i += 8) {
    for (std::size_t k = 0; k < 8; ++k) {
      const float d = a[i + k] - b[i + k];
      sums[k] += d * d;
    }
  }
  return ((sums[0] + sums[1]) + (sums[2] + sums[3])) + ((sums[4] + sums[5]) + (sums[6] + sums[7]));
}

}  // namespace findme::domain
