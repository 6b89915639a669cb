#include "eval/event_protocol.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>

#include "domain/face_distance.h"

namespace findme::eval {

namespace {

std::map<std::string, std::vector<std::size_t>> photos_by_person(
    const std::vector<LabelledPhoto>& photos) {
  std::map<std::string, std::vector<std::size_t>> by_person;  // sorted: stable person numbers
  for (std::size_t i = 0; i < photos.size(); ++i) {
    by_person[photos[i].person].push_back(i);
  }
  return by_person;
}

}  // namespace

Result<std::vector<PhotoSample>> analyse_selfies(const std::vector<LabelledPhoto>& photos,
                                                 const image::ImageDecoder& decoder,
                                                 const EngineFactory& make_engine,
                                                 AnalysisOptions options, int selfie_long_side,
                                                 EventLayout layout) {
  std::vector<std::size_t> indices;
  std::vector<std::filesystem::path> files;
  for (const auto& [name, of_person] : photos_by_person(photos)) {
    if (of_person.size() > static_cast<std::size_t>(layout.held_out)) {
      for (std::size_t k = 0; k < static_cast<std::size_t>(layout.selfies); ++k) {
        indices.push_back(of_person[k]);
        files.push_back(photos[of_person[k]].path);
      }
    }
  }
  options.selfies = true;
  options.decode.max_long_side = selfie_long_side;
  options.pipeline += " selfie-path";
  if (!options.cache.empty()) {
    options.cache += ".selfies";
  }
  Result<std::vector<PhotoSample>> analysed = analyse_photos(files, decoder, make_engine, options);
  if (!analysed) {
    return analysed.error();
  }
  std::vector<PhotoSample> out(photos.size());
  for (std::size_t k = 0; k < indices.size(); ++k) {
    out[indices[k]] = std::move((*analysed)[k]);
  }
  return out;
}

EventSet make_event_set(const std::vector<LabelledPhoto>& photos,
                        const std::vector<PhotoSample>& samples, FacePick pick,
                        const std::vector<PhotoSample>* selfies, EventLayout layout) {
  EventSet set;
  const auto selfie_count = static_cast<std::size_t>(layout.selfies);
  const auto held_out = static_cast<std::size_t>(layout.held_out);
  std::size_t person = 0;
  const auto face_in = [&](const std::vector<PhotoSample>& from,
                           std::size_t photo) -> const FaceSample* {
    const std::optional<std::size_t> f = pick_face(from[photo], pick);
    return f ? &from[photo].faces[*f] : nullptr;
  };
  const auto face_of = [&](std::size_t photo) { return face_in(samples, photo); };
  for (const auto& [name, indices] : photos_by_person(photos)) {
    std::size_t first_event_photo = 0;
    if (indices.size() > held_out) {
      first_event_photo = held_out;
      EventSet::Attendee attendee{.person = person, .own_photos = indices.size() - held_out};
      for (std::size_t k = 0; k < selfie_count; ++k) {
        if (const FaceSample* selfie = face_in(selfies ? *selfies : samples, indices[k])) {
          attendee.selfies.push_back(selfie->embedding);
        }
      }
      if (attendee.selfies.empty()) {
        ++set.selfies_without_face;
      } else {
        set.attendees.push_back(std::move(attendee));
      }
    }
    for (std::size_t k = first_event_photo; k < indices.size(); ++k) {
      ++set.event_photos;
      const FaceSample* face = face_of(indices[k]);
      if (!face) {
        ++set.event_photos_without_face;
        continue;
      }
      set.faces.insert(set.faces.end(), face->embedding.begin(), face->embedding.end());
      set.usable.push_back(face->usable ? 1 : 0);
      set.face_person.push_back(person);
    }
    ++person;
  }
  return set;
}

EventScore score_event(const EventSet& set, const domain::MatchPolicy& policy, int answer_rounds,
                       bool competition) {
  EventScore score;
  score.attendees = set.attendees.size();
  std::vector<std::size_t> owner;   // attendee of each query
  std::vector<FaceVector> selfies;  // every attendee's queries, as the service makes them
  for (std::size_t a = 0; a < set.attendees.size(); ++a) {
    for (const FaceVector& query : domain::attendee_queries(set.attendees[a].selfies, {})) {
      owner.push_back(a);
      selfies.push_back(query);
    }
  }
  std::size_t own_total = 0;
  std::size_t true_after = 0;
  std::size_t crops = 0;
  std::size_t stranger_crops = 0;
  std::size_t shown_a_stranger = 0;
  double recall_sum = 0;
  std::size_t with_photos = 0;
  std::vector<std::size_t> crops_each;
  std::vector<std::uint8_t> usable = set.usable;
  for (std::size_t a = 0; a < set.attendees.size(); ++a) {
    const EventSet::Attendee& attendee = set.attendees[a];
    std::vector<FaceVector> rivals;
    rivals.reserve(selfies.size() - 1);
    for (std::size_t r = 0; r < selfies.size() && competition; ++r) {
      if (owner[r] != a) {
        rivals.push_back(selfies[r]);
      }
    }
    std::vector<FaceVector> queries = domain::attendee_queries(attendee.selfies, {});
    std::vector<float> values = set.faces;  // rejected faces are pushed far away
    std::set<std::size_t> confirmed;
    std::size_t sure_true = 0;
    std::size_t sure_strangers = 0;
    std::size_t asked = 0;
    for (int round = 0; round <= answer_rounds; ++round) {
      const domain::FaceMatrixView view{values, usable};
      const std::vector<domain::FaceDecision> decisions =
          domain::decide_matches(queries, view, rivals, policy);
      std::size_t true_now = 0;
      std::size_t strangers_now = 0;
      bool asked_now = false;
      for (const domain::FaceDecision& d : decisions) {
        const bool mine = set.face_person[d.face] == attendee.person;
        if (d.band == MatchBand::sure || confirmed.count(d.face) != 0) {
          (mine ? true_now : strangers_now) += 1;
          continue;
        }
        if (round == answer_rounds) {
          continue;  // the last round asks nothing more
        }
        asked_now = true;
        ++asked;
        if (mine) {
          confirmed.insert(d.face);
          const float* row = set.faces.data() + d.face * kFaceVectorSize;
          FaceVector q;
          std::copy(row, row + kFaceVectorSize, q.begin());
          queries.push_back(q);
        } else {
          ++stranger_crops;
          std::fill(values.begin() + static_cast<std::ptrdiff_t>(d.face * kFaceVectorSize),
                    values.begin() + static_cast<std::ptrdiff_t>((d.face + 1) * kFaceVectorSize),
                    1e3f);
        }
      }
      if (round == 0) {
        sure_true = true_now;
        sure_strangers = strangers_now;
      }
      if (round == answer_rounds || !asked_now) {
        true_after += true_now;
        break;
      }
    }
    score.true_shown += sure_true;
    score.strangers_shown += sure_strangers;
    shown_a_stranger += sure_strangers > 0 ? 1 : 0;
    own_total += attendee.own_photos;
    if (attendee.own_photos > 0) {
      recall_sum += static_cast<double>(sure_true) / static_cast<double>(attendee.own_photos);
      ++with_photos;
    }
    crops += asked;
    crops_each.push_back(asked);
  }
  const auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  const auto n = static_cast<double>(score.attendees);
  score.precision = ratio(static_cast<double>(score.true_shown),
                          static_cast<double>(score.true_shown + score.strangers_shown));
  score.recall = ratio(static_cast<double>(score.true_shown), static_cast<double>(own_total));
  score.mean_attendee_recall = ratio(recall_sum, static_cast<double>(with_photos));
  score.strangers_per_attendee = ratio(static_cast<double>(score.strangers_shown), n);
  score.share_shown_a_stranger = ratio(static_cast<double>(shown_a_stranger), n);
  score.recall_after_answers =
      answer_rounds > 0 ? ratio(static_cast<double>(true_after), static_cast<double>(own_total))
                        : score.recall;
  score.crops_per_attendee = ratio(static_cast<double>(crops), n);
  score.stranger_crops_per_attendee = ratio(static_cast<double>(stranger_crops), n);
  if (!crops_each.empty()) {
    std::sort(crops_each.begin(), crops_each.end());
    score.crops_p95 = crops_each[(crops_each.size() - 1) * 95 / 100];
  }
  return score;
}

PairScore score_pairs(const std::vector<LabelledPair>& pairs,
                      const std::vector<const FaceSample*>& a,
                      const std::vector<const FaceSample*>& b, float threshold) {
  PairScore score;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const bool same = pairs[i].same;
    (same ? score.same : score.different) += 1;
    if (a[i] == nullptr || b[i] == nullptr) {
      (same ? score.same_lost : score.different_lost) += 1;
      continue;
    }
    const float d =
        std::sqrt(domain::squared_distance(a[i]->embedding.data(), b[i]->embedding.data()));
    if (d < threshold) {
      (same ? score.same_accepted : score.different_accepted) += 1;
    }
  }
  return score;
}

}  // namespace findme::eval
