#include "domain/embedding_index.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "domain/similarity.h"

namespace findme::domain {
namespace {

// Eight independent partial sums let the compiler vectorise the loop without -ffast-math
// (a single float accumulator forbids reordering the additions).
float squared_distance(const float* a, const float* b) {
  std::array<float, 8> sums{};
  for (std::size_t i = 0; i < kFaceVectorSize; i += 8) {
    for (std::size_t k = 0; k < 8; ++k) {
      const float d = a[i + k] - b[i + k];
      sums[k] += d * d;
    }
  }
  return ((sums[0] + sums[1]) + (sums[2] + sums[3])) + ((sums[4] + sums[5]) + (sums[6] + sums[7]));
}

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

EmbeddingIndex::Snapshot EmbeddingIndex::find(EventId event) const {
  std::lock_guard lock(mu_);
  auto it = events_.find(event);
  return it == events_.end() ? nullptr : it->second;
}

Result<EmbeddingIndex::Snapshot> EmbeddingIndex::load(EventId event) {
  if (Snapshot loaded = find(event)) {
    return loaded;
  }
  std::lock_guard update_lock(update_mu_);
  if (Snapshot loaded = find(event)) {  // another thread loaded it while we waited
    return loaded;
  }
  Result<std::vector<Face>> faces = store_.list_event_faces(event);
  if (!faces) {
    return faces.error();
  }
  Snapshot snapshot = build(*faces);
  std::lock_guard lock(mu_);
  events_[event] = snapshot;
  return snapshot;
}

Result<std::vector<PhotoHit>> EmbeddingIndex::search(EventId event, const FaceVector& query,
                                                     float threshold) {
  return search_any(event, std::span<const FaceVector>(&query, 1), threshold);
}

Result<std::vector<PhotoHit>> EmbeddingIndex::search_any(EventId event,
                                                         std::span<const FaceVector> queries,
                                                         float threshold) {
  Result<Snapshot> snapshot = load(event);
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

void EmbeddingIndex::replace_photo(EventId event, PhotoId photo, std::span<const Face> faces) {
  std::lock_guard update_lock(update_mu_);
  Snapshot current = find(event);
  if (!current) {
    return;
  }
  auto next = std::make_shared<Matrix>();
  const Matrix& m = *current;
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
  std::lock_guard lock(mu_);
  events_[event] = std::move(next);
}

void EmbeddingIndex::drop_event(EventId event) {
  std::lock_guard update_lock(update_mu_);
  std::lock_guard lock(mu_);
  events_.erase(event);
}

std::size_t EmbeddingIndex::face_count(EventId event) const {
  Snapshot snapshot = find(event);
  return snapshot ? snapshot->faces.size() : 0;
}

}  // namespace findme::domain
