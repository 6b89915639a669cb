#include "domain/similarity.h"

#include <algorithm>

namespace findme::domain {

float similarity(float distance, float threshold) {
  // Linear rather than a sigmoid: the score is for ordering and display, and a straight line
  // keeps "0.5 means exactly at the threshold" easy to explain.
  const float score = 1.0f - distance / (2.0f * threshold);
  return std::clamp(score, 0.0f, 1.0f);
}

float similarity_percent(float distance, float sure_distance) {
  return std::clamp(100.0f - 20.0f * distance / sure_distance, 0.0f, 100.0f);
}

}  // namespace findme::domain
