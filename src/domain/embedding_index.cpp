#include "domain/embedding_index.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <unordered_set>

#include "domain/face_distance.h"
#include "domain/similarity.h"

namespace findme::domain {
namespace {

void sort_hits(std::vector<PhotoHit>& hits) {
  std::sort(hits.begin(), hits.end(), [](const PhotoHit& a, const PhotoHit& b) {
    return a.distance != b.distance ? a.distance < b.distance : a.photo < b.photo;
  });
}

}  // namespace

EmbeddingIndex::EmbeddingIndex(store::Store& store) : store_(store) {}

EmbeddingIndex::Snapshot EmbeddingIndex::build(std::span<const Face> faces) {
  auto matrix = std::make_shared<Matrix>();
  matrix->values.reserve(faces.size() * kFaceVectorSize);
  for (const Face& face : faces) {
    matrix->values.insert(matrix->values.end(), face.embedding.begin(), face.embedding.end());
    matrix->faces.push_back(face.id);
    matrix->photos.push_back(face.photo_id);
    matrix->usable.push_back(face.usable ? 1 : 0);
  }
  return matrix;
}

EmbeddingIndex::Snapshot EmbeddingIndex::apply(const Matrix& base,
                                               const store::FacesChanges& changes) {
  // A face may belong to a photo missing from changes.photos (it changed between the two
  // reads); its photo's old rows must go as well.
  std::unordered_set<PhotoId> changed(changes.photos.begin(), changes.photos.end());
  for (const Face& face : changes.faces) {
    changed.insert(face.photo_id);
  }
  auto next = std::make_shared<Matrix>();
  next->values.reserve(base.values.size() + changes.faces.size() * kFaceVectorSize);
  for (std::size_t row = 0; row < base.faces.size(); ++row) {
    if (changed.count(base.photos[row]) != 0) {
      continue;
    }
    const float* begin = base.values.data() + row * kFaceVectorSize;
    next->values.insert(next->values.end(), begin, begin + kFaceVectorSize);
    next->faces.push_back(base.faces[row]);
    next->photos.push_back(base.photos[row]);
    next->usable.push_back(base.usable[row]);
  }
  for (const Face& face : changes.faces) {
    next->values.insert(next->values.end(), face.embedding.begin(), face.embedding.end());
    next->faces.push_back(face.id);
    next->photos.push_back(face.photo_id);
    next->usable.push_back(face.usable ? 1 : 0);
  }
  return next;
}

std::optional<EmbeddingIndex::Cached> EmbeddingIndex::find_cached(EventId event) const {
  MutexLock lock(mu_);
  auto it = events_.find(event);
  if (it == events_.end()) {
    return std::nullopt;
  }
  return it->second;
}

EmbeddingIndex::Snapshot EmbeddingIndex::find(EventId event) const {
  std::optional<Cached> cached = find_cached(event);
  return cached ? cached->matrix : nullptr;
}

Result<EmbeddingIndex::Snapshot> EmbeddingIndex::current(EventId event) {
  // The version check is the price of correctness across processes: one indexed row per search,
  // against a brute-force scan of the whole matrix that follows.
  Result<std::optional<std::int64_t>> version = store_.event_faces_version(event);
  if (!version) {
    return version.error();
  }
  if (!*version) {  // the event is gone (maybe deleted by another process)
    drop_event(event);
    return build({});
  }
  if (std::optional<Cached> cached = find_cached(event); cached && cached->version >= **version) {
    return cached->matrix;
  }
  return refresh(event, **version);
}

Result<EmbeddingIndex::Snapshot> EmbeddingIndex::refresh(EventId event, std::int64_t version) {
  MutexLock update_lock(update_mu_);
  std::optional<Cached> cached = find_cached(event);
  if (cached && cached->version >= version) {  // another thread refreshed it while we waited
    return cached->matrix;
  }
  Cached next;
  if (!cached) {
    // A first load reads every face; `version` was read before them, so a change committed in
    // between is included here and fetched once more by the next search (harmless).
    Result<std::vector<Face>> faces = store_.list_event_faces(event);
    if (!faces) {
      return faces.error();
    }
    next = {build(*faces), version};
  } else {
    Result<store::FacesChanges> changes = store_.event_faces_changed_since(event, cached->version);
    if (!changes) {
      return changes.error();
    }
    next = {apply(*cached->matrix, *changes), changes->version};
  }
  MutexLock lock(mu_);
  events_[event] = next;
  return next.matrix;
}

Result<std::vector<PhotoHit>> EmbeddingIndex::search(EventId event, const FaceVector& query,
                                                     float threshold) {
  return search_any(event, std::span<const FaceVector>(&query, 1), threshold);
}

Result<std::vector<PhotoHit>> EmbeddingIndex::search_any(EventId event,
                                                         std::span<const FaceVector> queries,
                                                         float threshold) {
  Result<Snapshot> snapshot = current(event);
  if (!snapshot) {
    return snapshot.error();
  }
  const Matrix& m = **snapshot;
  // Compared squared, so the loop needs no square root per face.
  const float usable_limit = threshold * threshold;
  const float strict = match_threshold_for(threshold, false);
  const float unusable_limit = strict * strict;
  std::unordered_map<PhotoId, std::size_t> best;  // photo -> index into hits
  std::vector<PhotoHit> hits;
  for (const FaceVector& query : queries) {
    for (std::size_t row = 0; row < m.faces.size(); ++row) {
      const float d2 = squared_distance(query.data(), m.values.data() + row * kFaceVectorSize);
      if (d2 >= (m.usable[row] != 0 ? usable_limit : unusable_limit)) {
        continue;
      }
      const float distance = std::sqrt(d2);
      auto [it, inserted] = best.try_emplace(m.photos[row], hits.size());
      if (inserted) {
        hits.push_back({m.photos[row], m.faces[row], distance});
      } else if (distance < hits[it->second].distance) {
        hits[it->second] = {m.photos[row], m.faces[row], distance};
      }
    }
  }
  sort_hits(hits);
  return hits;
}

Result<std::vector<BandedHit>> EmbeddingIndex::match(EventId event,
                                                     std::span<const FaceVector> queries,
                                                     std::span<const FaceVector> rivals,
                                                     const MatchPolicy& policy) {
  Result<Snapshot> snapshot = current(event);
  if (!snapshot) {
    return snapshot.error();
  }
  const Matrix& m = **snapshot;
  const std::vector<FaceDecision> decisions =
      decide_matches(queries, FaceMatrixView{m.values, m.usable}, rivals, policy);
  const auto better = [](const BandedHit& a, const BandedHit& b) {
    if (a.band != b.band) {
      return a.band == MatchBand::sure;
    }
    return a.distance != b.distance ? a.distance < b.distance : a.photo < b.photo;
  };
  std::unordered_map<PhotoId, std::size_t> best;  // photo -> index into hits
  std::vector<BandedHit> hits;
  for (const FaceDecision& d : decisions) {
    const BandedHit hit{m.photos[d.face], m.faces[d.face], d.distance, d.band};
    auto [it, inserted] = best.try_emplace(hit.photo, hits.size());
    if (inserted) {
      hits.push_back(hit);
    } else if (better(hit, hits[it->second])) {
      hits[it->second] = hit;
    }
  }
  std::sort(hits.begin(), hits.end(), better);
  return hits;
}

void EmbeddingIndex::replace_photo(EventId event, PhotoId photo, std::span<const Face> faces) {
  MutexLock update_lock(update_mu_);
  std::optional<Cached> cached = find_cached(event);
  if (!cached) {
    return;
  }
  auto next = std::make_shared<Matrix>();
  const Matrix& m = *cached->matrix;
  next->values.reserve(m.values.size() + faces.size() * kFaceVectorSize);
  for (std::size_t row = 0; row < m.faces.size(); ++row) {
    if (m.photos[row] == photo) {
      continue;
    }
    const float* begin = m.values.data() + row * kFaceVectorSize;
    next->values.insert(next->values.end(), begin, begin + kFaceVectorSize);
    next->faces.push_back(m.faces[row]);
    next->photos.push_back(m.photos[row]);
    next->usable.push_back(m.usable[row]);
  }
  for (const Face& face : faces) {
    next->values.insert(next->values.end(), face.embedding.begin(), face.embedding.end());
    next->faces.push_back(face.id);
    next->photos.push_back(photo);
    next->usable.push_back(face.usable ? 1 : 0);
  }
  MutexLock lock(mu_);
  events_[event] = Cached{std::move(next), cached->version};
}

void EmbeddingIndex::drop_event(EventId event) {
  MutexLock update_lock(update_mu_);
  MutexLock lock(mu_);
  events_.erase(event);
}

std::size_t EmbeddingIndex::face_count(EventId event) const {
  Snapshot snapshot = find(event);
  return snapshot ? snapshot->faces.size() : 0;
}

}  // namespace findme::domain
