// Per-face quality: how far a detected face can be trusted for matching. Pure functions over
// the analysed image's numbers and the aligned chip; no detector or model here.
#pragma once

#include "face/face_engine.h"
#include "image/image.h"

namespace findme::face {

// When a face stops being usable for matching. The defaults come from measurements on the
// package's six sample photos and shared/testdata/faces (see quality.cpp for the figures).
struct QualityThresholds {
  float min_size_px = 60;    // box side in the analysed image; below: "too_small"
  float min_sharpness = 40;  // Laplacian variance of the grey chip; below: "blurry"
  float min_score = 0.25f;   // HOG detector score; below: "low_score"
};

// Variance of the 4-neighbour Laplacian of the chip's grey levels (0-255, ITU-R BT.601 luma),
// over the interior pixels. 0 for an image smaller than 3x3. Thread-safe (pure).
float laplacian_variance(const image::RgbImage& chip);

// Fills a FaceQuality. When several flags apply, `reason` names the first of too_small, blurry,
// low_score (the order in which they make a descriptor useless). Thread-safe (pure).
FaceQuality assess_quality(float size_px, float detector_score, float sharpness,
                           const QualityThresholds& thresholds);

}  // namespace findme::face
