// Photo -> faces -> descriptors: the face pipeline every feature of findme rests on. An
// implementation finds the faces, places 68 landmarks on each, cuts an aligned chip and describes
// it with a 128-value descriptor; which detector, landmarker and network it uses is its own
// business (docs/detection.md and docs/alignment.md say what the service runs and why).
#pragma once

#include <vector>

#include "core/result.h"
#include "face/embedding.h"
#include "face/geometry.h"
#include "image/image.h"

namespace findme::face {

// How trustworthy a face is for matching. `usable` is false for faces too small or too
// blurred to match reliably; `reason` then says which ("too_small", "blurry", "low_score").
struct FaceQuality {
  float size_px = 0;         // side of the detection box in the analysed image's pixels
  float detector_score = 0;  // the detector's own confidence
  float sharpness = 0;       // variance of the Laplacian of the aligned chip (grey, 0-255)
  bool usable = true;
  const char* reason = "";  // static string, empty when usable
};

struct Face {
  Box box;                       // in the analysed image's pixel coordinates
  std::vector<Point> landmarks;  // 68 points, dlib/iBUG order
  FaceQuality quality;
  Embedding embedding{};
};

struct StageTimings {
  double detect_ms = 0;
  double landmarks_ms = 0;
  double embed_ms = 0;  // all faces of the image together
};

struct FaceAnalysis {
  std::vector<Face> faces;  // largest first
  StageTimings timings;
};

// One per worker thread: implementations hold per-call network and detector state. Construct all
// of a process's engines from one loaded model set so that weights are read from disk once.
class FaceEngine {
 public:
  virtual ~FaceEngine() = default;

  // Finds, aligns and describes every face. No face is an empty list, not an error.
  // Errors: Errc::internal when the network fails.
  virtual Result<FaceAnalysis> analyze(const image::RgbImage& image) = 0;

  // As analyze(), for a selfie (the person holding the camera is the largest face): the
  // detector may take its cheaper close-face path. By default, analyze().
  virtual Result<FaceAnalysis> analyze_selfie(const image::RgbImage& image) {
    return analyze(image);
  }
};

}  // namespace findme::face
