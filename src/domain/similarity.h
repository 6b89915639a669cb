// How face distances become match decisions and the contract's `similarity` score.
#pragma once

namespace findme::domain {

// dlib's ResNet was trained for 0.6; findme uses 0.55 (docs/accuracy.md): on the labelled
// portraits it halves false accepts (0.24 % -> 0.12 % of 1690 different pairs) for 1.4 points of
// true accepts (99.3 % -> 97.9 %), and a false accept shows someone a stranger's photo.
// MATCH_THRESHOLD overrides it.
inline constexpr float kDefaultMatchThreshold = 0.55f;

// Faces flagged unusable (small, blurred or low detector score) give noisier descriptors, so
// they match only under this fraction of the threshold: 0.44 at 0.55, where FACE-NOTES measured no
// false accept. They stay findable, but a blurry stranger in the background cannot slip in.
inline constexpr float kUnusableThresholdFactor = 0.8f;

// The distance under which a face matches: `threshold` for usable faces, the stricter
// kUnusableThresholdFactor * threshold for unusable ones.
constexpr float match_threshold_for(float threshold, bool usable) {
  return usable ? threshold : threshold * kUnusableThresholdFactor;
}

// Maps a face distance to API.md's `similarity` in [0, 1]: linear, 1 at distance 0, 0.5 at the
// threshold, 0 at twice the threshold and beyond; strictly decreasing in between. So a user-facing
// score over 0.5 always means "under the threshold". REQUIRES: threshold > 0.
float similarity(float distance, float threshold);

// The Rekognition-compatible API's similarity in percent (docs/rekognition.md): 100 at distance
// 0, 80 at sure_distance (MatchPolicy::sure_distance: Rekognition's default threshold of 80 is
// findme's sure decision), falling by 20 points per sure_distance, 0 from 5 x sure_distance on.
// REQUIRES: sure_distance > 0.
float similarity_percent(float distance, float sure_distance);

}  // namespace findme::domain
