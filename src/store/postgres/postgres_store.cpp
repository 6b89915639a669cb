#include "store/postgres/postgres_store.h"

#include <chrono>
#include <string>
#include <utility>

#include "store/postgres/migrations.h"
#include "store/postgres/postgres_store_inl.h"
#include "store/postgres/rows.h"

namespace findme::store::postgres {
namespace {

// Login failures older than this are dropped on the next successful login; the throttling
// window (15 minutes, API.md) is far shorter.
constexpr std::chrono::hours kLoginFailureRetention{24};

Error not_found(std::string_view what) {
  return make_error(Errc::not_found, std::string(what) + " does not exist");
}

// SQLSTATE classes (PostgreSQL manual, appendix A) that mean "try again later".
bool is_transient_state(const std::string& state) {
  return state.rfind("08", 0) == 0      // connection exception
         || state.rfind("53", 0) == 0   // insufficient resources (disk full, too many connections)
         || state.rfind("57P", 0) == 0  // operator intervention: shutdown, cannot connect now
         || state == "55P03"            // lock not available
         || state == "57014";           // query canceled (statement timeout)
}

}  // namespace

FailureKind classify(const std::exception& e) {
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    return FailureKind::connection_lost;
  }
  if (dynamic_cast<const pqxx::transaction_rollback*>(&e) != nullptr) return FailureKind::retry;
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const std::string& state = sql->sqlstate();
    // The server closes connections with 57P01 when it shuts down (a restart).
    if (state.rfind("08", 0) == 0 || state.rfind("57P", 0) == 0) {
      return FailureKind::connection_lost;
    }
    if (is_transient_state(state)) return FailureKind::unavailable;
  }
  return FailureKind::internal;
}

Error failure_error(FailureKind kind) {
  switch (kind) {
    case FailureKind::connection_lost:
      return make_error(Errc::unavailable, "the connection to the database was lost; try again");
    case FailureKind::retry:
    case FailureKind::unavailable:
      return make_error(Errc::unavailable, "the database is busy; try again later");
    case FailureKind::internal:
      break;
  }
  return make_error(Errc::internal, "unexpected database error");
}

Result<std::unique_ptr<PostgresStore>> PostgresStore::open(const PostgresOptions& options,
                                                           Clock& clock) {
  std::unique_ptr<PostgresStore> store(new PostgresStore(options.pool, clock));
  Result<Lease> lease = store->pool_.acquire();
  if (!lease) return lease.error();
  try {
    if (Result<void> migrated = migrate((*lease)->conn); !migrated) return migrated.error();
  } catch (const std::exception& e) {
    lease->discard();
    return failure_error(classify(e));
  }
  return store;
}

PostgresStore::PostgresStore(PoolOptions pool, Clock& clock)
    : pool_(std::move(pool)), clock_(clock) {}

void PostgresStore::listen_for_job_events(JobEventCallbacks callbacks) {
  listener_ = std::make_unique<JobEventListener>(pool_.connect_url(), std::move(callbacks));
}

Result<void> PostgresStore::ping() {
  static constexpr const char* kPing = "SELECT 1";
  return read([](Session& s) -> Result<void> {
    s.run(kPing);
    return {};
  });
}

// ---- accounts ----------------------------------------------------------------------------

Result<User> PostgresStore::create_user(const NewUser& user) {
  static constexpr const char* kInsert =
      "INSERT INTO users (email, name, role, password_hash, created_at) "
      "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (lower(email)) DO NOTHING "
      "RETURNING " FINDME_USER_COLUMNS("");
  Timestamp now = clock_.now();
  return write([&](Session& s) -> Result<User> {
    pqxx::result rows =
        s.run(kInsert, user.email, user.name, to_string(user.role), user.password_hash, now);
    if (rows.empty()) {
      return make_error(Errc::email_taken, "an account with this email already exists");
    }
    return read_user(rows[0]);
  });
}

Result<std::optional<User>> PostgresStore::find_user(UserId id) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_USER_COLUMNS("") " FROM users WHERE id = $1";
  return read([&](Session& s) -> Result<std::optional<User>> {
    return read_one<User>(s.run(kSelect, id), read_user);
  });
}

Result<std::optional<User>> PostgresStore::find_user_by_email(std::string_view email) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_USER_COLUMNS("") " FROM users WHERE lower(email) = lower($1)";
  return read([&](Session& s) -> Result<std::optional<User>> {
    return read_one<User>(s.run(kSelect, email), read_user);
  });
}

Result<OrphanedKeys> delete_collecting_keys(Session& s, const char* keys_sql,
                                            const char* delete_sql, std::int64_t id,
                                            std::string_view what) {
  OrphanedKeys orphans = read_all<std::string>(
      s.run(keys_sql, id), [](const pqxx::row& row, int col) { return text(row[col]); });
  if (s.run(delete_sql, id).affected_rows() == 0) return not_found(what);
  return orphans;
}

Result<OrphanedKeys> PostgresStore::delete_user(UserId id) {
  // Keys are collected in the deleting transaction, after locking the user, so none is missed.
  // The rows go by ON DELETE CASCADE from the user: tokens, selfies, memberships, matches, jobs,
  // events with their photos, access keys, collections with their faces (migration 7).
  static constexpr const char* kKeys =
      "SELECT storage_key FROM selfies WHERE user_id = $1 AND storage_key <> '' "
      "UNION ALL SELECT p.storage_key FROM photos AS p JOIN events AS e ON e.id = p.event_id "
      "  WHERE e.organizer_id = $1 "
      "UNION ALL SELECT p.thumbnail_key FROM photos AS p JOIN events AS e ON e.id = p.event_id "
      "  WHERE e.organizer_id = $1 AND p.thumbnail_key <> ''";
  static constexpr const char* kLock = "SELECT 1 FROM users WHERE id = $1 FOR UPDATE";
  static constexpr const char* kDelete = "DELETE FROM users WHERE id = $1";
  return write([&](Session& s) {
    s.run(kLock, id);
    return delete_collecting_keys(s, kKeys, kDelete, id.value, "the account");
  });
}

Result<void> PostgresStore::create_token(const NewToken& token) {
  static constexpr const char* kInsert =
      "INSERT INTO tokens (token_hash, user_id, expires_at, created_at) VALUES ($1, $2, $3, $4)";
  Timestamp now = clock_.now();
  return write([&](Session& s) -> Result<void> {
    try {
      s.run(kInsert, token.token_hash, token.user_id, token.expires_at, now);
    } catch (const pqxx::foreign_key_violation&) {
      return not_found("the account");
    }
    return {};
  });
}

Result<std::optional<User>> PostgresStore::find_user_by_token(std::string_view token_hash) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_USER_COLUMNS("u.") " FROM tokens AS t "
      "JOIN users AS u ON u.id = t.user_id WHERE t.token_hash = $1 AND t.expires_at > $2";
  Timestamp now = clock_.now();
  return read([&](Session& s) -> Result<std::optional<User>> {
    return read_one<User>(s.run(kSelect, token_hash, now), read_user);
  });
}

Result<void> PostgresStore::delete_token(std::string_view token_hash) {
  static constexpr const char* kDelete = "DELETE FROM tokens WHERE token_hash = $1";
  return write([&](Session& s) -> Result<void> {
    s.run(kDelete, token_hash);
    return {};
  });
}

Result<std::int64_t> PostgresStore::delete_expired_tokens() {
  static constexpr const char* kDelete = "DELETE FROM tokens WHERE expires_at <= $1";
  Timestamp now = clock_.now();
  return write([&](Session& s) -> Result<std::int64_t> {
    return static_cast<std::int64_t>(s.run(kDelete, now).affected_rows());
  });
}

Result<void> PostgresStore::record_failed_login(std::string_view email) {
  static constexpr const char* kInsert = "INSERT INTO login_failures (email, at) VALUES ($1, $2)";
  Timestamp now = clock_.now();
  return write([&](Session& s) -> Result<void> {
    s.run(kInsert, email, now);
    return {};
  });
}

Result<std::int64_t> PostgresStore::count_failed_logins(std::string_view email, Timestamp since) {
  static constexpr const char* kCount =
      "SELECT count(*) FROM login_failures WHERE lower(email) = lower($1) AND at >= $2";
  return read(
      [&](Session& s) -> Result<std::int64_t> { return int64(s.run(kCount, email, since)[0][0]); });
}

Result<void> PostgresStore::clear_failed_logins(std::string_view email) {
  static constexpr const char* kDelete =
      "DELETE FROM login_failures WHERE lower(email) = lower($1) OR at < $2";
  Timestamp horizon = clock_.now() - kLoginFailureRetention;
  return write([&](Session& s) -> Result<void> {
    s.run(kDelete, email, horizon);
    return {};
  });
}

}  // namespace findme::store::postgres
