// SqliteStore: confidence bands. Candidates ("Is this you?"), answers and query faces.
#include <string>

#include "store/sqlite/next_id.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/sqlite_store_inl.h"
#include "store/stored_enums.h"

namespace findme::store::sqlite {
namespace {

// 7 columns, read by read_match.
#define FINDME_MATCH_COLUMNS(p) \
  p "user_id, " p "photo_id, " p "event_id, " p "face_id, " p "distance, " p "band, " p "state"

Match read_match(const Statement& row, int c) {
  Match m;
  m.user_id = row.id<UserId>(c);
  m.photo_id = row.id<PhotoId>(c + 1);
  m.event_id = row.id<EventId>(c + 2);
  m.face_id = row.id<FaceId>(c + 3);
  m.distance = static_cast<float>(row.real(c + 4));
  m.band = match_band_from_text(row.text(c + 5));
  m.state = match_state_from_text(row.text(c + 6));
  return m;
}

MatchCandidate read_candidate(const Statement& row, int c) {
  MatchCandidate m;
  m.face_id = row.id<FaceId>(c);
  m.photo_id = row.id<PhotoId>(c + 1);
  m.event_code = row.text(c + 2);
  m.distance = static_cast<float>(row.real(c + 3));
  return m;
}

Result<void> set_state(Connection& c, const Match& match, MatchState state) {
  static constexpr const char* kUpdate =
      "UPDATE matches SET state = ?3 WHERE user_id = ?1 AND photo_id = ?2";
  Result<Statement> stmt = c.prepare(kUpdate);
  if (!stmt) return stmt.error();
  return stmt->bind_all(match.user_id, match.photo_id, to_string(state)).run();
}

// The matched face's embedding becomes a query face of the user in the match's event, with the
// match_selfie job that matches it there.
Result<SelfieAndJob> add_query_face(Connection& c, const Match& match, Timestamp now) {
  static constexpr const char* kInsert =
      "INSERT INTO selfies (id, user_id, storage_key, embedding, event_id, created_at) "
      "SELECT " FINDME_NEXT_ID("selfies") ", ?1, '', embedding, ?2, ?3 FROM faces WHERE id = ?4 "
      "RETURNING " FINDME_SELFIE_COLUMNS("");
  Result<Statement> stmt = c.prepare(kInsert);
  if (!stmt) return stmt.error();
  stmt->bind_all(match.user_id, match.event_id, now, match.face_id);
  Result<std::optional<Selfie>> row = read_one<Selfie>(*stmt, read_selfie);
  if (!row) return row.error();
  if (!*row) return make_error(Errc::not_found, "the face is gone");
  if (Result<void> done = stmt->run(); !done) return done.error();
  Result<Job> job = insert_job(c,
                               {.kind = JobKind::match_selfie,
                                .owner_id = match.user_id,
                                .event_id = match.event_id,
                                .selfie_id = (*row)->id,
                                .priority = kPriorityInteractive},
                               now);
  if (!job) return job.error();
  return SelfieAndJob{std::move(**row), std::move(*job)};
}

// A "no" after a "yes": the query face made from this face goes too.
Result<void> remove_query_face(Connection& c, const Match& match) {
  static constexpr const char* kDelete =
      "DELETE FROM selfies WHERE user_id = ?1 AND event_id = ?2 AND storage_key = '' "
      "  AND embedding = (SELECT embedding FROM faces WHERE id = ?3)";
  Result<Statement> stmt = c.prepare(kDelete);
  if (!stmt) return stmt.error();
  return stmt->bind_all(match.user_id, match.event_id, match.face_id).run();
}

}  // namespace

Result<std::optional<Face>> SqliteStore::find_face(FaceId face) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_FACE_COLUMNS("") " FROM faces WHERE id = ?";
  return read([&](Connection& c) -> Result<std::optional<Face>> {
    Result<Statement> stmt = c.prepare(kSelect);
    if (!stmt) return stmt.error();
    return read_one<Face>(stmt->bind_all(face), read_face);
  });
}

Result<std::vector<MatchCandidate>> SqliteStore::list_user_candidates(UserId user,
                                                                      std::optional<EventId> event,
                                                                      int limit) {
  static constexpr const char* kSelect =
      "SELECT m.face_id, m.photo_id, e.code, m.distance FROM matches AS m "
      "JOIN events AS e ON e.id = m.event_id "
      "WHERE m.user_id = ?1 AND " FINDME_MATCH_CANDIDATE("m.") " AND m.face_id IS NOT NULL "
      "  AND (?2 IS NULL OR m.event_id = ?2) "
      "ORDER BY m.distance, m.face_id LIMIT ?3";
  return read([&](Connection& c) -> Result<std::vector<MatchCandidate>> {
    Result<Statement> stmt = c.prepare(kSelect);
    if (!stmt) return stmt.error();
    stmt->bind_all(user, event.value_or(EventId{}), limit);
    return read_all<MatchCandidate>(*stmt, read_candidate);
  });
}

Result<std::int64_t> SqliteStore::count_user_candidates(UserId user, std::optional<EventId> event) {
  static constexpr const char* kCount =
      "SELECT count(*) FROM matches WHERE user_id = ?1 AND " FINDME_MATCH_CANDIDATE("") " "
      "  AND face_id IS NOT NULL AND (?2 IS NULL OR event_id = ?2)";
  return read([&](Connection& c) -> Result<std::int64_t> {
    Result<Statement> stmt = c.prepare(kCount);
    if (!stmt) return stmt.error();
    Result<bool> row = stmt->bind_all(user, event.value_or(EventId{})).step();
    if (!row) return row.error();
    return stmt->int64(0);
  });
}

Result<std::optional<Match>> SqliteStore::find_user_face_match(UserId user, FaceId face) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_MATCH_COLUMNS("") " FROM matches WHERE user_id = ? AND face_id = ?";
  return read([&](Connection& c) -> Result<std::optional<Match>> {
    Result<Statement> stmt = c.prepare(kSelect);
    if (!stmt) return stmt.error();
    return read_one<Match>(stmt->bind_all(user, face), read_match);
  });
}

Result<std::optional<MatchAnswer>> SqliteStore::answer_match(UserId user, FaceId face, bool is_me) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_MATCH_COLUMNS("") " FROM matches WHERE user_id = ? AND face_id = ?";
  Timestamp now = clock_.now();
  return write([&](Connection& c) -> Result<std::optional<MatchAnswer>> {
    Result<Statement> stmt = c.prepare(kSelect);
    if (!stmt) return stmt.error();
    Result<std::optional<Match>> found = read_one<Match>(stmt->bind_all(user, face), read_match);
    if (!found) return found.error();
    if (!*found) return std::optional<MatchAnswer>();
    MatchAnswer answer{.match = **found, .query = std::nullopt};
    Match& m = answer.match;
    // A sure match nobody asked about is not a question: "not me" on the photo handles it.
    if (m.band == MatchBand::sure && m.state == MatchState::none) {
      return std::optional<MatchAnswer>();
    }
    if (is_me && m.state == MatchState::none) {
      if (Result<void> r = set_state(c, m, MatchState::confirmed); !r) return r.error();
      Result<SelfieAndJob> query = add_query_face(c, m, now);
      if (!query) return query.error();
      answer.query = std::move(*query);
      m.state = MatchState::confirmed;
    } else if (!is_me && m.state != MatchState::rejected) {
      if (Result<void> r = set_state(c, m, MatchState::rejected); !r) return r.error();
      if (Result<void> r = remove_query_face(c, m); !r) return r.error();
      m.state = MatchState::rejected;
    }
    return std::optional<MatchAnswer>(std::move(answer));
  });
}

}  // namespace findme::store::sqlite
