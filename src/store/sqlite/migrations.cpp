#include "store/sqlite/migrations.h"

#include <array>
#include <string>

namespace findme::store::sqlite {
namespace {

struct Migration {
  int version;
  const char* sql;
};

// Version 1: the initial schema. Times are unix milliseconds; ids are INTEGER PRIMARY KEY (rowid
// aliases). An id of "none" is NULL. Every child row cascades with its parent so that deleting a
// user or an event erases everything derived from it.
constexpr const char* kMigration001 = R"sql(
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL COLLATE NOCASE UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('organizer', 'attendee')),
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE tokens (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  expires_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX tokens_user ON tokens(user_id);
CREATE INDEX tokens_expiry ON tokens(expires_at);
CREATE TABLE login_failures (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL COLLATE NOCASE,
  at INTEGER NOT NULL
);
CREATE INDEX login_failures_email ON login_failures(email, at);
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  organizer_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  starts_at INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX events_organizer ON events(organizer_id);
CREATE TABLE memberships (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  consented_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, event_id)
);
CREATE INDEX memberships_event ON memberships(event_id);
CREATE TABLE photos (
  id INTEGER PRIMARY KEY,
  event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  filename TEXT NOT NULL,
  storage_key TEXT NOT NULL,
  thumbnail_key TEXT NOT NULL DEFAULT '',
  content_type TEXT NOT NULL,
  byte_size INTEGER NOT NULL,
  width INTEGER NOT NULL DEFAULT 0,
  height INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL CHECK (status IN ('queued', 'indexed', 'failed')),
  face_count INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE INDEX photos_event ON photos(event_id, status);
CREATE TABLE faces (
  id INTEGER PRIMARY KEY,
  photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
  event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  box_x INTEGER NOT NULL,
  box_y INTEGER NOT NULL,
  box_width INTEGER NOT NULL,
  box_height INTEGER NOT NULL,
  detection_score REAL NOT NULL,
  usable INTEGER NOT NULL,
  embedding BLOB NOT NULL CHECK (length(embedding) = 512)
);
CREATE INDEX faces_photo ON faces(photo_id);
CREATE INDEX faces_event ON faces(event_id);
CREATE TABLE selfies (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  storage_key TEXT NOT NULL,
  embedding BLOB CHECK (embedding IS NULL OR length(embedding) = 512),
  created_at INTEGER NOT NULL
);
CREATE INDEX selfies_user ON selfies(user_id);
CREATE TABLE matches (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
  event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  face_id INTEGER REFERENCES faces(id) ON DELETE SET NULL,
  distance REAL NOT NULL,
  hidden INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, photo_id)
);
CREATE INDEX matches_photo ON matches(photo_id);
CREATE INDEX matches_event ON matches(event_id);
CREATE INDEX matches_face ON matches(face_id);
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('index_photo', 'match_selfie', 'match_new_faces')),
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
  owner_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
  event_id INTEGER REFERENCES events(id) ON DELETE CASCADE,
  photo_id INTEGER REFERENCES photos(id) ON DELETE CASCADE,
  selfie_id INTEGER REFERENCES selfies(id) ON DELETE CASCADE,
  priority INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  run_after INTEGER NOT NULL,
  lease_owner TEXT NOT NULL DEFAULT '',
  lease_until INTEGER,
  error_code TEXT NOT NULL DEFAULT '',
  error_message TEXT NOT NULL DEFAULT '',
  result TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  finished_at INTEGER
);
CREATE INDEX jobs_queue ON jobs(status, priority, run_after, id);
CREATE INDEX jobs_owner ON jobs(owner_id, status);
CREATE INDEX jobs_event ON jobs(event_id, status);
CREATE INDEX jobs_photo ON jobs(photo_id);
CREATE INDEX jobs_selfie ON jobs(selfie_id);
)sql";

// Events keep their photo count as a column, kept exact by triggers in the same transaction as
// the photo rows: the public event page is the hottest read and must not count rows per request.
constexpr const char* kMigration002 = R"sql(
ALTER TABLE events ADD COLUMN photo_count INTEGER NOT NULL DEFAULT 0;
UPDATE events SET photo_count = (SELECT count(*) FROM photos WHERE photos.event_id = events.id);
CREATE TRIGGER photos_count_insert AFTER INSERT ON photos BEGIN
  UPDATE events SET photo_count = photo_count + 1 WHERE id = NEW.event_id;
END;
CREATE TRIGGER photos_count_delete AFTER DELETE ON photos BEGIN
  UPDATE events SET photo_count = photo_count - 1 WHERE id = OLD.event_id;
END;
)sql";

// Version 3: face versions, so that an embedding cache in another process learns what changed.
// events.faces_version grows with every face written or removed, in the same transaction (the
// triggers); photos.faces_version is the event's version at the photo's last face change. When
// an event is deleted its faces go after its row, hence the coalesce.
constexpr const char* kMigration003 = R"sql(
ALTER TABLE events ADD COLUMN faces_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE photos ADD COLUMN faces_version INTEGER NOT NULL DEFAULT 0;
CREATE INDEX photos_faces_version ON photos(event_id, faces_version);
CREATE TRIGGER faces_version_insert AFTER INSERT ON faces BEGIN
  UPDATE events SET faces_version = faces_version + 1 WHERE id = NEW.event_id;
  UPDATE photos SET faces_version = (SELECT faces_version FROM events WHERE id = NEW.event_id)
    WHERE id = NEW.photo_id;
END;
CREATE TRIGGER faces_version_delete AFTER DELETE ON faces BEGIN
  UPDATE events SET faces_version = faces_version + 1 WHERE id = OLD.event_id;
  UPDATE photos SET faces_version =
      coalesce((SELECT faces_version FROM events WHERE id = OLD.event_id), faces_version)
    WHERE id = OLD.photo_id;
END;
)sql";

// Version 4: confidence bands (issue 10). A match has a band (sure: the photo is shown; maybe:
// only the face crop is offered, "Is this you?") and the attendee's answer (state). The old
// hidden flag is state 'rejected'; existing matches were all shown, so they become 'sure'.
// selfies.event_id marks a query face (a confirmed face, no image) that matches in that event
// only and goes with it.
constexpr const char* kMigration004 = R"sql(
ALTER TABLE matches ADD COLUMN band TEXT NOT NULL DEFAULT 'sure'
  CHECK (band IN ('sure', 'maybe'));
ALTER TABLE matches ADD COLUMN state TEXT NOT NULL DEFAULT 'none'
  CHECK (state IN ('none', 'confirmed', 'rejected'));
UPDATE matches SET state = 'rejected' WHERE hidden <> 0;
ALTER TABLE matches DROP COLUMN hidden;
CREATE INDEX matches_user_band ON matches(user_id, band, state);
ALTER TABLE selfies ADD COLUMN event_id INTEGER REFERENCES events(id) ON DELETE CASCADE;
CREATE INDEX selfies_event ON selfies(event_id);
)sql";

// Version 5: safe upload retries (issue 12). photos.content_sha256 is the SHA-256 of the file;
// one photo per content and event (photos from before have none and are not deduplicated).
constexpr const char* kMigration005 = R"sql(
ALTER TABLE photos ADD COLUMN content_sha256 TEXT;
CREATE UNIQUE INDEX photos_event_content ON photos(event_id, content_sha256)
  WHERE content_sha256 IS NOT NULL;
)sql";

// Version 6: Idempotency-Key (issue 12). One row per scope and key: the request's fingerprint,
// and once the work succeeded its answer (status NULL while the claim is open).
constexpr const char* kMigration006 = R"sql(
CREATE TABLE idempotency_keys (
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  status INTEGER,
  body TEXT,
  claimed_at INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_claimed ON idempotency_keys(claimed_at);
)sql";

// Version 7: the Rekognition-compatible API (issue 11). Access keys sign requests for their
// user; a face collection is an organizer's named set of faces (names unique per owner,
// case-sensitive, compared byte by byte as SQLite's default BINARY collation does). Faces are
// boxes in ratios of the image with an embedding stored as faces.embedding is; seq orders them
// for pagination. face_count and faces_version are kept in the transactions that add or delete
// faces (no triggers: a collection's faces only go with it or through delete_collection_faces).
// Everything cascades with the user, as the rest of the schema does.
constexpr const char* kMigration007 = R"sql(
CREATE TABLE access_keys (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  secret TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  read_only INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX access_keys_user ON access_keys(user_id, seq);
CREATE TABLE face_collections (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  face_count INTEGER NOT NULL DEFAULT 0,
  faces_version INTEGER NOT NULL DEFAULT 0,
  UNIQUE (owner_id, name)
);
CREATE TABLE collection_faces (
  seq INTEGER PRIMARY KEY,
  face_id TEXT NOT NULL UNIQUE,
  collection_id INTEGER NOT NULL REFERENCES face_collections(id) ON DELETE CASCADE,
  image_id TEXT NOT NULL,
  external_image_id TEXT NOT NULL DEFAULT '',
  box_left REAL NOT NULL,
  box_top REAL NOT NULL,
  box_width REAL NOT NULL,
  box_height REAL NOT NULL,
  confidence REAL NOT NULL,
  embedding BLOB NOT NULL CHECK (length(embedding) = 512),
  created_at INTEGER NOT NULL
);
CREATE INDEX collection_faces_collection ON collection_faces(collection_id, seq);
CREATE INDEX collection_faces_image
  ON collection_faces(collection_id, image_id, external_image_id);
)sql";

// Version 8: ids are never reused (store/sqlite/next_id.h). The largest id each table has had is
// its floor: rows deleted before this version above today's largest id are not known, so only
// those few may come back once.
constexpr const char* kMigration008 = R"sql(
CREATE TABLE id_floors (
  tbl TEXT PRIMARY KEY,
  last INTEGER NOT NULL
);
INSERT INTO id_floors (tbl, last) SELECT 'users', coalesce(max(id), 0) FROM users;
CREATE TRIGGER users_id_floor AFTER DELETE ON users BEGIN
  UPDATE id_floors SET last = OLD.id WHERE tbl = 'users' AND last < OLD.id;
END;
INSERT INTO id_floors (tbl, last) SELECT 'events', coalesce(max(id), 0) FROM events;
CREATE TRIGGER events_id_floor AFTER DELETE ON events BEGIN
  UPDATE id_floors SET last = OLD.id WHERE tbl = 'events' AND last < OLD.id;
END;
INSERT INTO id_floors (tbl, last) SELECT 'photos', coalesce(max(id), 0) FROM photos;
CREATE TRIGGER photos_id_floor AFTER DELETE ON photos BEGIN
  UPDATE id_floors SET last = OLD.id WHERE tbl = 'photos' AND last < OLD.id;
END;
INSERT INTO id_floors (tbl, last) SELECT 'faces', coalesce(max(id), 0) FROM faces;
CREATE TRIGGER faces_id_floor AFTER DELETE ON faces BEGIN
  UPDATE id_floors SET last = OLD.id WHERE tbl = 'faces' AND last < OLD.id;
END;
INSERT INTO id_floors (tbl, last) SELECT 'selfies', coalesce(max(id), 0) FROM selfies;
CREATE TRIGGER selfies_id_floor AFTER DELETE ON selfies BEGIN
  UPDATE id_floors SET last = OLD.id WHERE tbl = 'selfies' AND last < OLD.id;
END;
INSERT INTO id_floors (tbl, last) SELECT 'jobs', coalesce(max(id), 0) FROM jobs;
CREATE TRIGGER jobs_id_floor AFTER DELETE ON jobs BEGIN
  UPDATE id_floors SET last = OLD.id WHERE tbl = 'jobs' AND last < OLD.id;
END;
)sql";

constexpr std::array kMigrations = {
    Migration{1, kMigration001}, Migration{2, kMigration002}, Migration{3, kMigration003},
    Migration{4, kMigration004}, Migration{5, kMigration005}, Migration{6, kMigration006},
    Migration{7, kMigration007}, Migration{8, kMigration008},
};

constexpr const char* kCreateVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_version ("
    "  version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)";
constexpr const char* kCurrentVersion = "SELECT coalesce(max(version), 0) FROM schema_version";
constexpr const char* kRecordVersion =
    "INSERT INTO schema_version (version, applied_at) "
    "VALUES (?, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))";

Result<int> current_version(Connection& conn) {
  Result<Statement> stmt = conn.prepare(kCurrentVersion);
  if (!stmt) return stmt.error();
  Result<bool> row = stmt->step();
  if (!row) return row.error();
  return stmt->int32(0);
}

Result<void> apply(Connection& conn, const Migration& migration) {
  if (Result<void> r = conn.exec(migration.sql); !r) return r;
  Result<Statement> record = conn.prepare(kRecordVersion);
  if (!record) return record.error();
  return record->bind_all(migration.version).run();
}

// Runs one migration if it is still missing; re-reads the version inside the write lock because
// another process may have migrated meanwhile.
Result<void> apply_if_missing(Connection& conn, const Migration& migration) {
  if (Result<void> r = conn.exec("BEGIN IMMEDIATE"); !r) return r;
  Result<int> version = current_version(conn);
  Result<void> applied;
  if (!version) {
    applied = version.error();
  } else if (*version < migration.version) {
    applied = apply(conn, migration);
  }
  if (!applied) {
    (void)conn.exec("ROLLBACK");
    return applied;
  }
  return conn.exec("COMMIT");
}

}  // namespace

int latest_schema_version() { return kMigrations.back().version; }

Result<void> migrate(Connection& conn, int up_to) {
  if (Result<void> r = conn.exec(kCreateVersionTable); !r) return r;
  Result<int> version = current_version(conn);
  if (!version) return version.error();
  if (*version > latest_schema_version()) {
    return make_error(Errc::internal,
                      "the database was written by a newer findme; upgrade findme to open it");
  }
  for (const Migration& migration : kMigrations) {
    if (migration.version <= *version || migration.version > up_to) continue;
    if (Result<void> r = apply_if_missing(conn, migration); !r) return r;
  }
  return {};
}

}  // namespace findme::store::sqlite
