// Plain geometry shared by detectors, landmarks and the engine's results.
#pragma once

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

}  // namespace findme::face
