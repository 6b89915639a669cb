// PostgresStore: selfies and matches.
#include <string>

#include "store/postgres/postgres_store.h"
#include "store/postgres/postgres_store_inl.h"
#include "store/postgres/rows.h"
#include "store/stored_enums.h"

namespace findme::store::postgres {
namespace {

MatchedPhoto read_matched_photo(const pqxx::row& row, int c) {
  MatchedPhoto m;
  m.photo = read_photo(row, c);
  m.event_code = text(row[c + kPhotoColumns]);
  m.face_id = id<FaceId>(row[c + kPhotoColumns + 1]);
  m.distance = static_cast<float>(real(row[c + kPhotoColumns + 2]));
  return m;
}

AttendeeFace read_attendee_face(const pqxx::row& row, int c) {
  AttendeeFace a;
  a.user_id = id<UserId>(row[c]);
  a.selfie_id = id<SelfieId>(row[c + 1]);
  embedding(row[c + 2], a.embedding);
  a.confirmed_face = boolean(row[c + 3]);
  return a;
}

}  // namespace

Result<SelfieAndJob> PostgresStore::add_selfie_and_enqueue(const NewSelfie& selfie, NewJob job) {
  static constexpr const char* kInsert =
      "INSERT INTO selfies (user_id, storage_key, created_at) VALUES ($1, $2, $3) "
      "RETURNING " FINDME_SELFIE_COLUMNS("");
  Timestamp now = clock_.now();
  return write([&](Session& s) -> Result<SelfieAndJob> {
    try {
      Selfie stored = read_selfie(s.run(kInsert, selfie.user_id, selfie.storage_key, now)[0]);
      NewJob queued_job = job;
      queued_job.kind = JobKind::match_selfie;
      queued_job.owner_id = selfie.user_id;
      queued_job.selfie_id = stored.id;
      Job queued = insert_job(s, queued_job, now);
      return SelfieAndJob{std::move(stored), std::move(queued)};
    } catch (const pqxx::foreign_key_violation&) {
      return make_error(Errc::not_found, "the account does not exist");
    }
  });
}

Result<std::optional<Selfie>> PostgresStore::find_selfie(SelfieId id) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_SELFIE_COLUMNS("") " FROM selfies WHERE id = $1";
  return read([&](Session& s) -> Result<std::optional<Selfie>> {
    return read_one<Selfie>(s.run(kSelect, id), read_selfie);
  });
}

Result<std::vector<Selfie>> PostgresStore::list_user_selfies(UserId user) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_SELFIE_COLUMNS("") " FROM selfies WHERE user_id = $1 ORDER BY id";
  return read([&](Session& s) -> Result<std::vector<Selfie>> {
    return read_all<Selfie>(s.run(kSelect, user), read_selfie);
  });
}

Result<void> PostgresStore::set_selfie_embedding(SelfieId selfie, const FaceVector& embedding) {
  static constexpr const char* kUpdate = "UPDATE selfies SET embedding = $1 WHERE id = $2";
  return write([&](Session& s) -> Result<void> {
    if (s.run(kUpdate, embedding, selfie).affected_rows() == 0) {
      return make_error(Errc::not_found, "the selfie does not exist");
    }
    return {};
  });
}

Result<std::vector<AttendeeFace>> PostgresStore::list_attendee_faces(EventId event) {
  static constexpr const char* kSelect =
      "SELECT s.user_id, s.id, s.embedding, s.event_id IS NOT NULL FROM memberships AS m "
      "JOIN selfies AS s ON s.user_id = m.user_id "
      "WHERE m.event_id = $1 AND s.embedding IS NOT NULL "
      "  AND (s.event_id IS NULL OR s.event_id = $1) ORDER BY s.id";
  return read([&](Session& s) -> Result<std::vector<AttendeeFace>> {
    return read_all<AttendeeFace>(s.run(kSelect, event), read_attendee_face);
  });
}

Result<void> PostgresStore::upsert_matches(std::span<const NewMatch> matches) {
  // INSERT ... SELECT skips a vanished photo or user; the face id is nulled when the face was
  // replaced meanwhile. On conflict the smaller distance wins, with its face; sure wins over
  // maybe; `state` (the attendee's answer) stays.
  // Two processes matching the same (user, photo) meet on the primary key: ON CONFLICT makes
  // the second one update instead of failing, so there is never a duplicate.
  static constexpr const char* kUpsert =
      "INSERT INTO matches (user_id, photo_id, event_id, face_id, distance, band, created_at) "
      "SELECT $1, p.id, p.event_id, (SELECT id FROM faces WHERE id = $3), $4, $6, $5 "
      "FROM photos AS p WHERE p.id = $2 AND EXISTS (SELECT 1 FROM users WHERE id = $1) "
      "ON CONFLICT (user_id, photo_id) DO UPDATE SET "
      "  face_id = CASE WHEN excluded.distance < matches.distance OR matches.face_id IS NULL "
      "                 THEN coalesce(excluded.face_id, matches.face_id) "
      "                 ELSE matches.face_id END, "
      "  distance = least(matches.distance, excluded.distance), "
      "  band = CASE WHEN matches.band = 'sure' OR excluded.band = 'sure' "
      "              THEN 'sure' ELSE 'maybe' END";
  Timestamp now = clock_.now();
  return write([&](Session& s) -> Result<void> {
    for (const NewMatch& m : matches) {
      try {
        s.run(kUpsert, m.user_id, m.photo_id, m.face_id, m.distance, now, to_string(m.band));
      } catch (const pqxx::foreign_key_violation&) {
        // The user or photo was deleted after the SELECT saw it (another transaction).
        return make_error(Errc::unavailable, "the matched records changed meanwhile; try again");
      }
    }
    return {};
  });
}

Result<bool> PostgresStore::hide_match(UserId user, PhotoId photo) {
  static constexpr const char* kUpdate =
      "UPDATE matches SET state = 'rejected' WHERE user_id = $1 AND photo_id = $2";
  return write(
      [&](Session& s) -> Result<bool> { return s.run(kUpdate, user, photo).affected_rows() > 0; });
}

Result<std::vector<MatchedPhoto>> PostgresStore::list_user_matches(UserId user,
                                                                   std::optional<EventId> event) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_PHOTO_COLUMNS("p.") ", e.code, m.face_id, m.distance FROM matches AS m "
      "JOIN photos AS p ON p.id = m.photo_id JOIN events AS e ON e.id = m.event_id "
      "WHERE m.user_id = $1 AND " FINDME_MATCH_VISIBLE("m.") " AND ($2::bigint IS NULL OR m.event_id = $2) "
      "ORDER BY m.distance, m.photo_id";
  return read([&](Session& s) -> Result<std::vector<MatchedPhoto>> {
    return read_all<MatchedPhoto>(s.run(kSelect, user, event.value_or(EventId{})),
                                  read_matched_photo);
  });
}

Result<std::int64_t> PostgresStore::count_user_matches(UserId user, std::optional<EventId> event) {
  static constexpr const char* kCount =
      "SELECT count(*) FROM matches "
      "WHERE user_id = $1 AND " FINDME_MATCH_VISIBLE(
          "") " AND ($2::bigint IS NULL OR event_id = $2)";
  return read([&](Session& s) -> Result<std::int64_t> {
    return int64(s.run(kCount, user, event.value_or(EventId{}))[0][0]);
  });
}

}  // namespace findme::store::postgres
