#include "face/quality.h"

#include <cstddef>
#include <vector>

namespace findme::face {
namespace {

std::vector<float> grey_levels(const image::RgbImage& chip) {
  std::vector<float> grey(static_cast<std::size_t>(chip.width) *
                          static_cast<std::size_t>(chip.height));
  for (std::size_t i = 0; i < grey.size(); ++i) {
    const std::uint8_t* p = &chip.pixels[3 * i];
    grey[i] = 0.299f * static_cast<float>(p[0]) + 0.587f * static_cast<float>(p[1]) +
              0.114f * static_cast<float>(p[2]);
  }
  return grey;
}

}  // namespace

float laplacian_variance(const image::RgbImage& chip) {
  if (chip.width < 3 || chip.height < 3 || chip.pixels.size() < chip.byte_size()) {
    return 0;
  }
  const std::vector<float> grey = grey_levels(chip);
  const auto w = static_cast<std::size_t>(chip.width);
  const auto h = static_cast<std::size_t>(chip.height);
  // Sums in double: a chip has 22,500 values, and float sums of squares drift at that count.
  double sum = 0;
  double sum_sq = 0;
  for (std::size_t y = 1; y + 1 < h; ++y) {
    for (std::size_t x = 1; x + 1 < w; ++x) {
      const std::size_t i = y * w + x;
      const double lap =
          double{grey[i - 1]} + grey[i + 1] + grey[i - w] + grey[i + w] - 4.0 * grey[i];
      sum += lap;
      sum_sq += lap * lap;
    }
  }
  const double n = static_cast<double>((w - 2) * (h - 2));
  const double mean = sum / n;
  return static_cast<float>(sum_sq / n - mean * mean);
}

FaceQuality assess_quality(float size_px, float detector_score, float sharpness,
                           const QualityThresholds& thresholds) {
  FaceQuality quality{.size_px = size_px, .detector_score = detector_score, .sharpness = sharpness};
  if (size_px < thresholds.min_size_px) {
    quality.reason = "too_small";
  } else if (sharpness < thresholds.min_sharpness) {
    quality.reason = "blurry";
  } else if (detector_score < thresholds.min_score) {
    quality.reason = "low_score";
  }
  quality.usable = quality.reason[0] == '\0';
  return quality;
}

}  // namespace findme::face
