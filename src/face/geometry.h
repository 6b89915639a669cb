// Plain geometry shared by detectors, landmarks and the engine's results.
#pragma once

#include <algorithm>

namespace findme::face {

struct Point {
  float x = 0;
  float y = 0;
};

// Axis-aligned box in the pixel coordinates of the image given to the engine.
struct Box {
  float x = 0;
  float y = 0;
  float width = 0;
  float height = 0;
};

inline float area(const Box& b) { return b.width * b.height; }

// The area two boxes share (0 when apart).
inline float intersection(const Box& a, const Box& b) {
  const float w = std::min(a.x + a.width, b.x + b.width) - std::max(a.x, b.x);
  const float h = std::min(a.y + a.height, b.y + b.height) - std::max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0.0f;
}

}  // namespace findme::face
