// The faces of a face collection held in memory for searching: a search compares one descriptor
// with every face, so reading 10,000 rows per search would cost more than the comparison.
// Refreshed by the collection's faces_version, which every add and delete bumps (also in another
// process), so a search never misses a face indexed before it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/entities.h"
#include "core/mutex.h"
#include "core/result.h"
#include "store/store.h"

namespace findme::domain {

// Thread-safe.
class CollectionIndex {
 public:
  struct Snapshot {
    // Which collection: a database may give a new collection the id of a deleted one.
    UserId owner;
    std::string name;
    Timestamp created_at;
    std::int64_t version = 0;
    std::vector<CollectionFace> faces;  // by seq
  };

  // Keeps the faces of the max_collections collections searched last.
  explicit CollectionIndex(store::Store& store, std::size_t max_collections = 32);

  // The collection's faces as of collection.faces_version or newer.
  Result<std::shared_ptr<const Snapshot>> faces(const FaceCollection& collection);

 private:
  struct Entry {
    std::shared_ptr<const Snapshot> snapshot;
    std::list<CollectionId>::iterator recent;
  };

  store::Store& store_;
  const std::size_t max_collections_;
  Mutex mu_;
  std::unordered_map<CollectionId, Entry> entries_ FINDME_GUARDED_BY(mu_);
  std::list<CollectionId> recent_ FINDME_GUARDED_BY(mu_);  // most recently used first
};

}  // namespace findme::domain
