// SqliteStore: photos, faces, selfies and matches.
#include <string>

#include "store/sqlite/next_id.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/sqlite_store_inl.h"
#include "store/stored_enums.h"

namespace findme::store::sqlite {
namespace {

Error gone(std::string_view what) {
  return make_error(Errc::not_found, std::string(what) + " does not exist");
}

// Replaces the photo's faces; returns them in input order.
Result<std::vector<Face>> replace_faces(Connection& c, PhotoId photo, EventId event,
                                        const std::vector<NewFace>& faces) {
  static constexpr const char* kDelete = "DELETE FROM faces WHERE photo_id = ?";
  static constexpr const char* kInsert =
      "INSERT INTO faces (id, photo_id, event_id, box_x, box_y, box_width, box_height, "
      "detection_score, usable, embedding) "
      "VALUES (" FINDME_NEXT_ID("faces") ", ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "RETURNING " FINDME_FACE_COLUMNS("");
  Result<Statement> del = c.prepare(kDelete);
  if (!del) return del.error();
  if (Result<void> done = del->bind_all(photo).run(); !done) return done.error();
  std::vector<Face> stored;
  stored.reserve(faces.size());
  for (const NewFace& f : faces) {
    Result<Statement> ins = c.prepare(kInsert);
    if (!ins) return ins.error();
    ins->bind_all(photo, event, f.box.x, f.box.y, f.box.width, f.box.height, f.detection_score,
                  f.usable, f.embedding);
    Result<std::optional<Face>> row = read_one<Face>(*ins, read_face);
    if (!row) return row.error();
    stored.push_back(**row);
    if (Result<void> done = ins->run(); !done) return done.error();
  }
  return stored;
}

// The event's photo with that content and its latest indexing job, as a duplicate.
Result<std::optional<PhotoAndJob>> photo_by_content(Connection& c, EventId event,
                                                    std::string_view content_sha256) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_PHOTO_COLUMNS("p.") ", " FINDME_JOB_COLUMNS(
          "j.") " FROM photos p JOIN jobs j ON j.photo_id = p.id AND j.kind = 'index_photo' "
                "WHERE p.event_id = ? AND p.content_sha256 = ? ORDER BY j.id DESC LIMIT 1";
  Result<Statement> stmt = c.prepare(kSelect);
  if (!stmt) return stmt.error();
  return read_one<PhotoAndJob>(
      stmt->bind_all(event, content_sha256), [](const Statement& row, int) {
        return PhotoAndJob{read_photo(row, 0), read_job(row, kPhotoColumns), true};
      });
}

}  // namespace

Result<std::optional<PhotoAndJob>> SqliteStore::find_photo_by_content(
    EventId event, std::string_view content_sha256) {
  return read([&](Connection& c) { return photo_by_content(c, event, content_sha256); });
}

Result<PhotoAndJob> SqliteStore::add_photo_and_enqueue(const NewPhoto& photo) {
  static constexpr const char* kInsert =
      "INSERT INTO photos (id, event_id, filename, storage_key, thumbnail_key, content_type, "
      "byte_size, width, height, status, created_at, content_sha256) "
      "VALUES (" FINDME_NEXT_ID("photos") ", ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, nullif(?, '')) "
      "RETURNING " FINDME_PHOTO_COLUMNS("");
  Timestamp now = clock_.now();
  Result<PhotoAndJob> added = write([&](Connection& c) -> Result<PhotoAndJob> {
    // Writers are serialised (one write transaction at a time, across processes too), so the
    // look-up and the insert cannot interleave with another upload of the same content.
    if (!photo.content_sha256.empty()) {
      Result<std::optional<PhotoAndJob>> existing =
          photo_by_content(c, photo.event_id, photo.content_sha256);
      if (!existing) return existing.error();
      if (*existing) return std::move(**existing);
    }
    Result<Statement> stmt = c.prepare(kInsert);
    if (!stmt) return stmt.error();
    stmt->bind_all(photo.event_id, photo.filename, photo.storage_key, photo.thumbnail_key,
                   photo.content_type, photo.byte_size, photo.width, photo.height, now,
                   photo.content_sha256);
    Result<std::optional<Photo>> row = read_one<Photo>(*stmt, read_photo);
    if (!row) {
      if (stmt->last_rc() == SQLITE_CONSTRAINT_FOREIGNKEY) return gone("the event");
      return row.error();
    }
    if (Result<void> done = stmt->run(); !done) return done.error();
    NewJob job{.kind = JobKind::index_photo,
               .owner_id = photo.uploaded_by,
               .event_id = photo.event_id,
               .photo_id = (*row)->id,
               .priority = kPriorityBackground};
    Result<Job> queued = insert_job(c, job, now);
    if (!queued) return queued.error();
    return PhotoAndJob{std::move(**row), std::move(*queued)};
  });
  if (added) announce_queued(added->job);
  return added;
}

Result<std::optional<Photo>> SqliteStore::find_photo(PhotoId id) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_PHOTO_COLUMNS("") " FROM photos WHERE id = ?";
  return read([&](Connection& c) -> Result<std::optional<Photo>> {
    Result<Statement> stmt = c.prepare(kSelect);
    if (!stmt) return stmt.error();
    return read_one<Photo>(stmt->bind_all(id), read_photo);
  });
}

Result<std::vector<Photo>> SqliteStore::list_event_photos(EventId event) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_PHOTO_COLUMNS("") " FROM photos WHERE event_id = ? ORDER BY id";
  return read([&](Connection& c) -> Result<std::vector<Photo>> {
    Result<Statement> stmt = c.prepare(kSelect);
    if (!stmt) return stmt.error();
    return read_all<Photo>(stmt->bind_all(event), read_photo);
  });
}

Result<std::vector<Face>> SqliteStore::save_photo_index(PhotoId photo, const PhotoIndex& index) {
  static constexpr const char* kEventOf = "SELECT event_id FROM photos WHERE id = ?";
  static constexpr const char* kUpdate =
      "UPDATE photos SET width = ?, height = ?, "
      "thumbnail_key = CASE WHEN ?3 = '' THEN thumbnail_key ELSE ?3 END, "
      "face_count = ?, status = 'indexed', error = '' WHERE id = ?";
  return write([&](Connection& c) -> Result<std::vector<Face>> {
    Result<Statement> event_of = c.prepare(kEventOf);
    if (!event_of) return event_of.error();
    Result<bool> row = event_of->bind_all(photo).step();
    if (!row) return row.error();
    if (!*row) return gone("the photo");
    EventId event = event_of->id<EventId>(0);
    Result<std::vector<Face>> faces = replace_faces(c, photo, event, index.faces);
    if (!faces) return faces;
    Result<Statement> update = c.prepare(kUpdate);
    if (!update) return update.error();
    update->bind_all(index.width, index.height, index.thumbnail_key,
                     static_cast<std::int64_t>(faces->size()), photo);
    if (Result<void> done = update->run(); !done) return done.error();
    return faces;
  });
}

Result<void> SqliteStore::mark_photo_failed(PhotoId photo, std::string_view error_code) {
  static constexpr const char* kUpdate =
      "UPDATE photos SET status = 'failed', error = ? WHERE id = ?";
  return write([&](Connection& c) -> Result<void> {
    Result<Statement> stmt = c.prepare(kUpdate);
    if (!stmt) return stmt.error();
    if (Result<void> done = stmt->bind_all(error_code, photo).run(); !done) return done;
    if (c.changes() == 0) return gone("the photo");
    return {};
  });
}

Result<std::vector<Face>> SqliteStore::list_event_faces(EventId event) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_FACE_COLUMNS("") " FROM faces WHERE event_id = ? ORDER BY id";
  return read([&](Connection& c) -> Result<std::vector<Face>> {
    Result<Statement> stmt = c.prepare(kSelect);
    if (!stmt) return stmt.error();
    return read_all<Face>(stmt->bind_all(event), read_face);
  });
}

Result<std::vector<Face>> SqliteStore::list_photo_faces(PhotoId photo) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_FACE_COLUMNS("") " FROM faces WHERE photo_id = ? ORDER BY id";
  return read([&](Connection& c) -> Result<std::vector<Face>> {
    Result<Statement> stmt = c.prepare(kSelect);
    if (!stmt) return stmt.error();
    return read_all<Face>(stmt->bind_all(photo), read_face);
  });
}

Result<bool> SqliteStore::can_view_photo(UserId user, PhotoId photo) {
  static constexpr const char* kSelect =
      "SELECT EXISTS (SELECT 1 FROM photos AS p JOIN events AS e ON e.id = p.event_id "
      "               WHERE p.id = ?2 AND e.organizer_id = ?1) "
      "    OR EXISTS (SELECT 1 FROM matches WHERE user_id = ?1 AND photo_id = ?2 "
      "               AND " FINDME_MATCH_VISIBLE("") ")";
  return read([&](Connection& c) -> Result<bool> {
    Result<Statement> stmt = c.prepare(kSelect);
    if (!stmt) return stmt.error();
    Result<bool> row = stmt->bind_all(user, photo).step();
    if (!row) return row.error();
    return stmt->int64(0) != 0;
  });
}

}  // namespace findme::store::sqlite

namespace findme::store::sqlite {
namespace {

// Kinds as FileReference::Kind: 0 photo, 1 thumbnail, 2 selfie (PostgreSQL runs the same).
constexpr const char* kFileReferences =
    "SELECT 0, id, storage_key, byte_size, coalesce(content_sha256, '') FROM photos "
    "UNION ALL SELECT 1, id, thumbnail_key, -1, '' FROM photos WHERE thumbnail_key <> '' "
    "UNION ALL SELECT 2, id, storage_key, -1, '' FROM selfies WHERE storage_key <> '' "
    "ORDER BY 1, 2";

}  // namespace

Result<std::vector<FileReference>> SqliteStore::list_file_references() {
  return read([&](Connection& c) -> Result<std::vector<FileReference>> {
    Result<Statement> stmt = c.prepare(kFileReferences);
    if (!stmt) return stmt.error();
    return read_all<FileReference>(*stmt, [](const Statement& row, int) {
      return FileReference{.kind = static_cast<FileReference::Kind>(row.int32(0)),
                           .row_id = row.int64(1),
                           .key = row.text(2),
                           .byte_size = row.int64(3),
                           .content_sha256 = row.text(4)};
    });
  });
}

Result<std::vector<Photo>> SqliteStore::list_stranded_photos() {
  static constexpr const char* kSelect =
      "SELECT " FINDME_PHOTO_COLUMNS("p.") " FROM photos p WHERE p.status = 'queued' AND NOT "
      "EXISTS (SELECT 1 FROM jobs j WHERE j.photo_id = p.id AND j.kind = 'index_photo' AND "
      "j.status IN ('queued', 'running')) ORDER BY p.id";
  return read([&](Connection& c) -> Result<std::vector<Photo>> {
    Result<Statement> stmt = c.prepare(kSelect);
    if (!stmt) return stmt.error();
    return read_all<Photo>(*stmt, read_photo);
  });
}

}  // namespace findme::store::sqlite
