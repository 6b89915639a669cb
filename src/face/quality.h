// Per-face quality: how far a detected face can be trusted for matching. Pure functions over
// the analysed image's numbers and the aligned chip; no detector or model here.
#pragma once

#include "face/face_engine.h"
#include "image/image.h"

namespace findme::face {

// When a face stops being usable for matching. Measured on the package's six sample photos (22
// faces, 1920 px) by degrading them and comparing each face's descriptor with the original's
// (for scale: different people are >= 0.59 apart; the match threshold was 0.6 then, 0.55 now,
// domain/similarity.h):
//   - size: photos shrunk so that faces are 62-90 px drift 0.06-0.30 (median ~0.10); 52 px:
//     0.10-0.24; 36-44 px: 0.14-0.34 (median ~0.23). Below 48 px the drift eats too much margin.
//   - sharpness: unblurred faces score 33-542; a blur of ~1 px (sharpness 13-125) drifts
//     <= 0.25; blurs that bring sharpness under 10 drift 0.17-0.52 (median ~0.3).
//   - score: sample1's badge, the only non-face HOG returned at any working size, scored 0.01 at
//     full size; the weakest real face 0.39 (grey, 1280 px working size). SSD scores are
//     probabilities and start at its min_confidence 0.5: the weakest of the 22 sample faces scores
//     0.62 and of the 7 in selfie-many-people.jpg 0.63, while the partial faces (a chin, the
//     lower half of a face) that tile passes boxed while tiling was tuned scored 0.51-0.59.
inline constexpr float kMinHogScore = 0.25f;
inline constexpr float kMinSsdScore = 0.6f;

struct QualityThresholds {
  float min_size_px = 48;          // side of the (HOG-like) face box; below: "too_small"
  float min_sharpness = 10;        // Laplacian variance of the grey chip; below: "blurry"
  float min_score = kMinHogScore;  // detector score, on its own scale; below: "low_score"
};

// Variance of the 4-neighbour Laplacian of the chip's grey levels (0-255, ITU-R BT.601 luma),
// over the interior pixels. 0 for an image smaller than 3x3. Thread-safe (pure).
float laplacian_variance(const image::RgbImage& chip);

// Fills a FaceQuality. When several flags apply, `reason` names the first of too_small, blurry,
// low_score (the order in which they make a descriptor useless). Thread-safe (pure).
FaceQuality assess_quality(float size_px, float detector_score, float sharpness,
                           const QualityThresholds& thresholds);

}  // namespace findme::face
