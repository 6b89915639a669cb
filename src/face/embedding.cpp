#include "face/embedding.h"

#include <cmath>
#include <cstddef>

namespace findme::face {

float distance(const Embedding& a, const Embedding& b) {
  float sum = 0.0f;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const float d = a[i] - b[i];
    sum += d * d;
  }
  return std::sqrt(sum);
}

}  // namespace findme::face
