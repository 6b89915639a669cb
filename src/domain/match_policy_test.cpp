#include "domain/match_policy.h"

#include <vector>

#include <gtest/gtest.h>

#include "domain/similarity.h"

namespace findme::domain {
namespace {

// A vector at `x` along axis `axis`: distances between such vectors are easy to reason about.
FaceVector at(float x, std::size_t axis = 0) {
  FaceVector v{};
  v[axis] = x;
  return v;
}

struct EventFaces {
  std::vector<float> values;
  std::vector<std::uint8_t> usable;
  void add(const FaceVector& v, bool is_usable = true) {
    values.insert(values.end(), v.begin(), v.end());
    usable.push_back(is_usable ? 1 : 0);
  }
  FaceMatrixView view() const { return {values, usable}; }
};

MatchPolicy raw_policy() {
  MatchPolicy p;
  p.cohort_size = 0;  // raw distances: these tests have few attendees
  return p;
}

TEST(MatchPolicyTest, BandsFollowTheDistances) {
  EventFaces event;
  event.add(at(0.30f));  // sure (< 0.40)
  event.add(at(0.50f));  // maybe (< 0.60)
  event.add(at(0.70f));  // not offered
  const FaceVector selfie = at(0.0f);
  MatchPolicy policy = raw_policy();
  policy.expansion_rounds = 0;  // the three faces lie 0.2 apart: expansion would chain them
  const std::vector<FaceDecision> d = decide_matches({&selfie, 1}, event.view(), {}, policy);
  ASSERT_EQ(d.size(), 2U);
  EXPECT_EQ(d[0].face, 0U);
  EXPECT_EQ(d[0].band, MatchBand::sure);
  EXPECT_EQ(d[1].face, 1U);
  EXPECT_EQ(d[1].band, MatchBand::maybe);
  EXPECT_NEAR(d[1].distance, 0.50f, 1e-5f);
}

TEST(MatchPolicyTest, AFaceNearerToAnotherAttendeeIsNotOffered) {
  EventFaces event;
  event.add(at(0.30f));
  const FaceVector selfie = at(0.0f);
  const FaceVector rival = at(0.25f);  // 0.05 from the face
  EXPECT_TRUE(decide_matches({&selfie, 1}, event.view(), {&rival, 1}, raw_policy()).empty());
  const FaceVector far_rival = at(1.0f);
  EXPECT_EQ(decide_matches({&selfie, 1}, event.view(), {&far_rival, 1}, raw_policy()).size(), 1U);
}

TEST(MatchPolicyTest, UnusableFacesNeedSmallerDistances) {
  EventFaces event;
  event.add(at(0.35f), /*is_usable=*/false);  // over 0.8 x 0.40: maybe, not sure
  const FaceVector selfie = at(0.0f);
  const std::vector<FaceDecision> d = decide_matches({&selfie, 1}, event.view(), {}, raw_policy());
  ASSERT_EQ(d.size(), 1U);
  EXPECT_EQ(d[0].band, MatchBand::maybe);
}

TEST(MatchPolicyTest, SureFacesExpandToTheirNearNeighboursOnly) {
  EventFaces event;
  event.add(at(0.30f));  // sure from the selfie
  FaceVector chained = at(0.30f);
  chained[1] = 0.35f;  // 0.35 from the sure face (< 0.37), 0.46 from the selfie
  event.add(chained);
  FaceVector far = at(0.30f);
  far[2] = 0.45f;  // 0.45 from the sure face, 0.57 from the chained one, 0.54 from the selfie
  event.add(far);
  const FaceVector selfie = at(0.0f);
  MatchPolicy policy = raw_policy();
  const std::vector<FaceDecision> d = decide_matches({&selfie, 1}, event.view(), {}, policy);
  ASSERT_EQ(d.size(), 3U);
  EXPECT_EQ(d[1].band, MatchBand::sure);
  EXPECT_EQ(d[2].band, MatchBand::maybe);
  policy.expansion_rounds = 0;
  EXPECT_EQ(decide_matches({&selfie, 1}, event.view(), {}, policy)[1].band, MatchBand::maybe);
}

TEST(MatchPolicyTest, NormalisationAppliesOnlyWithAFullCohort) {
  EventFaces event;
  event.add(at(0.42f));  // over the raw sure distance
  const FaceVector selfie = at(0.0f);
  // Rivals all far away on other axes: the face stands out against the cohort.
  std::vector<FaceVector> rivals;
  for (std::size_t i = 0; i < 120; ++i) {
    rivals.push_back(at(1.0f + 0.001f * static_cast<float>(i % 7), 1 + i % 100));
  }
  MatchPolicy policy;  // cohort_size 100
  std::vector<FaceDecision> d = decide_matches({&selfie, 1}, event.view(), rivals, policy);
  ASSERT_EQ(d.size(), 1U);
  EXPECT_EQ(d[0].band, MatchBand::sure);
  rivals.resize(50);  // too few for a cohort: the raw distance decides
  d = decide_matches({&selfie, 1}, event.view(), rivals, policy);
  ASSERT_EQ(d.size(), 1U);
  EXPECT_EQ(d[0].band, MatchBand::maybe);
}

TEST(MatchPolicyTest, SelfiesAreAveragedAndConfirmedFacesKeptAsTheyAre) {
  const std::vector<FaceVector> selfies{at(0.2f, 0), at(0.2f, 1)};
  const std::vector<FaceVector> confirmed{at(0.9f, 2)};
  const std::vector<FaceVector> q = attendee_queries(selfies, confirmed);
  ASSERT_EQ(q.size(), 2U);
  FaceVector mean{};
  mean[0] = 0.1f;
  mean[1] = 0.1f;
  EXPECT_EQ(q[0], mean);
  EXPECT_EQ(q[1], confirmed[0]);
  EXPECT_EQ(attendee_queries({}, confirmed), confirmed);  // no selfie described yet
  EXPECT_EQ(attendee_queries(selfies, {}).size(), 1U);
}

TEST(MatchPolicyTest, TwoSelfiesMatchWhatTheyAgreeOnNotWhatEitherAloneIsNear) {
  // Selfies A = (0.5, 0) and B = (0, 0.5); their mean M = (0.25, 0.25). A stranger's face lies
  // 0.2 from A alone (0.41 from M); the attendee's own face lies 0.05 from M.
  FaceVector stranger = at(0.5f, 0);
  stranger[2] = 0.2f;
  FaceVector own = at(0.25f, 0);
  own[1] = 0.25f;
  own[2] = 0.05f;
  EventFaces event;
  event.add(stranger);
  event.add(own);
  const std::vector<FaceVector> selfies{at(0.5f, 0), at(0.5f, 1)};
  MatchPolicy policy = raw_policy();
  policy.expansion_rounds = 0;

  const std::vector<FaceVector> queries = attendee_queries(selfies, {});
  const std::vector<FaceDecision> d = decide_matches(queries, event.view(), {}, policy);
  ASSERT_EQ(d.size(), 2U);
  EXPECT_EQ(d[0].band, MatchBand::maybe);  // the stranger: asked about, never shown
  EXPECT_EQ(d[1].band, MatchBand::sure);   // the attendee
  // Each selfie as a query of its own would have shown the stranger's photo.
  EXPECT_EQ(decide_matches(selfies, event.view(), {}, policy)[0].band, MatchBand::sure);
}

TEST(MatchPolicyTest, ScaledPolicyKeepsTheDefaultsAtTheDefaultThreshold) {
  const MatchPolicy scaled = scaled_match_policy(kDefaultMatchThreshold);
  const MatchPolicy base = default_match_policy();
  EXPECT_FLOAT_EQ(scaled.sure_distance, base.sure_distance);
  EXPECT_FLOAT_EQ(scaled.maybe_distance, base.maybe_distance);
  EXPECT_FLOAT_EQ(scaled.sure_score, base.sure_score);
  EXPECT_GT(scaled_match_policy(0.6f).maybe_distance, base.maybe_distance);
}

}  // namespace
}  // namespace findme::domain
