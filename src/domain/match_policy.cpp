#include "domain/match_policy.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "domain/face_distance.h"
#include "domain/similarity.h"

namespace findme::domain {
namespace {

constexpr float kFar = std::numeric_limits<float>::max();

const float* row(const FaceMatrixView& m, std::size_t i) {
  return m.values.data() + i * kFaceVectorSize;
}

float distance(const float* a, const float* b) { return std::sqrt(squared_distance(a, b)); }

float limit(float distance, bool usable) { return match_threshold_for(distance, usable); }

// Mean and spread of the `k` smallest distances from `probe` to `cohort`.
struct CohortStats {
  float mean = 0;
  float spread = 1;
};

CohortStats cohort_stats(const float* probe, std::span<const FaceVector> cohort, std::size_t k,
                         std::vector<float>& scratch) {
  scratch.clear();
  for (const FaceVector& c : cohort) {
    scratch.push_back(distance(probe, c.data()));
  }
  k = std::min(k, scratch.size());
  std::nth_element(scratch.begin(), scratch.begin() + static_cast<std::ptrdiff_t>(k - 1),
                   scratch.end());
  double sum = 0;
  double sum2 = 0;
  for (std::size_t i = 0; i < k; ++i) {
    sum += scratch[i];
    sum2 += static_cast<double>(scratch[i]) * scratch[i];
  }
  const double mean = sum / static_cast<double>(k);
  const double variance = std::max(0.0, sum2 / static_cast<double>(k) - mean * mean);
  return {static_cast<float>(mean), static_cast<float>(std::sqrt(variance)) + 1e-6f};
}

}  // namespace

MatchPolicy default_match_policy() { return MatchPolicy{}; }

MatchPolicy scaled_match_policy(float match_threshold) {
  MatchPolicy p;
  const float scale = match_threshold / kDefaultMatchThreshold;
  p.sure_distance *= scale;
  p.maybe_distance *= scale;
  p.expansion_distance *= scale;
  // A standardised score moves by about 1 per 0.02 of distance near the cut (lfw-dev), so a
  // threshold 0.05 larger loosens the score cut by ~2.5.
  p.sure_score += (match_threshold - kDefaultMatchThreshold) / 0.02f;
  return p;
}

std::vector<FaceVector> attendee_queries(std::span<const FaceVector> selfies,
                                         std::span<const FaceVector> confirmed_faces) {
  std::vector<FaceVector> queries;
  queries.reserve(1 + confirmed_faces.size());
  if (!selfies.empty()) {
    FaceVector mean{};
    for (const FaceVector& selfie : selfies) {
      for (std::size_t j = 0; j < kFaceVectorSize; ++j) {
        mean[j] += selfie[j];
      }
    }
    const auto n = static_cast<float>(selfies.size());
    for (float& v : mean) {
      v /= n;
    }
    queries.push_back(mean);
  }
  queries.insert(queries.end(), confirmed_faces.begin(), confirmed_faces.end());
  return queries;
}

// Why expansion: on lfw-dev the photos of one person are nearer to each other than to the one
// selfie, so sure faces used as further queries raise recall at the same share of attendees shown
// a stranger (docs/accuracy.md). Competition is checked with the effective distance, so a face
// reached through expansion still goes to a nearer rival instead.
std::vector<FaceDecision> decide_matches(std::span<const FaceVector> queries,
                                         const FaceMatrixView& event,
                                         std::span<const FaceVector> rivals,
                                         const MatchPolicy& policy) {
  const std::size_t n = event.size();
  std::vector<float> effective(n, kFar);
  std::vector<std::size_t> nearest_query(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t q = 0; q < queries.size(); ++q) {
      const float d = distance(queries[q].data(), row(event, i));
      if (d < effective[i]) {
        effective[i] = d;
        nearest_query[i] = q;
      }
    }
  }
  const std::vector<float> direct = effective;
  // Everything below concerns candidates only (under the maybe distance of some query or sure
  // face), so rivals and cohorts cost a few distances per candidate, not per face of the event.
  std::vector<float> rival(n, -1.0f);
  const auto rival_distance = [&](std::size_t i) {
    if (rival[i] < 0) {
      rival[i] = kFar;
      for (const FaceVector& r : rivals) {
        rival[i] = std::min(rival[i], distance(r.data(), row(event, i)));
      }
    }
    return rival[i];
  };
  const bool normalise =
      policy.cohort_size > 0 && rivals.size() >= static_cast<std::size_t>(policy.cohort_size);
  const auto k = static_cast<std::size_t>(std::max(policy.cohort_size, 1));
  std::vector<float> scratch;
  std::vector<CohortStats> query_stats;
  if (normalise) {
    for (const FaceVector& q : queries) {
      query_stats.push_back(cohort_stats(q.data(), rivals, k, scratch));
    }
  }
  const auto directly_sure = [&](std::size_t i) {
    const bool usable = event.usable[i] != 0;
    if (!normalise || !usable) {
      return direct[i] < limit(policy.sure_distance, usable);
    }
    const CohortStats& qs = query_stats[nearest_query[i]];
    const CohortStats fs = cohort_stats(row(event, i), rivals, k, scratch);
    const float score =
        0.5f * ((direct[i] - qs.mean) / qs.spread + (direct[i] - fs.mean) / fs.spread);
    return score < policy.sure_score;
  };
  const auto offered = [&](std::size_t i) {
    return effective[i] < limit(policy.maybe_distance, event.usable[i] != 0) &&
           rival_distance(i) >= effective[i];
  };

  std::vector<std::size_t> sure;
  std::vector<bool> is_sure(n, false);
  for (std::size_t i = 0; i < n; ++i) {
    if (offered(i) && directly_sure(i)) {
      sure.push_back(i);
      is_sure[i] = true;
    }
  }
  const float scale = policy.sure_distance / policy.expansion_distance;
  std::size_t seeds_from = 0;
  for (int round = 0; round < policy.expansion_rounds && seeds_from < sure.size(); ++round) {
    const std::size_t seeds_to = sure.size();
    for (std::size_t i = 0; i < n; ++i) {
      if (is_sure[i]) {
        continue;
      }
      float via = kFar;
      for (std::size_t s = seeds_from; s < seeds_to; ++s) {
        via = std::min(via, distance(row(event, sure[s]), row(event, i)));
      }
      if (via >= limit(policy.expansion_distance, event.usable[i] != 0)) {
        continue;
      }
      effective[i] = std::min(effective[i], via * scale);
      if (rival_distance(i) >= effective[i]) {
        sure.push_back(i);
        is_sure[i] = true;
      }
    }
    seeds_from = seeds_to;
  }

  std::vector<FaceDecision> decisions;
  for (std::size_t i = 0; i < n; ++i) {
    if (is_sure[i]) {
      decisions.push_back({i, effective[i], MatchBand::sure});
    } else if (offered(i)) {
      decisions.push_back({i, effective[i], MatchBand::maybe});
    }
  }
  return decisions;
}

}  // namespace findme::domain
