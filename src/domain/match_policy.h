// Which of an event's faces an attendee is shown (sure), asked about ("Is this you?": maybe) or
// not offered at all. One selfie is compared with every face of an event, so a per-comparison
// false-accept rate that looks tiny multiplies into strangers' photos at event scale
// (docs/accuracy.md, "Matching at event scale"); the policy spends the model's certainty where
// it has it and asks the attendee where it has not.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/entities.h"

namespace findme::domain {

// Distances are dlib ResNet euclidean distances. Chosen on lfw-dev run as one event (830
// attendees, 6,067 event faces; docs/accuracy.md has the sweep and the command): sure_score
// -6.8 shows a stranger to 0.5 % of attendees at recall 0.70, where -6.6 sits at the 1 % limit
// (1.0-1.1 %) for 0.72; the margin is for people no one tuned for.
struct MatchPolicy {
  // Direct decisions. With at least cohort_size other attendees in the event, a face is sure when
  // its adaptive s-norm score is under sure_score: the distance standardised by the mean and
  // spread of the cohort_size nearest other attendees, seen from the attendee's query and from
  // the face (Cohort normalisation is what tells a generic-looking face from a likeness). With
  // fewer attendees the raw distance must be under sure_distance. Either way the face must be
  // nearer to this attendee than to any other (competition).
  int cohort_size = 100;
  float sure_score = -6.8f;
  float sure_distance = 0.40f;
  // Under this raw distance, a face that is not sure is offered as an "Is this you?" crop.
  float maybe_distance = 0.60f;
  // A face this near one of the attendee's sure faces becomes sure too (and may extend the set
  // again, expansion_rounds times): the event's photos of a person are a better likeness of them
  // than any selfie.
  float expansion_distance = 0.37f;
  int expansion_rounds = 3;
};

// The defaults, or the policy scaled to an operator's MATCH_THRESHOLD: every distance keeps its
// ratio to kDefaultMatchThreshold (domain/similarity.h), so 0.55 gives the defaults and a larger
// threshold shows and asks more. REQUIRES: match_threshold > 0.
MatchPolicy default_match_policy();
MatchPolicy scaled_match_policy(float match_threshold);

// An attendee's queries in one event: the mean of their selfies' descriptors first (when they
// have a selfie), then each face they confirmed in the event, as it is. Several selfies of one
// person average out pose, light and expression; each selfie as a query of its own would widen
// the net for strangers instead (lfw-dev, docs/accuracy.md "Several selfies": with 2 selfies, a
// mean shows a stranger to fewer attendees than one selfie, at higher recall).
std::vector<FaceVector> attendee_queries(std::span<const FaceVector> selfies,
                                         std::span<const FaceVector> confirmed_faces);

// The event's faces as one row-major matrix (faces x kFaceVectorSize) with a usable flag per
// face. Views only: the caller keeps the storage alive during the call.
struct FaceMatrixView {
  std::span<const float> values;
  std::span<const std::uint8_t> usable;
  std::size_t size() const { return usable.size(); }
};

struct FaceDecision {
  std::size_t face = 0;   // row in the matrix
  float distance = 0.0f;  // effective distance: to the nearest query, or via a sure face scaled
                          // by sure_distance / expansion_distance
  MatchBand band = MatchBand::sure;
};

// The decisions for one attendee whose query embeddings (selfies and faces they confirmed) are
// `queries`, against every face of `event`. `rivals` are the query embeddings of the event's
// other attendees: a face nearer to a rival than to this attendee is never offered to this one.
// Unusable faces need distances kUnusableThresholdFactor times smaller (domain/similarity.h).
// Faces neither sure nor maybe are left out. Ordered by face row. Thread-safe (pure).
std::vector<FaceDecision> decide_matches(std::span<const FaceVector> queries,
                                         const FaceMatrixView& event,
                                         std::span<const FaceVector> rivals,
                                         const MatchPolicy& policy);

}  // namespace findme::domain
