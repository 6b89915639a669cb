// How face distances become match decisions and the contract's `similarity` score.
#pragma once

namespace findme::domain {

// dlib's ResNet was trained so that two faces of one person are under 0.6 apart (FACE-NOTES: at
// 0.6, TAR 99.3 % and FAR 0.24 % on the developer set). MATCH_THRESHOLD overrides it.
inline constexpr float kDefaultMatchThreshold = 0.6f;

// Faces flagged unusable (small, blurred or low detector score) give noisier descriptors, so
// they match only under this fraction of the threshold: 0.48 at 0.6, where FACE-NOTES measured no
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

}  // namespace findme::domain
