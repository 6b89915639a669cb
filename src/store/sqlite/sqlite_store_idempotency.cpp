// SqliteStore: Idempotency-Key claims (migration 6). Claims run in the one write transaction, so
// two claims of a key are serialised: the second sees the first's row.
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/sqlite_store_inl.h"

namespace findme::store::sqlite {

Result<IdempotencyClaim> SqliteStore::claim_idempotency_key(const IdempotencyRequest& request,
                                                            std::chrono::milliseconds stale_after) {
  static constexpr const char* kSelect =
      "SELECT fingerprint, status, body, claimed_at FROM idempotency_keys "
      "WHERE scope = ? AND key = ?";
  static constexpr const char* kInsert =
      "INSERT INTO idempotency_keys (scope, key, fingerprint, claimed_at) VALUES (?, ?, ?, ?)";
  static constexpr const char* kTakeOver =
      "UPDATE idempotency_keys SET claimed_at = ? WHERE scope = ? AND key = ?";
  using State = IdempotencyClaim::State;
  const Timestamp now = clock_.now();
  const Timestamp stale_before = now - stale_after;
  return write([&](Connection& c) -> Result<IdempotencyClaim> {
    Result<Statement> select = c.prepare(kSelect);
    if (!select) return select.error();
    Result<bool> row = select->bind_all(request.scope, request.key).step();
    if (!row) return row.error();
    if (!*row) {
      Result<Statement> insert = c.prepare(kInsert);
      if (!insert) return insert.error();
      Result<void> inserted =
          insert->bind_all(request.scope, request.key, request.fingerprint, now).run();
      if (!inserted) return inserted.error();
      return IdempotencyClaim{.state = State::claimed};
    }
    if (select->text(0) != request.fingerprint) return IdempotencyClaim{.state = State::mismatch};
    if (!select->is_null(1)) {
      return IdempotencyClaim{
          .state = State::completed, .status = select->int32(1), .body = select->text(2)};
    }
    if (select->time(3) >= stale_before) return IdempotencyClaim{.state = State::in_progress};
    Result<Statement> take_over = c.prepare(kTakeOver);
    if (!take_over) return take_over.error();
    Result<void> taken = take_over->bind_all(now, request.scope, request.key).run();
    if (!taken) return taken.error();
    return IdempotencyClaim{.state = State::claimed};
  });
}

Result<void> SqliteStore::complete_idempotency_key(std::string_view scope, std::string_view key,
                                                   int status, std::string_view body) {
  static constexpr const char* kUpdate =
      "UPDATE idempotency_keys SET status = ?, body = ? WHERE scope = ? AND key = ?";
  return write([&](Connection& c) -> Result<void> {
    Result<Statement> stmt = c.prepare(kUpdate);
    if (!stmt) return stmt.error();
    return stmt->bind_all(status, body, scope, key).run();
  });
}

Result<void> SqliteStore::release_idempotency_key(std::string_view scope, std::string_view key) {
  static constexpr const char* kDelete =
      "DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND status IS NULL";
  return write([&](Connection& c) -> Result<void> {
    Result<Statement> stmt = c.prepare(kDelete);
    if (!stmt) return stmt.error();
    return stmt->bind_all(scope, key).run();
  });
}

Result<std::int64_t> SqliteStore::delete_idempotency_keys(std::chrono::milliseconds older_than) {
  static constexpr const char* kDelete = "DELETE FROM idempotency_keys WHERE claimed_at < ?";
  return write([&](Connection& c) -> Result<std::int64_t> {
    Result<Statement> stmt = c.prepare(kDelete);
    if (!stmt) return stmt.error();
    const Timestamp before = clock_.now() - older_than;
    if (Result<void> done = stmt->bind_all(before).run(); !done) return done.error();
    return c.changes();
  });
}

}  // namespace findme::store::sqlite
