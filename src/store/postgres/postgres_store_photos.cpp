// PostgresStore: photos, faces and face versions.
#include <string>

#include "store/postgres/postgres_store.h"
#include "store/postgres/postgres_store_inl.h"
#include "store/postgres/rows.h"
#include "store/stored_enums.h"

namespace findme::store::postgres {
namespace {

Error gone(std::string_view what) {
  return make_error(Errc::not_found, std::string(what) + " does not exist");
}

// Replaces the photo's faces; returns them in input order.
std::vector<Face> replace_faces(Session& s, PhotoId photo, EventId event,
                                const std::vector<NewFace>& faces) {
  static constexpr const char* kDelete = "DELETE FROM faces WHERE photo_id = $1";
  static constexpr const char* kInsert =
      "INSERT INTO faces (photo_id, event_id, box_x, box_y, box_width, box_height, "
      "detection_score, usable, embedding) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
      "RETURNING " FINDME_FACE_COLUMNS("");
  s.run(kDelete, photo);
  std::vector<Face> stored;
  stored.reserve(faces.size());
  for (const NewFace& f : faces) {
    pqxx::result row = s.run(kInsert, photo, event, f.box.x, f.box.y, f.box.width, f.box.height,
                             f.detection_score, f.usable, f.embedding);
    stored.push_back(read_face(row[0]));
  }
  return stored;
}

// The event's photo with that content and its latest indexing job, as a duplicate.
std::optional<PhotoAndJob> photo_by_content(Session& s, EventId event,
                                            const std::string& content_sha256) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_PHOTO_COLUMNS("p.") ", " FINDME_JOB_COLUMNS(
          "j.") " FROM photos p JOIN jobs j ON j.photo_id = p.id AND j.kind = 'index_photo' "
                "WHERE p.event_id = $1 AND p.content_sha256 = $2 ORDER BY j.id DESC LIMIT 1";
  return read_one<PhotoAndJob>(
      s.run(kSelect, event, content_sha256), [](const pqxx::row& row, int) {
        return PhotoAndJob{read_photo(row, 0), read_job(row, kPhotoColumns), true};
      });
}

}  // namespace

Result<std::optional<PhotoAndJob>> PostgresStore::find_photo_by_content(
    EventId event, std::string_view content_sha256) {
  return read([&](Session& s) -> Result<std::optional<PhotoAndJob>> {
    return photo_by_content(s, event, std::string(content_sha256));
  });
}

Result<PhotoAndJob> PostgresStore::add_photo_and_enqueue(const NewPhoto& photo) {
  // ON CONFLICT DO NOTHING waits for a concurrent insert of the same content (another request
  // or process) to commit and then inserts nothing; the photo is then read as a duplicate.
  static constexpr const char* kInsert =
      "INSERT INTO photos (event_id, filename, storage_key, thumbnail_key, content_type, "
      "byte_size, width, height, status, created_at, content_sha256) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued', $9, nullif($10, '')) "
      "ON CONFLICT (event_id, content_sha256) WHERE content_sha256 IS NOT NULL DO NOTHING "
      "RETURNING " FINDME_PHOTO_COLUMNS("");
  // SQLite keeps photo_count with triggers; here the same transaction updates it (see migration 2).
  static constexpr const char* kCount =
      "UPDATE events SET photo_count = photo_count + 1 WHERE id = $1";
  Timestamp now = clock_.now();
  return write([&](Session& s) -> Result<PhotoAndJob> {
    try {
      pqxx::result row = s.run(kInsert, photo.event_id, photo.filename, photo.storage_key,
                               photo.thumbnail_key, photo.content_type, photo.byte_size,
                               photo.width, photo.height, now, photo.content_sha256);
      if (row.empty()) {
        std::optional<PhotoAndJob> existing =
            photo_by_content(s, photo.event_id, photo.content_sha256);
        if (!existing) return make_error(Errc::unavailable, "a duplicate photo vanished; retry");
        return std::move(*existing);
      }
      Photo stored = read_photo(row[0]);
      s.run(kCount, photo.event_id);
      NewJob job{.kind = JobKind::index_photo,
                 .owner_id = photo.uploaded_by,
                 .event_id = photo.event_id,
                 .photo_id = stored.id,
                 .priority = kPriorityBackground};
      Job queued = insert_job(s, job, now);
      return PhotoAndJob{std::move(stored), std::move(queued)};
    } catch (const pqxx::foreign_key_violation&) {
      return gone("the event");
    }
  });
}

Result<std::optional<Photo>> PostgresStore::find_photo(PhotoId id) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_PHOTO_COLUMNS("") " FROM photos WHERE id = $1";
  return read([&](Session& s) -> Result<std::optional<Photo>> {
    return read_one<Photo>(s.run(kSelect, id), read_photo);
  });
}

Result<std::vector<Photo>> PostgresStore::list_event_photos(EventId event) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_PHOTO_COLUMNS("") " FROM photos WHERE event_id = $1 ORDER BY id";
  return read([&](Session& s) -> Result<std::vector<Photo>> {
    return read_all<Photo>(s.run(kSelect, event), read_photo);
  });
}

Result<std::vector<Face>> PostgresStore::save_photo_index(PhotoId photo, const PhotoIndex& index) {
  static constexpr const char* kEventOf = "SELECT event_id FROM photos WHERE id = $1";
  // Locks the event row before the photo's (delete_event locks in the same order, so the two
  // cannot deadlock). The bumped version orders face changes across processes.
  static constexpr const char* kBumpVersion =
      "UPDATE events SET faces_version = faces_version + 1 WHERE id = $1 RETURNING faces_version";
  static constexpr const char* kLockPhoto = "SELECT 1 FROM photos WHERE id = $1 FOR UPDATE";
  static constexpr const char* kUpdate =
      "UPDATE photos SET width = $1, height = $2, "
      "thumbnail_key = CASE WHEN $3 = '' THEN thumbnail_key ELSE $3 END, "
      "face_count = $4, status = 'indexed', error = '', faces_version = $5 WHERE id = $6";
  return write([&](Session& s) -> Result<std::vector<Face>> {
    pqxx::result owner = s.run(kEventOf, photo);
    if (owner.empty()) return gone("the photo");
    const EventId event = id<EventId>(owner[0][0]);
    pqxx::result version = s.run(kBumpVersion, event);
    if (version.empty() || s.run(kLockPhoto, photo).empty()) return gone("the photo");
    std::vector<Face> faces = replace_faces(s, photo, event, index.faces);
    s.run(kUpdate, index.width, index.height, index.thumbnail_key,
          static_cast<std::int64_t>(faces.size()), int64(version[0][0]), photo);
    return faces;
  });
}

Result<void> PostgresStore::mark_photo_failed(PhotoId photo, std::string_view error_code) {
  static constexpr const char* kUpdate =
      "UPDATE photos SET status = 'failed', error = $1 WHERE id = $2";
  return write([&](Session& s) -> Result<void> {
    if (s.run(kUpdate, error_code, photo).affected_rows() == 0) return gone("the photo");
    return {};
  });
}

Result<std::vector<Face>> PostgresStore::list_event_faces(EventId event) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_FACE_COLUMNS("") " FROM faces WHERE event_id = $1 ORDER BY id";
  return read([&](Session& s) -> Result<std::vector<Face>> {
    return read_all<Face>(s.run(kSelect, event), read_face);
  });
}

Result<std::vector<Face>> PostgresStore::list_photo_faces(PhotoId photo) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_FACE_COLUMNS("") " FROM faces WHERE photo_id = $1 ORDER BY id";
  return read([&](Session& s) -> Result<std::vector<Face>> {
    return read_all<Face>(s.run(kSelect, photo), read_face);
  });
}

Result<bool> PostgresStore::can_view_photo(UserId user, PhotoId photo) {
  static constexpr const char* kSelect =
      "SELECT EXISTS (SELECT 1 FROM photos AS p JOIN events AS e ON e.id = p.event_id "
      "               WHERE p.id = $2 AND e.organizer_id = $1) "
      "    OR EXISTS (SELECT 1 FROM matches WHERE user_id = $1 AND photo_id = $2 "
      "               AND " FINDME_MATCH_VISIBLE("") ")";
  return read(
      [&](Session& s) -> Result<bool> { return boolean(s.run(kSelect, user, photo)[0][0]); });
}

Result<std::optional<std::int64_t>> PostgresStore::event_faces_version(EventId event) {
  static constexpr const char* kSelect = "SELECT faces_version FROM events WHERE id = $1";
  return read([&](Session& s) -> Result<std::optional<std::int64_t>> {
    pqxx::result rows = s.run(kSelect, event);
    if (rows.empty()) return std::optional<std::int64_t>();
    return std::optional<std::int64_t>(int64(rows[0][0]));
  });
}

Result<FacesChanges> PostgresStore::event_faces_changed_since(EventId event, std::int64_t since) {
  static constexpr const char* kVersion =
      "SELECT coalesce((SELECT faces_version FROM events WHERE id = $1), 0)";
  static constexpr const char* kPhotos =
      "SELECT id FROM photos WHERE event_id = $1 AND faces_version > $2 ORDER BY id";
  static constexpr const char* kFaces =
      "SELECT " FINDME_FACE_COLUMNS("f.") " FROM faces AS f "
      "JOIN photos AS p ON p.id = f.photo_id "
      "WHERE p.event_id = $1 AND p.faces_version > $2 ORDER BY f.id";
  // Three autocommit statements in this order: the version first, so whatever commits in
  // between is either read here or seen as a newer version by the next check.
  return read([&](Session& s) -> Result<FacesChanges> {
    FacesChanges changes;
    changes.version = int64(s.run(kVersion, event)[0][0]);
    changes.photos =
        read_all<PhotoId>(s.run(kPhotos, event, since),
                          [](const pqxx::row& row, int col) { return id<PhotoId>(row[col]); });
    changes.faces = read_all<Face>(s.run(kFaces, event, since), read_face);
    return changes;
  });
}

}  // namespace findme::store::postgres

namespace findme::store::postgres {

Result<std::vector<FileReference>> PostgresStore::list_file_references() {
  // As SQLite's (kind 0 photo, 1 thumbnail, 2 selfie).
  static constexpr const char* kSelect =
      "SELECT 0, id, storage_key, byte_size, coalesce(content_sha256, '') FROM photos "
      "UNION ALL SELECT 1, id, thumbnail_key, -1, '' FROM photos WHERE thumbnail_key <> '' "
      "UNION ALL SELECT 2, id, storage_key, -1, '' FROM selfies WHERE storage_key <> '' "
      "ORDER BY 1, 2";
  return read([&](Session& s) -> Result<std::vector<FileReference>> {
    std::vector<FileReference> out;
    for (const pqxx::row& row : s.run(kSelect)) {
      out.push_back({.kind = static_cast<FileReference::Kind>(row[0].as<int>()),
                     .row_id = row[1].as<std::int64_t>(),
                     .key = row[2].as<std::string>(),
                     .byte_size = row[3].as<std::int64_t>(),
                     .content_sha256 = row[4].as<std::string>()});
    }
    return out;
  });
}

Result<std::vector<Photo>> PostgresStore::list_stranded_photos() {
  static constexpr const char* kSelect =
      "SELECT " FINDME_PHOTO_COLUMNS("p.") " FROM photos p WHERE p.status = 'queued' AND NOT "
      "EXISTS (SELECT 1 FROM jobs j WHERE j.photo_id = p.id AND j.kind = 'index_photo' AND "
      "j.status IN ('queued', 'running')) ORDER BY p.id";
  return read([&](Session& s) -> Result<std::vector<Photo>> {
    return read_all<Photo>(s.run(kSelect), read_photo);
  });
}

}  // namespace findme::store::postgres
