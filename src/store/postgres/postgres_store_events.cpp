// PostgresStore: events, memberships and statistics.
#include <algorithm>
#include <cctype>
#include <string>

#include "store/postgres/postgres_store.h"
#include "store/postgres/postgres_store_inl.h"
#include "store/postgres/rows.h"
#include "store/stored_enums.h"

namespace findme::store::postgres {
namespace {

std::string upper_ascii(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
  return out;
}

constexpr const char* kSelectEventById =
    "SELECT " FINDME_EVENT_COLUMNS("e.") " FROM events AS e WHERE e.id = $1";

}  // namespace

Result<std::optional<Event>> PostgresStore::create_event(const NewEvent& event) {
  static constexpr const char* kInsert =
      "INSERT INTO events (code, name, organizer_id, starts_at, created_at) "
      "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code) DO NOTHING "
      "RETURNING " FINDME_EVENT_COLUMNS("");
  Timestamp now = clock_.now();
  return write([&](Session& s) -> Result<std::optional<Event>> {
    try {
      return read_one<Event>(s.run(kInsert, upper_ascii(event.code), event.name, event.organizer_id,
                                   event.starts_at, now),
                             read_event);  // no row: the code is taken
    } catch (const pqxx::foreign_key_violation&) {
      return make_error(Errc::not_found, "the organizer does not exist");
    }
  });
}

Result<std::optional<Event>> PostgresStore::find_event(EventId id) {
  return read([&](Session& s) -> Result<std::optional<Event>> {
    return read_one<Event>(s.run(kSelectEventById, id), read_event);
  });
}

Result<std::optional<Event>> PostgresStore::find_event_by_code(std::string_view code) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_EVENT_COLUMNS("e.") " FROM events AS e WHERE e.code = $1";
  std::string upper = upper_ascii(code);
  return read([&](Session& s) -> Result<std::optional<Event>> {
    return read_one<Event>(s.run(kSelect, upper), read_event);
  });
}

Result<std::vector<Event>> PostgresStore::list_organizer_events(UserId organizer) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_EVENT_COLUMNS("e.") " FROM events AS e WHERE e.organizer_id = $1 "
      "ORDER BY e.created_at DESC, e.id DESC";
  return read([&](Session& s) -> Result<std::vector<Event>> {
    return read_all<Event>(s.run(kSelect, organizer), read_event);
  });
}

Result<OrphanedKeys> PostgresStore::delete_event(EventId id) {
  // The event row is locked first, so a photo added concurrently either commits before (and
  // its keys are collected) or fails on the missing event afterwards.
  static constexpr const char* kLock = "SELECT 1 FROM events WHERE id = $1 FOR UPDATE";
  static constexpr const char* kKeys =
      "SELECT storage_key FROM photos WHERE event_id = $1 "
      "UNION ALL SELECT thumbnail_key FROM photos WHERE event_id = $1 AND thumbnail_key <> ''";
  static constexpr const char* kDelete = "DELETE FROM events WHERE id = $1";
  return write([&](Session& s) {
    s.run(kLock, id);
    return delete_collecting_keys(s, kKeys, kDelete, id.value, "the event");
  });
}

Result<EventStats> PostgresStore::event_stats(EventId id) {
  // One statement reads one snapshot, so the counts agree with each other.
  static constexpr const char* kStats =
      "SELECT "
      " (SELECT count(*) FROM photos WHERE event_id = $1),"
      " (SELECT count(*) FROM photos WHERE event_id = $1 AND status = 'queued'),"
      " (SELECT count(*) FROM photos WHERE event_id = $1 AND status = 'indexed'),"
      " (SELECT count(*) FROM photos WHERE event_id = $1 AND status = 'failed'),"
      " (SELECT count(*) FROM faces WHERE event_id = $1),"
      " (SELECT count(*) FROM memberships WHERE event_id = $1),"
      " (SELECT count(DISTINCT user_id) FROM matches"
      "  WHERE event_id = $1 AND " FINDME_MATCH_VISIBLE("") "),"
      " (SELECT count(*) FROM matches WHERE event_id = $1 AND " FINDME_MATCH_VISIBLE("") "),"
      " (SELECT count(*) FROM jobs WHERE event_id = $1 AND status IN ('queued', 'running')),"
      " EXISTS (SELECT 1 FROM events WHERE id = $1),"
      " (SELECT count(*) FROM matches WHERE event_id = $1 AND " FINDME_MATCH_CANDIDATE("") ")";
  return read([&](Session& s) -> Result<EventStats> {
    pqxx::result rows = s.run(kStats, id);
    const pqxx::row r = rows[0];
    if (!boolean(r[9])) return make_error(Errc::not_found, "the event does not exist");
    EventStats stats;
    stats.photos_total = int64(r[0]);
    stats.photos_queued = int64(r[1]);
    stats.photos_indexed = int64(r[2]);
    stats.photos_failed = int64(r[3]);
    stats.faces = int64(r[4]);
    stats.attendees = int64(r[5]);
    stats.matched_attendees = int64(r[6]);
    stats.matches = int64(r[7]);
    stats.queue_depth = int64(r[8]);
    stats.candidates = int64(r[10]);
    return stats;
  });
}

Result<bool> PostgresStore::join_event(UserId user, EventId event) {
  static constexpr const char* kInsert =
      "INSERT INTO memberships (user_id, event_id, consented_at) VALUES ($1, $2, $3) "
      "ON CONFLICT (user_id, event_id) DO NOTHING";
  Timestamp now = clock_.now();
  return write([&](Session& s) -> Result<bool> {
    try {
      return s.run(kInsert, user, event, now).affected_rows() == 1;
    } catch (const pqxx::foreign_key_violation&) {
      return make_error(Errc::not_found, "the account or the event does not exist");
    }
  });
}

Result<bool> PostgresStore::is_member(UserId user, EventId event) {
  static constexpr const char* kSelect =
      "SELECT EXISTS (SELECT 1 FROM memberships WHERE user_id = $1 AND event_id = $2)";
  return read(
      [&](Session& s) -> Result<bool> { return boolean(s.run(kSelect, user, event)[0][0]); });
}

Result<std::vector<Event>> PostgresStore::list_joined_events(UserId user) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_EVENT_COLUMNS("e.") " FROM memberships AS m "
      "JOIN events AS e ON e.id = m.event_id WHERE m.user_id = $1 "
      "ORDER BY m.consented_at, m.seq";
  return read([&](Session& s) -> Result<std::vector<Event>> {
    return read_all<Event>(s.run(kSelect, user), read_event);
  });
}

}  // namespace findme::store::postgres
