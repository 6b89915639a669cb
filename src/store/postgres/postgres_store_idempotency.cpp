// PostgresStore: Idempotency-Key claims (migration 6). The insert decides between concurrent
// claims of a new key (ON CONFLICT waits for the other transaction); an existing row is read
// under FOR UPDATE, so a stale claim is taken over by one process only.
#include "store/postgres/postgres_store.h"
#include "store/postgres/postgres_store_inl.h"

namespace findme::store::postgres {

Result<IdempotencyClaim> PostgresStore::claim_idempotency_key(
    const IdempotencyRequest& request, std::chrono::milliseconds stale_after) {
  static constexpr const char* kInsert =
      "INSERT INTO idempotency_keys (scope, key, fingerprint, claimed_at) "
      "VALUES ($1, $2, $3, $4) ON CONFLICT (scope, key) DO NOTHING";
  static constexpr const char* kSelect =
      "SELECT fingerprint, status, body, claimed_at FROM idempotency_keys "
      "WHERE scope = $1 AND key = $2 FOR UPDATE";
  static constexpr const char* kTakeOver =
      "UPDATE idempotency_keys SET claimed_at = $1 WHERE scope = $2 AND key = $3";
  using State = IdempotencyClaim::State;
  const Timestamp now = clock_.now();
  const Timestamp stale_before = now - stale_after;
  return write([&](Session& s) -> Result<IdempotencyClaim> {
    if (s.run(kInsert, request.scope, request.key, request.fingerprint, now).affected_rows() == 1) {
      return IdempotencyClaim{.state = State::claimed};
    }
    pqxx::result rows = s.run(kSelect, request.scope, request.key);
    if (rows.empty()) return IdempotencyClaim{.state = State::in_progress};  // released meanwhile
    const pqxx::row& row = rows[0];
    if (text(row[0]) != request.fingerprint) return IdempotencyClaim{.state = State::mismatch};
    if (!row[1].is_null()) {
      return IdempotencyClaim{
          .state = State::completed, .status = int32(row[1]), .body = text(row[2])};
    }
    if (time(row[3]) >= stale_before) return IdempotencyClaim{.state = State::in_progress};
    s.run(kTakeOver, now, request.scope, request.key);
    return IdempotencyClaim{.state = State::claimed};
  });
}

Result<void> PostgresStore::complete_idempotency_key(std::string_view scope, std::string_view key,
                                                     int status, std::string_view body) {
  static constexpr const char* kUpdate =
      "UPDATE idempotency_keys SET status = $1, body = $2 WHERE scope = $3 AND key = $4";
  return write([&](Session& s) -> Result<void> {
    s.run(kUpdate, status, body, scope, key);
    return {};
  });
}

Result<void> PostgresStore::release_idempotency_key(std::string_view scope, std::string_view key) {
  static constexpr const char* kDelete =
      "DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status IS NULL";
  return write([&](Session& s) -> Result<void> {
    s.run(kDelete, scope, key);
    return {};
  });
}

Result<std::int64_t> PostgresStore::delete_idempotency_keys(std::chrono::milliseconds older_than) {
  static constexpr const char* kDelete = "DELETE FROM idempotency_keys WHERE claimed_at < $1";
  return write([&](Session& s) -> Result<std::int64_t> {
    return static_cast<std::int64_t>(s.run(kDelete, clock_.now() - older_than).affected_rows());
  });
}

}  // namespace findme::store::postgres
