#include "store/sqlite/sqlite_store.h"

#include <chrono>
#include <utility>

#include "store/sqlite/migrations.h"
#include "store/sqlite/next_id.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_store_inl.h"

namespace findme::store::sqlite {
namespace {

// Login failures older than this are dropped on the next successful login; the throttling
// window (15 minutes, API.md) is far shorter.
constexpr std::chrono::hours kLoginFailureRetention{24};

Error not_found(std::string_view what) {
  return make_error(Errc::not_found, std::string(what) + " does not exist");
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const SqliteOptions& options, Clock& clock) {
  if (sqlite3_threadsafe() == 0) {
    return make_error(Errc::internal, "the SQLite library was built without thread support");
  }
  Result<std::unique_ptr<Connection>> writer =
      Connection::open({.path = options.path, .busy_timeout = options.busy_timeout});
  if (!writer) return writer.error();
  if (Result<void> migrated = migrate(**writer); !migrated) return migrated.error();
  return std::unique_ptr<SqliteStore>(new SqliteStore(options, clock, std::move(*writer)));
}

SqliteStore::SqliteStore(SqliteOptions options, Clock& clock, std::unique_ptr<Connection> writer)
    : options_(std::move(options)),
      clock_(clock),
      job_event_files_(job_event_files(options_.path)),
      writer_(std::move(writer)) {}

Result<void> SqliteStore::listen_for_job_events(JobEventCallbacks callbacks) {
  Result<std::unique_ptr<JobEventWatcher>> watcher =
      JobEventWatcher::start(job_event_files_, std::move(callbacks));
  if (!watcher) return watcher.error();
  job_event_watcher_ = std::move(*watcher);
  return {};
}

void SqliteStore::announce_queued(const Job& job) const {
  if (job.status == JobStatus::queued) announce_job_event(job_event_files_.queued, job.id);
}

void SqliteStore::announce_ended(JobId job) const {
  announce_job_event(job_event_files_.ended, job);
}

Result<std::unique_ptr<Connection>> SqliteStore::acquire_reader() {
  MutexLock lock(pool_mu_);
  while (idle_readers_.empty() && open_readers_ >= options_.max_readers) lock.wait(pool_cv_);
  if (!idle_readers_.empty()) {
    std::unique_ptr<Connection> conn = std::move(idle_readers_.back());
    idle_readers_.pop_back();
    return conn;
  }
  ++open_readers_;
  lock.unlock();
  Result<std::unique_ptr<Connection>> conn =
      Connection::open({.path = options_.path, .busy_timeout = options_.busy_timeout});
  if (!conn) {
    lock.lock();
    --open_readers_;
    pool_cv_.notify_one();
    return conn.error();
  }
  return conn;
}

void SqliteStore::release_reader(std::unique_ptr<Connection> conn) {
  {
    MutexLock lock(pool_mu_);
    idle_readers_.push_back(std::move(conn));
  }
  pool_cv_.notify_one();
}

Result<void> SqliteStore::ping() {
  static constexpr const char* kPing = "SELECT 1";
  return read([](Connection& c) -> Result<void> {
    Result<Statement> stmt = c.prepare(kPing);
    if (!stmt) return stmt.error();
    return stmt->run();
  });
}

// ---- accounts ----------------------------------------------------------------------------

Result<User> SqliteStore::create_user(const NewUser& user) {
  static constexpr const char* kInsert =
      "INSERT INTO users (id, email, name, role, password_hash, created_at) "
      "VALUES (" FINDME_NEXT_ID("users") ", ?, ?, ?, ?, ?) "
      "RETURNING " FINDME_USER_COLUMNS("");
  Timestamp now = clock_.now();
  return write([&](Connection& c) -> Result<User> {
    Result<Statement> stmt = c.prepare(kInsert);
    if (!stmt) return stmt.error();
    stmt->bind_all(user.email, user.name, to_string(user.role), user.password_hash, now);
    Result<bool> row = stmt->step();
    if (!row) {
      if (stmt->last_rc() == SQLITE_CONSTRAINT_UNIQUE) {
        return make_error(Errc::email_taken, "an account with this email already exists");
      }
      return row.error();
    }
    User created = read_user(*stmt);
    if (Result<void> done = stmt->run(); !done) return done.error();
    return created;
  });
}

Result<std::optional<User>> SqliteStore::find_user(UserId id) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_USER_COLUMNS("") " FROM users WHERE id = ?";
  return read([&](Connection& c) -> Result<std::optional<User>> {
    Result<Statement> stmt = c.prepare(kSelect);
    if (!stmt) return stmt.error();
    return read_one<User>(stmt->bind_all(id), read_user);
  });
}

Result<std::optional<User>> SqliteStore::find_user_by_email(std::string_view email) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_USER_COLUMNS("") " FROM users WHERE email = ?";
  return read([&](Connection& c) -> Result<std::optional<User>> {
    Result<Statement> stmt = c.prepare(kSelect);
    if (!stmt) return stmt.error();
    return read_one<User>(stmt->bind_all(email), read_user);
  });
}

Result<OrphanedKeys> SqliteStore::delete_user(UserId id) {
  // Keys are collected before the rows go, in the same transaction, so none is missed.
  // The rows go by ON DELETE CASCADE from the user: tokens, selfies, memberships, matches, jobs,
  // events with their photos, access keys, collections with their faces (migration 7).
  static constexpr const char* kKeys =
      "SELECT storage_key FROM selfies WHERE user_id = ?1 AND storage_key <> '' "
      "UNION ALL SELECT p.storage_key FROM photos AS p JOIN events AS e ON e.id = p.event_id "
      "  WHERE e.organizer_id = ?1 "
      "UNION ALL SELECT p.thumbnail_key FROM photos AS p JOIN events AS e ON e.id = p.event_id "
      "  WHERE e.organizer_id = ?1 AND p.thumbnail_key <> ''";
  static constexpr const char* kDelete = "DELETE FROM users WHERE id = ?";
  return write([&](Connection& c) {
    return delete_collecting_keys(c, kKeys, kDelete, id.value, "the account");
  });
}

Result<OrphanedKeys> delete_collecting_keys(Connection& c, const char* keys_sql,
                                            const char* delete_sql, std::int64_t id,
                                            std::string_view what) {
  Result<Statement> keys = c.prepare(keys_sql);
  if (!keys) return keys.error();
  Result<OrphanedKeys> orphans = read_all<std::string>(
      keys->bind_all(id), [](const Statement& row, int col) { return row.text(col); });
  if (!orphans) return orphans;
  Result<Statement> del = c.prepare(delete_sql);
  if (!del) return del.error();
  if (Result<void> done = del->bind_all(id).run(); !done) return done.error();
  if (c.changes() == 0) return not_found(what);
  return orphans;
}

Result<void> SqliteStore::create_token(const NewToken& token) {
  static constexpr const char* kInsert =
      "INSERT INTO tokens (token_hash, user_id, expires_at, created_at) VALUES (?, ?, ?, ?)";
  Timestamp now = clock_.now();
  return write([&](Connection& c) -> Result<void> {
    Result<Statement> stmt = c.prepare(kInsert);
    if (!stmt) return stmt.error();
    Result<void> done =
        stmt->bind_all(token.token_hash, token.user_id, token.expires_at, now).run();
    if (!done && stmt->last_rc() == SQLITE_CONSTRAINT_FOREIGNKEY) return not_found("the account");
    return done;
  });
}

Result<std::optional<User>> SqliteStore::find_user_by_token(std::string_view token_hash) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_USER_COLUMNS("u.") " FROM tokens AS t JOIN users AS u ON u.id = t.user_id "
      "WHERE t.token_hash = ? AND t.expires_at > ?";
  Timestamp now = clock_.now();
  return read([&](Connection& c) -> Result<std::optional<User>> {
    Result<Statement> stmt = c.prepare(kSelect);
    if (!stmt) return stmt.error();
    return read_one<User>(stmt->bind_all(token_hash, now), read_user);
  });
}

Result<void> SqliteStore::delete_token(std::string_view token_hash) {
  static constexpr const char* kDelete = "DELETE FROM tokens WHERE token_hash = ?";
  return write([&](Connection& c) -> Result<void> {
    Result<Statement> stmt = c.prepare(kDelete);
    if (!stmt) return stmt.error();
    return stmt->bind_all(token_hash).run();
  });
}

Result<std::int64_t> SqliteStore::delete_expired_tokens() {
  static constexpr const char* kDelete = "DELETE FROM tokens WHERE expires_at <= ?";
  Timestamp now = clock_.now();
  return write([&](Connection& c) -> Result<std::int64_t> {
    Result<Statement> stmt = c.prepare(kDelete);
    if (!stmt) return stmt.error();
    if (Result<void> done = stmt->bind_all(now).run(); !done) return done.error();
    return c.changes();
  });
}

Result<void> SqliteStore::record_failed_login(std::string_view email) {
  static constexpr const char* kInsert = "INSERT INTO login_failures (email, at) VALUES (?, ?)";
  Timestamp now = clock_.now();
  return write([&](Connection& c) -> Result<void> {
    Result<Statement> stmt = c.prepare(kInsert);
    if (!stmt) return stmt.error();
    return stmt->bind_all(email, now).run();
  });
}

Result<std::int64_t> SqliteStore::count_failed_logins(std::string_view email, Timestamp since) {
  static constexpr const char* kCount =
      "SELECT count(*) FROM login_failures WHERE email = ? AND at >= ?";
  return read([&](Connection& c) -> Result<std::int64_t> {
    Result<Statement> stmt = c.prepare(kCount);
    if (!stmt) return stmt.error();
    Result<bool> row = stmt->bind_all(email, since).step();
    if (!row) return row.error();
    return stmt->int64(0);
  });
}

Result<void> SqliteStore::clear_failed_logins(std::string_view email) {
  static constexpr const char* kDelete = "DELETE FROM login_failures WHERE email = ? OR at < ?";
  Timestamp horizon = clock_.now() - kLoginFailureRetention;
  return write([&](Connection& c) -> Result<void> {
    Result<Statement> stmt = c.prepare(kDelete);
    if (!stmt) return stmt.error();
    return stmt->bind_all(email, horizon).run();
  });
}

}  // namespace findme::store::sqlite
