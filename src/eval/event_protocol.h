// A labelled folder scored as one event, as an attendee would see it: every person with two or
// more photos registers with their first photo as the selfie (or their first few, as several
// selfies), and every other photo of the folder is uploaded to the event. The service's own match
// policy decides what each attendee is shown.
#pragma once

#include <cstddef>
#include <vector>

#include "domain/match_policy.h"
#include "eval/labelled_set.h"
#include "eval/photo_analysis.h"

namespace findme::eval {

// Who registers and with how many selfies. A person with more than `held_out` photos is an
// attendee: their first `selfies` photos are their selfies, the rest of the first `held_out` are
// left out of the event (so that layouts with 1 and 2 selfies score the same event), and the
// others are event photos. A person with fewer photos is a stranger: all their photos are event
// photos. REQUIRES: 1 <= selfies <= held_out.
struct EventLayout {
  int selfies = 1;
  int held_out = 1;
};

// The labelled face of each photo, the event layout and who is who.
struct EventSet {
  struct Attendee {
    std::size_t person = 0;
    std::vector<FaceVector> selfies;  // those with a face found, at least one
    std::size_t own_photos = 0;       // event photos of this person, found by the detector or not
  };
  std::vector<Attendee> attendees;       // people whose selfie has a face
  std::size_t selfies_without_face = 0;  // people left out: no face in their selfie
  std::vector<float> faces;              // event faces x kFaceVectorSize
  std::vector<std::uint8_t> usable;
  std::vector<std::size_t> face_person;  // person of each event face
  std::size_t event_photos = 0;
  std::size_t event_photos_without_face = 0;  // labelled face not found: a miss for its person
};

// `photos` and `samples` are parallel (read_labelled_folder order). `selfies`, when given, is
// parallel too and holds the selfie path's analysis of the attendees' selfie photos (other
// entries are not read); without it the selfies' faces come from `samples`.
EventSet make_event_set(const std::vector<LabelledPhoto>& photos,
                        const std::vector<PhotoSample>& samples, FacePick pick,
                        const std::vector<PhotoSample>* selfies = nullptr, EventLayout layout = {});

// The selfies of make_event_set() (each person's first `layout.selfies` photos, for people with
// more than `layout.held_out`) analysed as the service analyses a selfie:
// FaceEngine::analyze_selfie, decoded to `selfie_long_side`. The result is parallel to `photos`;
// other entries are empty. `options` are the event photos' (threads, progress); the cache, if
// any, is options.cache + ".selfies". Errors: as analyse_photos().
Result<std::vector<PhotoSample>> analyse_selfies(const std::vector<LabelledPhoto>& photos,
                                                 const image::ImageDecoder& decoder,
                                                 const EngineFactory& make_engine,
                                                 AnalysisOptions options, int selfie_long_side,
                                                 EventLayout layout = {});

struct EventScore {
  std::size_t attendees = 0;
  // Shown without asking (sure).
  std::size_t true_shown = 0;
  std::size_t strangers_shown = 0;
  double precision = 0;
  double recall = 0;                // true_shown / every event photo of the attendees
  double mean_attendee_recall = 0;  // the same per attendee, averaged
  double strangers_per_attendee = 0;
  double share_shown_a_stranger = 0;  // attendees shown at least one stranger's photo
  // With "Is this you?": every crop answered truthfully, confirmed faces used as queries, for
  // `rounds` rounds of questions.
  double recall_after_answers = 0;
  double crops_per_attendee = 0;  // asked, over all rounds
  std::size_t crops_p95 = 0;      // 95th percentile of crops asked of one attendee
  double stranger_crops_per_attendee = 0;
};

// Runs the policy for every attendee against the event, with the other attendees' selfies as
// rivals unless `competition` is false. `answer_rounds` 0 scores the sure band alone.
// Thread-safe (pure); O(attendees x faces).
EventScore score_event(const EventSet& set, const domain::MatchPolicy& policy, int answer_rounds,
                       bool competition = true);

struct PairScore {
  std::size_t same = 0;
  std::size_t different = 0;
  std::size_t same_accepted = 0;
  std::size_t different_accepted = 0;
  std::size_t same_lost = 0;       // a face of the pair not found (counted as rejected)
  std::size_t different_lost = 0;  // left out of the false-accept denominator
};

// True and false accepts of `pairs` at `threshold`; `face_of(path)` gives the pair member's
// labelled face or nullptr. Thread-safe (pure).
PairScore score_pairs(const std::vector<LabelledPair>& pairs,
                      const std::vector<const FaceSample*>& a,
                      const std::vector<const FaceSample*>& b, float threshold);

}  // namespace findme::eval
