// SqliteStore: access keys and face collections of the Rekognition-compatible API (migration 7).
// Every change to a collection's faces runs in the one write transaction (BEGIN IMMEDIATE, also
// across processes), so the duplicate check of add_collection_faces and its inserts cannot
// interleave with another call, and face_count and faces_version move with the rows.
#include <algorithm>
#include <string>

#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/sqlite_store_inl.h"

namespace findme::store::sqlite {
namespace {

// SQLite reads a negative LIMIT as "no limit"; the contract's `limit` is an upper bound.
int clamp_limit(int limit) { return std::max(limit, 0); }

// The collection's faces of one image with one external image id, in insertion order.
Result<std::vector<CollectionFace>> faces_of_image(Connection& c, const NewImageFaces& image) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_COLLECTION_FACE_COLUMNS(
          "") " FROM collection_faces "
              "WHERE collection_id = ? AND image_id = ? AND external_image_id = ? ORDER BY seq";
  Result<Statement> stmt = c.prepare(kSelect);
  if (!stmt) return stmt.error();
  return read_all<CollectionFace>(
      stmt->bind_all(image.collection, image.image_id, image.external_image_id),
      read_collection_face);
}

Result<CollectionFace> insert_collection_face(Connection& c, const NewImageFaces& image,
                                              const NewCollectionFace& f, Timestamp now) {
  static constexpr const char* kInsert =
      "INSERT INTO collection_faces (face_id, collection_id, image_id, external_image_id, "
      "box_left, box_top, box_width, box_height, confidence, embedding, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING " FINDME_COLLECTION_FACE_COLUMNS("");
  Result<Statement> stmt = c.prepare(kInsert);
  if (!stmt) return stmt.error();
  stmt->bind_all(f.face_id, image.collection, image.image_id, image.external_image_id, f.left,
                 f.top, f.width, f.height, f.confidence, f.embedding, now);
  Result<std::optional<CollectionFace>> row = read_one<CollectionFace>(*stmt, read_collection_face);
  if (!row) return row.error();
  if (Result<void> done = stmt->run(); !done) return done.error();
  return std::move(**row);
}

// Adds `delta` faces (negative: removed) to the collection's count and bumps its version.
Result<void> record_faces_change(Connection& c, CollectionId collection, std::int64_t delta) {
  static constexpr const char* kUpdate =
      "UPDATE face_collections SET face_count = face_count + ?, "
      "faces_version = faces_version + 1 WHERE id = ?";
  Result<Statement> stmt = c.prepare(kUpdate);
  if (!stmt) return stmt.error();
  return stmt->bind_all(delta, collection).run();
}

}  // namespace

// ---- access keys ---------------------------------------------------------------------------

Result<void> SqliteStore::create_access_key(const NewAccessKey& key) {
  static constexpr const char* kInsert =
      "INSERT INTO access_keys (id, user_id, secret, created_at, read_only) "
      "VALUES (?, ?, ?, ?, ?)";
  const Timestamp now = clock_.now();
  return write([&](Connection& c) -> Result<void> {
    Result<Statement> stmt = c.prepare(kInsert);
    if (!stmt) return stmt.error();
    Result<void> done = stmt->bind_all(key.id, key.user_id, key.secret, now, key.read_only).run();
    if (!done && stmt->last_rc() == SQLITE_CONSTRAINT_FOREIGNKEY) {
      return make_error(Errc::not_found, "the account does not exist");
    }
    return done;
  });
}

Result<std::optional<AccessKey>> SqliteStore::find_access_key(std::string_view id, bool touch) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_ACCESS_KEY_COLUMNS("") " FROM access_keys WHERE id = ?";
  static constexpr const char* kTouch =
      "UPDATE access_keys SET last_used_at = ? WHERE id = ? "
      "RETURNING " FINDME_ACCESS_KEY_COLUMNS("");
  if (!touch) {
    return read([&](Connection& c) -> Result<std::optional<AccessKey>> {
      Result<Statement> stmt = c.prepare(kSelect);
      if (!stmt) return stmt.error();
      return read_one<AccessKey>(stmt->bind_all(id), read_access_key);
    });
  }
  const Timestamp now = clock_.now();
  return write([&](Connection& c) -> Result<std::optional<AccessKey>> {
    Result<Statement> stmt = c.prepare(kTouch);
    if (!stmt) return stmt.error();
    Result<std::optional<AccessKey>> key =
        read_one<AccessKey>(stmt->bind_all(now, id), read_access_key);
    if (!key) return key;
    if (Result<void> done = stmt->run(); !done) return done.error();
    return key;
  });
}

Result<std::vector<AccessKey>> SqliteStore::list_access_keys(UserId user) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_ACCESS_KEY_COLUMNS("") " FROM access_keys WHERE user_id = ? ORDER BY seq";
  return read([&](Connection& c) -> Result<std::vector<AccessKey>> {
    Result<Statement> stmt = c.prepare(kSelect);
    if (!stmt) return stmt.error();
    return read_all<AccessKey>(stmt->bind_all(user), read_access_key);
  });
}

Result<bool> SqliteStore::delete_access_key(UserId user, std::string_view id) {
  static constexpr const char* kDelete = "DELETE FROM access_keys WHERE user_id = ? AND id = ?";
  return write([&](Connection& c) -> Result<bool> {
    Result<Statement> stmt = c.prepare(kDelete);
    if (!stmt) return stmt.error();
    if (Result<void> done = stmt->bind_all(user, id).run(); !done) return done.error();
    return c.changes() > 0;
  });
}

// ---- face collections ----------------------------------------------------------------------

Result<std::optional<FaceCollection>> SqliteStore::create_collection(UserId owner,
                                                                     std::string_view name) {
  static constexpr const char* kInsert =
      "INSERT INTO face_collections (owner_id, name, created_at) VALUES (?, ?, ?) "
      "ON CONFLICT (owner_id, name) DO NOTHING RETURNING " FINDME_COLLECTION_COLUMNS("");
  const Timestamp now = clock_.now();
  return write([&](Connection& c) -> Result<std::optional<FaceCollection>> {
    Result<Statement> stmt = c.prepare(kInsert);
    if (!stmt) return stmt.error();
    Result<std::optional<FaceCollection>> created =
        read_one<FaceCollection>(stmt->bind_all(owner, name, now), read_collection);
    if (!created) {
      if (stmt->last_rc() == SQLITE_CONSTRAINT_FOREIGNKEY) {
        return make_error(Errc::not_found, "the account does not exist");
      }
      return created;
    }
    if (Result<void> done = stmt->run(); !done) return done.error();
    return created;  // no row: the owner already has a collection of that name
  });
}

Result<std::optional<FaceCollection>> SqliteStore::find_collection(UserId owner,
                                                                   std::string_view name) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_COLLECTION_COLUMNS("") " FROM face_collections "
      "WHERE owner_id = ? AND name = ?";
  return read([&](Connection& c) -> Result<std::optional<FaceCollection>> {
    Result<Statement> stmt = c.prepare(kSelect);
    if (!stmt) return stmt.error();
    return read_one<FaceCollection>(stmt->bind_all(owner, name), read_collection);
  });
}

Result<std::vector<FaceCollection>> SqliteStore::list_collections(UserId owner,
                                                                  std::string_view after_name,
                                                                  int limit) {
  // The BINARY collation compares bytes (memcmp), the contract's order.
  static constexpr const char* kSelect =
      "SELECT " FINDME_COLLECTION_COLUMNS("") " FROM face_collections "
      "WHERE owner_id = ? AND name > ? ORDER BY name LIMIT ?";
  return read([&](Connection& c) -> Result<std::vector<FaceCollection>> {
    Result<Statement> stmt = c.prepare(kSelect);
    if (!stmt) return stmt.error();
    return read_all<FaceCollection>(stmt->bind_all(owner, after_name, clamp_limit(limit)),
                                    read_collection);
  });
}

Result<bool> SqliteStore::delete_collection(UserId owner, std::string_view name) {
  // The faces go with the row (ON DELETE CASCADE).
  static constexpr const char* kDelete =
      "DELETE FROM face_collections WHERE owner_id = ? AND name = ?";
  return write([&](Connection& c) -> Result<bool> {
    Result<Statement> stmt = c.prepare(kDelete);
    if (!stmt) return stmt.error();
    if (Result<void> done = stmt->bind_all(owner, name).run(); !done) return done.error();
    return c.changes() > 0;
  });
}

Result<IndexedImageFaces> SqliteStore::add_collection_faces(const NewImageFaces& image) {
  static constexpr const char* kExists = "SELECT 1 FROM face_collections WHERE id = ?";
  const Timestamp now = clock_.now();
  return write([&](Connection& c) -> Result<IndexedImageFaces> {
    Result<Statement> exists = c.prepare(kExists);
    if (!exists) return exists.error();
    Result<bool> found = exists->bind_all(image.collection).step();
    if (!found) return found.error();
    if (!*found) return make_error(Errc::not_found, "the collection does not exist");
    Result<std::vector<CollectionFace>> earlier = faces_of_image(c, image);
    if (!earlier) return earlier.error();
    if (!earlier->empty()) return IndexedImageFaces{std::move(*earlier), true};
    IndexedImageFaces stored;
    if (image.faces.empty()) return stored;
    stored.faces.reserve(image.faces.size());
    for (const NewCollectionFace& face : image.faces) {
      Result<CollectionFace> row = insert_collection_face(c, image, face, now);
      if (!row) return row.error();
      stored.faces.push_back(std::move(*row));
    }
    const auto added = static_cast<std::int64_t>(stored.faces.size());
    if (Result<void> done = record_faces_change(c, image.collection, added); !done) {
      return done.error();
    }
    return stored;
  });
}

Result<std::vector<CollectionFace>> SqliteStore::list_collection_faces(CollectionId collection,
                                                                       std::int64_t after_seq,
                                                                       int limit) {
  static constexpr const char* kSelect = "SELECT " FINDME_COLLECTION_FACE_COLUMNS(
      "") " FROM collection_faces WHERE collection_id = ? AND seq > ? ORDER BY seq LIMIT ?";
  return read([&](Connection& c) -> Result<std::vector<CollectionFace>> {
    Result<Statement> stmt = c.prepare(kSelect);
    if (!stmt) return stmt.error();
    return read_all<CollectionFace>(stmt->bind_all(collection, after_seq, clamp_limit(limit)),
                                    read_collection_face);
  });
}

Result<std::optional<CollectionFace>> SqliteStore::find_collection_face(CollectionId collection,
                                                                        std::string_view face_id) {
  static constexpr const char* kSelect = "SELECT " FINDME_COLLECTION_FACE_COLUMNS(
      "") " FROM collection_faces WHERE face_id = ? AND collection_id = ?";
  return read([&](Connection& c) -> Result<std::optional<CollectionFace>> {
    Result<Statement> stmt = c.prepare(kSelect);
    if (!stmt) return stmt.error();
    return read_one<CollectionFace>(stmt->bind_all(face_id, collection), read_collection_face);
  });
}

Result<std::vector<std::string>> SqliteStore::delete_collection_faces(
    CollectionId collection, std::span<const std::string> face_ids) {
  static constexpr const char* kDelete =
      "DELETE FROM collection_faces WHERE face_id = ? AND collection_id = ?";
  return write([&](Connection& c) -> Result<std::vector<std::string>> {
    std::vector<std::string> deleted;
    for (const std::string& face_id : face_ids) {
      Result<Statement> stmt = c.prepare(kDelete);
      if (!stmt) return stmt.error();
      if (Result<void> done = stmt->bind_all(face_id, collection).run(); !done) {
        return done.error();
      }
      if (c.changes() > 0) deleted.push_back(face_id);  // an id given twice is deleted once
    }
    if (deleted.empty()) return deleted;
    const auto removed = -static_cast<std::int64_t>(deleted.size());
    if (Result<void> done = record_faces_change(c, collection, removed); !done) {
      return done.error();
    }
    return deleted;
  });
}

}  // namespace findme::store::sqlite
