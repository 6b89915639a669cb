// SqliteStore: selfies and matches.
#include <string>

#include "store/sqlite/next_id.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/sqlite_store_inl.h"
#include "store/stored_enums.h"

namespace findme::store::sqlite {
namespace {

MatchedPhoto read_matched_photo(const Statement& row, int c) {
  MatchedPhoto m;
  m.photo = read_photo(row, c);
  m.event_code = row.text(c + kPhotoColumns);
  m.face_id = row.id<FaceId>(c + kPhotoColumns + 1);
  m.distance = static_cast<float>(row.real(c + kPhotoColumns + 2));
  return m;
}

AttendeeFace read_attendee_face(const Statement& row, int c) {
  AttendeeFace a;
  a.user_id = row.id<UserId>(c);
  a.selfie_id = row.id<SelfieId>(c + 1);
  row.embedding(c + 2, a.embedding);
  a.confirmed_face = row.int64(c + 3) != 0;
  return a;
}

}  // namespace

Result<SelfieAndJob> SqliteStore::add_selfie_and_enqueue(const NewSelfie& selfie, NewJob job) {
  static constexpr const char* kInsert =
      "INSERT INTO selfies (id, user_id, storage_key, created_at) "
      "VALUES (" FINDME_NEXT_ID("selfies") ", ?, ?, ?) "
      "RETURNING " FINDME_SELFIE_COLUMNS("");
  Timestamp now = clock_.now();
  Result<SelfieAndJob> added = write([&](Connection& c) -> Result<SelfieAndJob> {
    Result<Statement> stmt = c.prepare(kInsert);
    if (!stmt) return stmt.error();
    stmt->bind_all(selfie.user_id, selfie.storage_key, now);
    Result<std::optional<Selfie>> row = read_one<Selfie>(*stmt, read_selfie);
    if (!row) {
      if (stmt->last_rc() == SQLITE_CONSTRAINT_FOREIGNKEY) {
        return make_error(Errc::not_found, "the account does not exist");
      }
      return row.error();
    }
    if (Result<void> done = stmt->run(); !done) return done.error();
    job.kind = JobKind::match_selfie;
    job.owner_id = selfie.user_id;
    job.selfie_id = (*row)->id;
    Result<Job> queued = insert_job(c, job, now);
    if (!queued) return queued.error();
    return SelfieAndJob{std::move(**row), std::move(*queued)};
  });
  if (added) announce_queued(added->job);
  return added;
}

Result<std::optional<Selfie>> SqliteStore::find_selfie(SelfieId id) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_SELFIE_COLUMNS("") " FROM selfies WHERE id = ?";
  return read([&](Connection& c) -> Result<std::optional<Selfie>> {
    Result<Statement> stmt = c.prepare(kSelect);
    if (!stmt) return stmt.error();
    return read_one<Selfie>(stmt->bind_all(id), read_selfie);
  });
}

Result<std::vector<Selfie>> SqliteStore::list_user_selfies(UserId user) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_SELFIE_COLUMNS("") " FROM selfies WHERE user_id = ? ORDER BY id";
  return read([&](Connection& c) -> Result<std::vector<Selfie>> {
    Result<Statement> stmt = c.prepare(kSelect);
    if (!stmt) return stmt.error();
    return read_all<Selfie>(stmt->bind_all(user), read_selfie);
  });
}

Result<void> SqliteStore::set_selfie_embedding(SelfieId selfie, const FaceVector& embedding) {
  static constexpr const char* kUpdate = "UPDATE selfies SET embedding = ? WHERE id = ?";
  return write([&](Connection& c) -> Result<void> {
    Result<Statement> stmt = c.prepare(kUpdate);
    if (!stmt) return stmt.error();
    if (Result<void> done = stmt->bind_all(embedding, selfie).run(); !done) return done;
    if (c.changes() == 0) return make_error(Errc::not_found, "the selfie does not exist");
    return {};
  });
}

Result<std::vector<AttendeeFace>> SqliteStore::list_attendee_faces(EventId event) {
  static constexpr const char* kSelect =
      "SELECT s.user_id, s.id, s.embedding, s.event_id IS NOT NULL FROM memberships AS m "
      "JOIN selfies AS s ON s.user_id = m.user_id "
      "WHERE m.event_id = ?1 AND s.embedding IS NOT NULL "
      "  AND (s.event_id IS NULL OR s.event_id = ?1) ORDER BY s.id";
  return read([&](Connection& c) -> Result<std::vector<AttendeeFace>> {
    Result<Statement> stmt = c.prepare(kSelect);
    if (!stmt) return stmt.error();
    return read_all<AttendeeFace>(stmt->bind_all(event), read_attendee_face);
  });
}

Result<void> SqliteStore::upsert_matches(std::span<const NewMatch> matches) {
  // INSERT ... SELECT skips a vanished photo or user; the face id is nulled when the face was
  // replaced meanwhile. On conflict the smaller distance wins, with its face; sure wins over
  // maybe; `state` (the attendee's answer) stays.
  static constexpr const char* kUpsert =
      "INSERT INTO matches (user_id, photo_id, event_id, face_id, distance, band, created_at) "
      "SELECT ?1, p.id, p.event_id, (SELECT id FROM faces WHERE id = ?3), ?4, ?6, ?5 "
      "FROM photos AS p WHERE p.id = ?2 AND EXISTS (SELECT 1 FROM users WHERE id = ?1) "
      "ON CONFLICT (user_id, photo_id) DO UPDATE SET "
      "  face_id = CASE WHEN excluded.distance < matches.distance OR matches.face_id IS NULL "
      "                 THEN coalesce(excluded.face_id, matches.face_id) "
      "                 ELSE matches.face_id END, "
      "  distance = min(matches.distance, excluded.distance), "
      "  band = CASE WHEN matches.band = 'sure' OR excluded.band = 'sure' "
      "              THEN 'sure' ELSE 'maybe' END";
  Timestamp now = clock_.now();
  return write([&](Connection& c) -> Result<void> {
    for (const NewMatch& m : matches) {
      Result<Statement> stmt = c.prepare(kUpsert);
      if (!stmt) return stmt.error();
      stmt->bind_all(m.user_id, m.photo_id, m.face_id, m.distance, now, to_string(m.band));
      if (Result<void> done = stmt->run(); !done) return done;
    }
    return {};
  });
}

Result<bool> SqliteStore::hide_match(UserId user, PhotoId photo) {
  static constexpr const char* kUpdate =
      "UPDATE matches SET state = 'rejected' WHERE user_id = ? AND photo_id = ?";
  return write([&](Connection& c) -> Result<bool> {
    Result<Statement> stmt = c.prepare(kUpdate);
    if (!stmt) return stmt.error();
    if (Result<void> done = stmt->bind_all(user, photo).run(); !done) return done.error();
    return c.changes() > 0;
  });
}

Result<std::vector<MatchedPhoto>> SqliteStore::list_user_matches(UserId user,
                                                                 std::optional<EventId> event) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_PHOTO_COLUMNS("p.") ", e.code, m.face_id, m.distance FROM matches AS m "
      "JOIN photos AS p ON p.id = m.photo_id JOIN events AS e ON e.id = m.event_id "
      "WHERE m.user_id = ?1 AND " FINDME_MATCH_VISIBLE("m.") " AND (?2 IS NULL OR m.event_id = ?2) "
      "ORDER BY m.distance, m.photo_id";
  return read([&](Connection& c) -> Result<std::vector<MatchedPhoto>> {
    Result<Statement> stmt = c.prepare(kSelect);
    if (!stmt) return stmt.error();
    stmt->bind_all(user, event.value_or(EventId{}));
    return read_all<MatchedPhoto>(*stmt, read_matched_photo);
  });
}

Result<std::int64_t> SqliteStore::count_user_matches(UserId user, std::optional<EventId> event) {
  static constexpr const char* kCount =
      "SELECT count(*) FROM matches "
      "WHERE user_id = ?1 AND " FINDME_MATCH_VISIBLE("") " AND (?2 IS NULL OR event_id = ?2)";
  return read([&](Connection& c) -> Result<std::int64_t> {
    Result<Statement> stmt = c.prepare(kCount);
    if (!stmt) return stmt.error();
    Result<bool> row = stmt->bind_all(user, event.value_or(EventId{})).step();
    if (!row) return row.error();
    return stmt->int64(0);
  });
}

}  // namespace findme::store::sqlite
