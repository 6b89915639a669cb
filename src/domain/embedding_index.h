// The per-event matching matrix: every face embedding of an event's photos in one contiguous
// block, searched by brute force (10,000 faces x 128 floats is 5 MB and well under a millisecond).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <unordered_map>
#include <vector>

#include "core/entities.h"
#include "core/result.h"
#include "store/store.h"

namespace findme::domain {

// The best face of one photo for a query.
struct PhotoHit {
  PhotoId photo;
  FaceId face;
  float distance = 0.0f;  // euclidean
};

// Thread-safe. Each event's matrix is an immutable snapshot behind a shared_ptr (copy-on-write):
// a search copies the pointer under a short lock and then reads without any lock, so searches
// never block each other or an update; an update builds a new snapshot and swaps it in.
// An event is loaded from store.list_event_faces on its first search and then kept current by
// replace_photo / drop_event. Only this process's updates are seen: another process indexing the
// same event is picked up after drop_event or a restart. `store` must outlive the index.
class EmbeddingIndex {
 public:
  explicit EmbeddingIndex(store::Store& store);
  EmbeddingIndex(const EmbeddingIndex&) = delete;
  EmbeddingIndex& operator=(const EmbeddingIndex&) = delete;

  // Per photo of `event`, its face closest to `query` among the faces under the matching
  // threshold (match_threshold_for(threshold, face.usable)); sorted by distance, then photo id.
  // Errors: the store's, when the event has to be loaded.
  Result<std::vector<PhotoHit>> search(EventId event, const FaceVector& query, float threshold);

  // As search(), for several queries (one attendee's selfies): a photo's hit is its best over
  // every query.
  Result<std::vector<PhotoHit>> search_any(EventId event, std::span<const FaceVector> queries,
                                           float threshold);

  // Replaces the rows of `photo` with `faces` (as just saved by store.save_photo_index; empty
  // removes them). No effect when the event is not loaded: its first search reads the store.
  void replace_photo(EventId event, PhotoId photo, std::span<const Face> faces);

  // Forgets the event (deleted, or to be reloaded from the store on next use).
  void drop_event(EventId event);

  // Faces of a loaded event; 0 when not loaded. For tests and metrics.
  std::size_t face_count(EventId event) const;

 private:
  struct Matrix {
    std::vector<float> values;  // faces x kFaceVectorSize, row-major
    std::vector<FaceId> faces;
    std::vector<PhotoId> photos;
    std::vector<std::uint8_t> usable;
  };
  using Snapshot = std::shared_ptr<const Matrix>;

  Snapshot find(EventId event) const;
  Result<Snapshot> load(EventId event);
  static Snapshot build(std::span<const Face> faces);

  store::Store& store_;
  // Serialises loads and updates with each other so that a load cannot install a snapshot that
  // misses an update made while it read the store. Searches of loaded events never take it.
  std::mutex update_mu_;
  mutable std::mutex mu_;
  std::unordered_map<EventId, Snapshot> events_;  // guarded by mu_
};

}  // namespace findme::domain
