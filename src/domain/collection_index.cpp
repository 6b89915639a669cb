#include "domain/collection_index.h"

#include <climits>

namespace findme::domain {
namespace {

bool same_collection(const CollectionIndex::Snapshot& s, const FaceCollection& c) {
  return s.owner == c.owner_id && s.name == c.name && s.created_at == c.created_at;
}

}  // namespace

CollectionIndex::CollectionIndex(store::Store& store, std::size_t max_collections)
    : store_(store), max_collections_(std::max<std::size_t>(max_collections, 1)) {}

Result<std::shared_ptr<const CollectionIndex::Snapshot>> CollectionIndex::faces(
    const FaceCollection& collection) {
  {
    MutexLock lock(mu_);
    auto it = entries_.find(collection.id);
    if (it != entries_.end() && same_collection(*it->second.snapshot, collection) &&
        it->second.snapshot->version >= collection.faces_version) {
      recent_.splice(recent_.begin(), recent_, it->second.recent);
      return it->second.snapshot;
    }
  }
  // Loaded outside the lock: two searches may load the same collection at once, which is
  // harmless, and a search of another collection does not wait for this one.
  Result<std::vector<CollectionFace>> faces =
      store_.list_collection_faces(collection.id, 0, INT_MAX);
  if (!faces) return faces.error();
  auto snapshot = std::make_shared<const Snapshot>(Snapshot{.owner = collection.owner_id,
                                                            .name = collection.name,
                                                            .created_at = collection.created_at,
                                                            .version = collection.faces_version,
                                                            .faces = std::move(*faces)});
  MutexLock lock(mu_);
  auto it = entries_.find(collection.id);
  if (it != entries_.end()) {
    if (!same_collection(*it->second.snapshot, collection) ||
        it->second.snapshot->version < snapshot->version) {
      it->second.snapshot = snapshot;
    }
    recent_.splice(recent_.begin(), recent_, it->second.recent);
    return it->second.snapshot;
  }
  recent_.push_front(collection.id);
  entries_.emplace(collection.id, Entry{snapshot, recent_.begin()});
  while (entries_.size() > max_collections_) {
    entries_.erase(recent_.back());
    recent_.pop_back();
  }
  return std::shared_ptr<const Snapshot>(snapshot);
}

}  // namespace findme::domain
