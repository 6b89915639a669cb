// PostgresStore: confidence bands. Candidates ("Is this you?"), answers and query faces.
#include <string>

#include "store/postgres/postgres_store.h"
#include "store/postgres/postgres_store_inl.h"
#include "store/postgres/rows.h"
#include "store/stored_enums.h"

// 7 columns, read by read_match.
#define FINDME_MATCH_COLUMNS(p) \
  p "user_id, " p "photo_id, " p "event_id, " p "face_id, " p "distance, " p "band, " p "state"

namespace findme::store::postgres {
namespace {

Match read_match(const pqxx::row& r, int c) {
  Match m;
  m.user_id = id<UserId>(r[c]);
  m.photo_id = id<PhotoId>(r[c + 1]);
  m.event_id = id<EventId>(r[c + 2]);
  m.face_id = id<FaceId>(r[c + 3]);
  m.distance = static_cast<float>(real(r[c + 4]));
  m.band = match_band_from_text(text(r[c + 5]));
  m.state = match_state_from_text(text(r[c + 6]));
  return m;
}

MatchCandidate read_candidate(const pqxx::row& r, int c) {
  MatchCandidate m;
  m.face_id = id<FaceId>(r[c]);
  m.photo_id = id<PhotoId>(r[c + 1]);
  m.event_code = text(r[c + 2]);
  m.distance = static_cast<float>(real(r[c + 3]));
  return m;
}

void set_state(Session& s, const Match& match, MatchState state) {
  static constexpr const char* kUpdate =
      "UPDATE matches SET state = $3 WHERE user_id = $1 AND photo_id = $2";
  s.run(kUpdate, match.user_id, match.photo_id, to_string(state));
}

// The matched face's embedding becomes a query face of the user in the match's event, with the
// match_selfie job that matches it there. nullopt when the face is gone.
std::optional<SelfieAndJob> add_query_face(Session& s, const Match& match, Timestamp now) {
  static constexpr const char* kInsert =
      "INSERT INTO selfies (user_id, storage_key, embedding, event_id, created_at) "
      "SELECT $1, '', embedding, $2, $3 FROM faces WHERE id = $4 "
      "RETURNING " FINDME_SELFIE_COLUMNS("");
  std::optional<Selfie> selfie = read_one<Selfie>(
      s.run(kInsert, match.user_id, match.event_id, now, match.face_id), read_selfie);
  if (!selfie) return std::nullopt;
  Job job = insert_job(s,
                       {.kind = JobKind::match_selfie,
                        .owner_id = match.user_id,
                        .event_id = match.event_id,
                        .selfie_id = selfie->id,
                        .priority = kPriorityInteractive},
                       now);
  return SelfieAndJob{std::move(*selfie), std::move(job)};
}

// A "no" after a "yes": the query face made from this face goes too.
void remove_query_face(Session& s, const Match& match) {
  static constexpr const char* kDelete =
      "DELETE FROM selfies WHERE user_id = $1 AND event_id = $2 AND storage_key = '' "
      "  AND embedding = (SELECT embedding FROM faces WHERE id = $3)";
  s.run(kDelete, match.user_id, match.event_id, match.face_id);
}

}  // namespace

Result<std::optional<Face>> PostgresStore::find_face(FaceId face) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_FACE_COLUMNS("") " FROM faces WHERE id = $1";
  return read([&](Session& s) -> Result<std::optional<Face>> {
    return read_one<Face>(s.run(kSelect, face), read_face);
  });
}

Result<std::vector<MatchCandidate>> PostgresStore::list_user_candidates(
    UserId user, std::optional<EventId> event, int limit) {
  static constexpr const char* kSelect =
      "SELECT m.face_id, m.photo_id, e.code, m.distance FROM matches AS m "
      "JOIN events AS e ON e.id = m.event_id "
      "WHERE m.user_id = $1 AND " FINDME_MATCH_CANDIDATE("m.") " AND m.face_id IS NOT NULL "
      "  AND ($2::bigint IS NULL OR m.event_id = $2) "
      "ORDER BY m.distance, m.face_id LIMIT $3";
  return read([&](Session& s) -> Result<std::vector<MatchCandidate>> {
    return read_all<MatchCandidate>(s.run(kSelect, user, event.value_or(EventId{}), limit),
                                    read_candidate);
  });
}

Result<std::int64_t> PostgresStore::count_user_candidates(UserId user,
                                                          std::optional<EventId> event) {
  static constexpr const char* kCount =
      "SELECT count(*) FROM matches WHERE user_id = $1 AND " FINDME_MATCH_CANDIDATE("") " "
      "  AND face_id IS NOT NULL AND ($2::bigint IS NULL OR event_id = $2)";
  return read([&](Session& s) -> Result<std::int64_t> {
    return int64(s.run(kCount, user, event.value_or(EventId{}))[0][0]);
  });
}

Result<std::optional<Match>> PostgresStore::find_user_face_match(UserId user, FaceId face) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_MATCH_COLUMNS("") " FROM matches WHERE user_id = $1 AND face_id = $2";
  return read([&](Session& s) -> Result<std::optional<Match>> {
    return read_one<Match>(s.run(kSelect, user, face), read_match);
  });
}

Result<std::optional<MatchAnswer>> PostgresStore::answer_match(UserId user, FaceId face,
                                                               bool is_me) {
  // FOR UPDATE: two answers at once (two tabs) queue here, so only one writes the query face.
  static constexpr const char* kSelect =
      "SELECT " FINDME_MATCH_COLUMNS("") " FROM matches WHERE user_id = $1 AND face_id = $2 "
      "FOR UPDATE";
  Timestamp now = clock_.now();
  return write([&](Session& s) -> Result<std::optional<MatchAnswer>> {
    std::optional<Match> found = read_one<Match>(s.run(kSelect, user, face), read_match);
    // A sure match nobody asked about is not a question: "not me" on the photo handles it.
    if (!found || (found->band == MatchBand::sure && found->state == MatchState::none)) {
      return std::optional<MatchAnswer>();
    }
    MatchAnswer answer{.match = *found, .query = std::nullopt};
    Match& m = answer.match;
    if (is_me && m.state == MatchState::none) {
      set_state(s, m, MatchState::confirmed);
      answer.query = add_query_face(s, m, now);
      if (!answer.query) return make_error(Errc::not_found, "the face is gone");
      m.state = MatchState::confirmed;
    } else if (!is_me && m.state != MatchState::rejected) {
      set_state(s, m, MatchState::rejected);
      remove_query_face(s, m);
      m.state = MatchState::rejected;
    }
    return std::optional<MatchAnswer>(std::move(answer));
  });
}

}  // namespace findme::store::postgres
