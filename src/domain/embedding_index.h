// The per-event matching matrix: every face embedding of an event's photos in one contiguous
// block, searched by brute force (10,000 faces x 128 floats is 5 MB and well under a millisecond).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "core/entities.h"
#include "core/mutex.h"
#include "core/result.h"
#include "domain/match_policy.h"
#include "store/store.h"

namespace findme::domain {

// The best face of one photo for a query.
struct PhotoHit {
  PhotoId photo;
  FaceId face;
  float distance = 0.0f;  // euclidean
};

// One photo an attendee is offered by the match policy: its best face, sure before maybe.
struct BandedHit {
  PhotoId photo;
  FaceId face;
  float distance = 0.0f;  // the policy's effective distance
  MatchBand band = MatchBand::sure;
};

// Thread-safe. Each event's matrix is an immutable snapshot behind a shared_ptr (copy-on-write):
// a search copies the pointer under a short lock and then reads without any lock, so searches
// never block each other or an update; an update builds a new snapshot and swaps it in.
// An event is loaded from store.list_event_faces on its first search. Before every search the
// index asks the store for the event's face version (one indexed row) and, when another process
// changed the event's faces since, applies just the changed photos (event_faces_changed_since),
// so several processes on one database never answer from a stale cache. replace_photo applies
// this process's own writes at once; drop_event forgets an event. `store` must outlive the index.
class EmbeddingIndex {
 public:
  explicit EmbeddingIndex(store::Store& store);
  EmbeddingIndex(const EmbeddingIndex&) = delete;
  EmbeddingIndex& operator=(const EmbeddingIndex&) = delete;

  // Per photo of `event`, its face closest to `query` among the faces under the matching
  // threshold (match_threshold_for(threshold, face.usable)); sorted by distance, then photo id.
  // Errors: the store's (the version check, a load or a refresh). An unknown event has no faces.
  Result<std::vector<PhotoHit>> search(EventId event, const FaceVector& query, float threshold);

  // As search(), for several queries (one attendee's selfies): a photo's hit is its best over
  // every query.
  Result<std::vector<PhotoHit>> search_any(EventId event, std::span<const FaceVector> queries,
                                           float threshold);

  // The photos of `event` that `policy` offers an attendee whose query embeddings are `queries`,
  // with `rivals` the other attendees' (decide_matches in domain/match_policy.h); per photo its
  // best face, sure before maybe, then by distance. Sorted by band, distance, photo id.
  // Errors: the store's, as search().
  Result<std::vector<BandedHit>> match(EventId event, std::span<const FaceVector> queries,
                                       std::span<const FaceVector> rivals,
                                       const MatchPolicy& policy);

  // Replaces the rows of `photo` with `faces` (as just saved by store.save_photo_index; empty
  // removes them). No effect when the event is not loaded: its first search reads the store.
  // The cached version stays as it was, so the next search also fetches this change from the
  // store: a newer write of the same photo by another process then wins, as in the database.
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
  struct Cached {
    Snapshot matrix;
    std::int64_t version = 0;  // the store's face version the matrix is known to include
  };

  Snapshot find(EventId event) const;
  std::optional<Cached> find_cached(EventId event) const;
  // The event's matrix, brought up to the store's current face version first.
  Result<Snapshot> current(EventId event);
  Result<Snapshot> refresh(EventId event, std::int64_t version);
  static Snapshot build(std::span<const Face> faces);
  // `base` without the rows of the changed photos, plus their current faces.
  static Snapshot apply(const Matrix& base, const store::FacesChanges& changes);

  store::Store& store_;
  // Serialises loads and updates with each other so that a load cannot install a snapshot that
  // misses an update made while it read the store. Searches of loaded events never take it.
  Mutex update_mu_;
  mutable Mutex mu_;
  std::unordered_map<EventId, Cached> events_ FINDME_GUARDED_BY(mu_);
};

}  // namespace findme::domain
