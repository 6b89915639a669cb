#include "domain/similarity.h"

#include <gtest/gtest.h>

namespace findme::domain {
namespace {

TEST(SimilarityTest, OneAtZeroHalfAtThresholdZeroAtTwiceThreshold) {
  EXPECT_FLOAT_EQ(similarity(0.0f, 0.6f), 1.0f);
  EXPECT_FLOAT_EQ(similarity(0.6f, 0.6f), 0.5f);
  EXPECT_FLOAT_EQ(similarity(1.2f, 0.6f), 0.0f);
  EXPECT_FLOAT_EQ(similarity(0.3f, 0.6f), 0.75f);
}

TEST(SimilarityTest, ClampedToUnitInterval) {
  EXPECT_FLOAT_EQ(similarity(5.0f, 0.6f), 0.0f);
  EXPECT_FLOAT_EQ(similarity(-0.1f, 0.6f), 1.0f);
}

TEST(SimilarityTest, StrictlyDecreasingBetweenZeroAndTwiceThreshold) {
  float previous = 2.0f;
  for (float d = 0.0f; d < 1.19f; d += 0.01f) {
    const float s = similarity(d, 0.6f);
    EXPECT_LT(s, previous) << "at distance " << d;
    previous = s;
  }
}

TEST(SimilarityTest, UnusableFacesGetAStricterThreshold) {
  EXPECT_FLOAT_EQ(match_threshold_for(0.6f, true), 0.6f);
  EXPECT_FLOAT_EQ(match_threshold_for(0.6f, false), 0.48f);
}

}  // namespace
}  // namespace findme::domain
