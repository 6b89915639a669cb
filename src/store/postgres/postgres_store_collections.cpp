// PostgresStore: access keys and face collections of the Rekognition-compatible API
// (migration 7). Calls that change a collection's faces lock its row first (FOR UPDATE), so two
// IndexFaces of one image, in any processes, are serialised: the second sees the first's faces
// and stores nothing; face_count and faces_version move in the same transaction as the faces.
#include <algorithm>
#include <string>

#include "store/postgres/postgres_store.h"
#include "store/postgres/postgres_store_inl.h"
#include "store/postgres/rows.h"

namespace findme::store::postgres {
namespace {

// PostgreSQL refuses a negative LIMIT; the contract's `limit` is an upper bound.
int clamp_limit(int limit) { return std::max(limit, 0); }

// Locks the collection's row until the transaction ends; false when it does not exist.
bool lock_collection(Session& s, CollectionId collection) {
  static constexpr const char* kLock = "SELECT 1 FROM face_collections WHERE id = $1 FOR UPDATE";
  return !s.run(kLock, collection).empty();
}

// Adds `delta` faces (negative: removed) to the collection's count and bumps its version.
void record_faces_change(Session& s, CollectionId collection, std::int64_t delta) {
  static constexpr const char* kUpdate =
      "UPDATE face_collections SET face_count = face_count + $1, "
      "faces_version = faces_version + 1 WHERE id = $2";
  s.run(kUpdate, delta, collection);
}

}  // namespace

// ---- access keys ---------------------------------------------------------------------------

Result<void> PostgresStore::create_access_key(const NewAccessKey& key) {
  static constexpr const char* kInsert =
      "INSERT INTO access_keys (id, user_id, secret, created_at, read_only) "
      "VALUES ($1, $2, $3, $4, $5)";
  const Timestamp now = clock_.now();
  return write([&](Session& s) -> Result<void> {
    try {
      s.run(kInsert, key.id, key.user_id, key.secret, now, key.read_only);
    } catch (const pqxx::foreign_key_violation&) {
      return make_error(Errc::not_found, "the account does not exist");
    }
    return {};  // a duplicate id throws unique_violation: Errc::internal, as the contract says
  });
}

Result<std::optional<AccessKey>> PostgresStore::find_access_key(std::string_view id, bool touch) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_ACCESS_KEY_COLUMNS("") " FROM access_keys WHERE id = $1";
  static constexpr const char* kTouch =
      "UPDATE access_keys SET last_used_at = $1 WHERE id = $2 "
      "RETURNING " FINDME_ACCESS_KEY_COLUMNS("");
  if (!touch) {
    return read([&](Session& s) -> Result<std::optional<AccessKey>> {
      return read_one<AccessKey>(s.run(kSelect, id), read_access_key);
    });
  }
  const Timestamp now = clock_.now();
  return write([&](Session& s) -> Result<std::optional<AccessKey>> {
    return read_one<AccessKey>(s.run(kTouch, now, id), read_access_key);
  });
}

Result<std::vector<AccessKey>> PostgresStore::list_access_keys(UserId user) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_ACCESS_KEY_COLUMNS("") " FROM access_keys WHERE user_id = $1 ORDER BY seq";
  return read([&](Session& s) -> Result<std::vector<AccessKey>> {
    return read_all<AccessKey>(s.run(kSelect, user), read_access_key);
  });
}

Result<bool> PostgresStore::delete_access_key(UserId user, std::string_view id) {
  static constexpr const char* kDelete = "DELETE FROM access_keys WHERE user_id = $1 AND id = $2";
  return write(
      [&](Session& s) -> Result<bool> { return s.run(kDelete, user, id).affected_rows() > 0; });
}

// ---- face collections ----------------------------------------------------------------------

Result<std::optional<FaceCollection>> PostgresStore::create_collection(UserId owner,
                                                                       std::string_view name) {
  static constexpr const char* kInsert =
      "INSERT INTO face_collections (owner_id, name, created_at) VALUES ($1, $2, $3) "
      "ON CONFLICT (owner_id, name) DO NOTHING RETURNING " FINDME_COLLECTION_COLUMNS("");
  const Timestamp now = clock_.now();
  return write([&](Session& s) -> Result<std::optional<FaceCollection>> {
    try {
      // No row: the owner already has a collection of that name.
      return read_one<FaceCollection>(s.run(kInsert, owner, name, now), read_collection);
    } catch (const pqxx::foreign_key_violation&) {
      return make_error(Errc::not_found, "the account does not exist");
    }
  });
}

Result<std::optional<FaceCollection>> PostgresStore::find_collection(UserId owner,
                                                                     std::string_view name) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_COLLECTION_COLUMNS("") " FROM face_collections "
      "WHERE owner_id = $1 AND name = $2";
  return read([&](Session& s) -> Result<std::optional<FaceCollection>> {
    return read_one<FaceCollection>(s.run(kSelect, owner, name), read_collection);
  });
}

Result<std::vector<FaceCollection>> PostgresStore::list_collections(UserId owner,
                                                                    std::string_view after_name,
                                                                    int limit) {
  // name is COLLATE "C" (migration 7): the comparison and the order are by bytes.
  static constexpr const char* kSelect =
      "SELECT " FINDME_COLLECTION_COLUMNS("") " FROM face_collections "
      "WHERE owner_id = $1 AND name > $2 ORDER BY name LIMIT $3";
  return read([&](Session& s) -> Result<std::vector<FaceCollection>> {
    return read_all<FaceCollection>(s.run(kSelect, owner, after_name, clamp_limit(limit)),
                                    read_collection);
  });
}

Result<bool> PostgresStore::delete_collection(UserId owner, std::string_view name) {
  // The faces go with the row (ON DELETE CASCADE); deleting it waits for an add that holds it.
  static constexpr const char* kDelete =
      "DELETE FROM face_collections WHERE owner_id = $1 AND name = $2";
  return write(
      [&](Session& s) -> Result<bool> { return s.run(kDelete, owner, name).affected_rows() > 0; });
}

Result<IndexedImageFaces> PostgresStore::add_collection_faces(const NewImageFaces& image) {
  // Read after the lock: under READ COMMITTED each statement sees what committed before it
  // started, so a concurrent add of the same image that held the lock is seen here.
  static constexpr const char* kEarlier =
      "SELECT " FINDME_COLLECTION_FACE_COLUMNS(
          "") " FROM collection_faces "
              "WHERE collection_id = $1 AND image_id = $2 AND external_image_id = $3 ORDER BY seq";
  static constexpr const char* kInsert =
      "INSERT INTO collection_faces (face_id, collection_id, image_id, external_image_id, "
      "box_left, box_top, box_width, box_height, confidence, embedding, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
      "RETURNING " FINDME_COLLECTION_FACE_COLUMNS("");
  const Timestamp now = clock_.now();
  return write([&](Session& s) -> Result<IndexedImageFaces> {
    if (!lock_collection(s, image.collection)) {
      return make_error(Errc::not_found, "the collection does not exist");
    }
    std::vector<CollectionFace> earlier = read_all<CollectionFace>(
        s.run(kEarlier, image.collection, image.image_id, image.external_image_id),
        read_collection_face);
    if (!earlier.empty()) return IndexedImageFaces{std::move(earlier), true};
    IndexedImageFaces stored;
    if (image.faces.empty()) return stored;
    stored.faces.reserve(image.faces.size());
    for (const NewCollectionFace& f : image.faces) {
      pqxx::result row =
          s.run(kInsert, f.face_id, image.collection, image.image_id, image.external_image_id,
                f.left, f.top, f.width, f.height, f.confidence, f.embedding, now);
      stored.faces.push_back(read_collection_face(row[0]));
    }
    record_faces_change(s, image.collection, static_cast<std::int64_t>(stored.faces.size()));
    return stored;
  });
}

Result<std::vector<CollectionFace>> PostgresStore::list_collection_faces(CollectionId collection,
                                                                         std::int64_t after_seq,
                                                                         int limit) {
  static constexpr const char* kSelect = "SELECT " FINDME_COLLECTION_FACE_COLUMNS(
      "") " FROM collection_faces WHERE collection_id = $1 AND seq > $2 ORDER BY seq LIMIT $3";
  return read([&](Session& s) -> Result<std::vector<CollectionFace>> {
    return read_all<CollectionFace>(s.run(kSelect, collection, after_seq, clamp_limit(limit)),
                                    read_collection_face);
  });
}

Result<std::optional<CollectionFace>> PostgresStore::find_collection_face(
    CollectionId collection, std::string_view face_id) {
  static constexpr const char* kSelect = "SELECT " FINDME_COLLECTION_FACE_COLUMNS(
      "") " FROM collection_faces WHERE face_id = $1 AND collection_id = $2";
  return read([&](Session& s) -> Result<std::optional<CollectionFace>> {
    return read_one<CollectionFace>(s.run(kSelect, face_id, collection), read_collection_face);
  });
}

Result<std::vector<std::string>> PostgresStore::delete_collection_faces(
    CollectionId collection, std::span<const std::string> face_ids) {
  static constexpr const char* kDelete =
      "DELETE FROM collection_faces WHERE face_id = $1 AND collection_id = $2";
  return write([&](Session& s) -> Result<std::vector<std::string>> {
    std::vector<std::string> deleted;
    // A gone collection has no faces to delete. The lock orders this after a running add.
    if (face_ids.empty() || !lock_collection(s, collection)) return deleted;
    for (const std::string& face_id : face_ids) {
      // An id given twice is deleted once.
      if (s.run(kDelete, face_id, collection).affected_rows() > 0) deleted.push_back(face_id);
    }
    if (!deleted.empty()) {
      record_faces_change(s, collection, -static_cast<std::int64_t>(deleted.size()));
    }
    return deleted;
  });
}

}  // namespace findme::store::postgres
