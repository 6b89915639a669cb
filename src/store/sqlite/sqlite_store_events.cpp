// SqliteStore: events, memberships and statistics.
#include <algorithm>
#include <cctype>
#include <string>

#include "store/sqlite/next_id.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/sqlite_store_inl.h"
#include "store/stored_enums.h"

namespace findme::store::sqlite {
namespace {

std::string upper_ascii(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
  return out;
}

constexpr const char* kSelectEventById =
    "SELECT " FINDME_EVENT_COLUMNS("e.") " FROM events AS e WHERE e.id = ?";

Result<std::optional<Event>> select_event(Connection& c, EventId id) {
  Result<Statement> stmt = c.prepare(kSelectEventById);
  if (!stmt) return stmt.error();
  return read_one<Event>(stmt->bind_all(id), read_event);
}

}  // namespace

Result<std::optional<Event>> SqliteStore::create_event(const NewEvent& event) {
  static constexpr const char* kInsert =
      "INSERT INTO events (id, code, name, organizer_id, starts_at, created_at) "
      "VALUES (" FINDME_NEXT_ID("events") ", ?, ?, ?, ?, ?)";
  Timestamp now = clock_.now();
  return write([&](Connection& c) -> Result<std::optional<Event>> {
    Result<Statement> stmt = c.prepare(kInsert);
    if (!stmt) return stmt.error();
    stmt->bind_all(upper_ascii(event.code), event.name, event.organizer_id, event.starts_at, now);
    if (Result<void> done = stmt->run(); !done) {
      if (stmt->last_rc() == SQLITE_CONSTRAINT_UNIQUE) return std::optional<Event>();
      if (stmt->last_rc() == SQLITE_CONSTRAINT_FOREIGNKEY) {
        return make_error(Errc::not_found, "the organizer does not exist");
      }
      return done.error();
    }
    return select_event(c, EventId{c.last_insert_id()});
  });
}

Result<std::optional<Event>> SqliteStore::find_event(EventId id) {
  return read([&](Connection& c) { return select_event(c, id); });
}

Result<std::optional<Event>> SqliteStore::find_event_by_code(std::string_view code) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_EVENT_COLUMNS("e.") " FROM events AS e WHERE e.code = ?";
  std::string upper = upper_ascii(code);
  return read([&](Connection& c) -> Result<std::optional<Event>> {
    Result<Statement> stmt = c.prepare(kSelect);
    if (!stmt) return stmt.error();
    return read_one<Event>(stmt->bind_all(upper), read_event);
  });
}

Result<std::vector<Event>> SqliteStore::list_organizer_events(UserId organizer) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_EVENT_COLUMNS("e.") " FROM events AS e WHERE e.organizer_id = ? "
      "ORDER BY e.created_at DESC, e.id DESC";
  return read([&](Connection& c) -> Result<std::vector<Event>> {
    Result<Statement> stmt = c.prepare(kSelect);
    if (!stmt) return stmt.error();
    return read_all<Event>(stmt->bind_all(organizer), read_event);
  });
}

Result<OrphanedKeys> SqliteStore::delete_event(EventId id) {
  static constexpr const char* kKeys =
      "SELECT storage_key FROM photos WHERE event_id = ?1 "
      "UNION ALL SELECT thumbnail_key FROM photos WHERE event_id = ?1 AND thumbnail_key <> ''";
  static constexpr const char* kDelete = "DELETE FROM events WHERE id = ?";
  return write([&](Connection& c) {
    return delete_collecting_keys(c, kKeys, kDelete, id.value, "the event");
  });
}

Result<EventStats> SqliteStore::event_stats(EventId id) {
  static constexpr const char* kStats =
      "SELECT "
      " (SELECT count(*) FROM photos WHERE event_id = ?1),"
      " (SELECT count(*) FROM photos WHERE event_id = ?1 AND status = 'queued'),"
      " (SELECT count(*) FROM photos WHERE event_id = ?1 AND status = 'indexed'),"
      " (SELECT count(*) FROM photos WHERE event_id = ?1 AND status = 'failed'),"
      " (SELECT count(*) FROM faces WHERE event_id = ?1),"
      " (SELECT count(*) FROM memberships WHERE event_id = ?1),"
      " (SELECT count(DISTINCT user_id) FROM matches"
      "  WHERE event_id = ?1 AND " FINDME_MATCH_VISIBLE("") "),"
      " (SELECT count(*) FROM matches WHERE event_id = ?1 AND " FINDME_MATCH_VISIBLE("") "),"
      " (SELECT count(*) FROM jobs WHERE event_id = ?1 AND status IN ('queued', 'running')),"
      " EXISTS (SELECT 1 FROM events WHERE id = ?1),"
      " (SELECT count(*) FROM matches WHERE event_id = ?1 AND " FINDME_MATCH_CANDIDATE("") ")";
  return read(
      [&](Connection& c) -> Result<EventStats> {
        Result<Statement> stmt = c.prepare(kStats);
        if (!stmt) return stmt.error();
        Result<bool> row = stmt->bind_all(id).step();
        if (!row) return row.error();
        if (stmt->int64(9) == 0) return make_error(Errc::not_found, "the event does not exist");
        EventStats s;
        s.photos_total = stmt->int64(0);
        s.photos_queued = stmt->int64(1);
        s.photos_indexed = stmt->int64(2);
        s.photos_failed = stmt->int64(3);
        s.faces = stmt->int64(4);
        s.attendees = stmt->int64(5);
        s.matched_attendees = stmt->int64(6);
        s.matches = stmt->int64(7);
        s.queue_depth = stmt->int64(8);
        s.candidates = stmt->int64(10);
        return s;
      },
      /*snapshot=*/true);
}

Result<bool> SqliteStore::join_event(UserId user, EventId event) {
  static constexpr const char* kInsert =
      "INSERT INTO memberships (user_id, event_id, consented_at) VALUES (?, ?, ?) "
      "ON CONFLICT (user_id, event_id) DO NOTHING";
  Timestamp now = clock_.now();
  return write([&](Connection& c) -> Result<bool> {
    Result<Statement> stmt = c.prepare(kInsert);
    if (!stmt) return stmt.error();
    if (Result<void> done = stmt->bind_all(user, event, now).run(); !done) {
      if (stmt->last_rc() == SQLITE_CONSTRAINT_FOREIGNKEY) {
        return make_error(Errc::not_found, "the account or the event does not exist");
      }
      return done.error();
    }
    return c.changes() == 1;
  });
}

Result<bool> SqliteStore::is_member(UserId user, EventId event) {
  static constexpr const char* kSelect =
      "SELECT EXISTS (SELECT 1 FROM memberships WHERE user_id = ? AND event_id = ?)";
  return read([&](Connection& c) -> Result<bool> {
    Result<Statement> stmt = c.prepare(kSelect);
    if (!stmt) return stmt.error();
    Result<bool> row = stmt->bind_all(user, event).step();
    if (!row) return row.error();
    return stmt->int64(0) != 0;
  });
}

Result<std::vector<Event>> SqliteStore::list_joined_events(UserId user) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_EVENT_COLUMNS("e.") " FROM memberships AS m "
      "JOIN events AS e ON e.id = m.event_id WHERE m.user_id = ? "
      "ORDER BY m.consented_at, m.rowid";
  return read([&](Connection& c) -> Result<std::vector<Event>> {
    Result<Statement> stmt = c.prepare(kSelect);
    if (!stmt) return stmt.error();
    return read_all<Event>(stmt->bind_all(user), read_event);
  });
}

}  // namespace findme::store::sqlite
