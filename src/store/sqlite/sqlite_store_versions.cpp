// SqliteStore: face versions for embedding caches (kept by the triggers of migration 3).
#include <utility>

#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/sqlite_store_inl.h"

namespace findme::store::sqlite {

Result<std::optional<std::int64_t>> SqliteStore::event_faces_version(EventId event) {
  static constexpr const char* kSelect = "SELECT faces_version FROM events WHERE id = ?";
  return read([&](Connection& c) -> Result<std::optional<std::int64_t>> {
    Result<Statement> stmt = c.prepare(kSelect);
    if (!stmt) return stmt.error();
    Result<bool> row = stmt->bind_all(event).step();
    if (!row) return row.error();
    if (!*row) return std::optional<std::int64_t>();
    return std::optional<std::int64_t>(stmt->int64(0));
  });
}

Result<FacesChanges> SqliteStore::event_faces_changed_since(EventId event, std::int64_t since) {
  static constexpr const char* kVersion =
      "SELECT coalesce((SELECT faces_version FROM events WHERE id = ?), 0)";
  static constexpr const char* kPhotos =
      "SELECT id FROM photos WHERE event_id = ? AND faces_version > ? ORDER BY id";
  static constexpr const char* kFaces =
      "SELECT " FINDME_FACE_COLUMNS("f.") " FROM faces AS f JOIN photos AS p ON p.id = f.photo_id "
      "WHERE p.event_id = ? AND p.faces_version > ? ORDER BY f.id";
  return read(
      [&](Connection& c) -> Result<FacesChanges> {
        FacesChanges changes;
        Result<Statement> version = c.prepare(kVersion);
        if (!version) return version.error();
        Result<bool> row = version->bind_all(event).step();
        if (!row) return row.error();
        changes.version = version->int64(0);
        Result<Statement> photos = c.prepare(kPhotos);
        if (!photos) return photos.error();
        Result<std::vector<PhotoId>> ids =
            read_all<PhotoId>(photos->bind_all(event, since),
                              [](const Statement& r, int col) { return r.id<PhotoId>(col); });
        if (!ids) return ids.error();
        changes.photos = std::move(*ids);
        Result<Statement> faces = c.prepare(kFaces);
        if (!faces) return faces.error();
        Result<std::vector<Face>> rows = read_all<Face>(faces->bind_all(event, since), read_face);
        if (!rows) return rows.error();
        changes.faces = std::move(*rows);
        return changes;
      },
      /*snapshot=*/true);
}

}  // namespace findme::store::sqlite
