// Face descriptors and the distance that says "same person or not".
#pragma once

#include <array>
#include <span>

namespace findme::face {

inline constexpr int kEmbeddingSize = 128;  // dlib's ResNet descriptor length
using Embedding = std::array<float, kEmbeddingSize>;

// Euclidean distance between two descriptors.
float distance(const Embedding& a, const Embedding& b);

}  // namespace findme::face
