// Transaction helpers of PostgresStore, included by its .cpp files only: where libpqxx's
// exceptions become findme errors, so none leaves the module.
#pragma once

#include <string_view>
#include <utility>

#include <pqxx/pqxx>  // the whole library: 6.4's headers are not self-contained

#include "store/postgres/postgres_store.h"

namespace findme::store::postgres {

// What a failed statement means for the caller.
enum class FailureKind {
  connection_lost,  // the connection (or the server) went away: drop it, Errc::unavailable
  retry,            // deadlock or serialization failure: the transaction was rolled back
  unavailable,      // out of resources, shutting down, ...: Errc::unavailable
  internal,         // anything else: Errc::internal
};
FailureKind classify(const std::exception& e);
// The findme error for a failure of `kind`; never contains SQL, the URL or server text.
Error failure_error(FailureKind kind);

inline constexpr int kMaxAttempts = 3;

template <class Work>
auto PostgresStore::write(Work&& work) -> decltype(work(std::declval<Session&>())) {
  using R = decltype(work(std::declval<Session&>()));
  for (int attempt = 1;; ++attempt) {
    Result<Lease> lease = pool_.acquire();
    if (!lease) return lease.error();
    bool begun = false;
    try {
      pqxx::work tx((*lease)->conn);
      begun = true;
      Session session(tx, **lease);
      R result = work(session);
      if (!result) {
        tx.abort();
        return result;
      }
      tx.commit();
      return result;
    } catch (const pqxx::in_doubt_error&) {
      // The commit was sent and the connection died: the outcome is unknown, so the caller must
      // not be told "saved" (it retries, and every write here is safe to repeat or fails cleanly).
      lease->discard();
      pool_.drop_idle();
      return failure_error(FailureKind::connection_lost);
    } catch (const std::exception& e) {
      const FailureKind kind = classify(e);
      if (kind == FailureKind::connection_lost) {
        lease->discard();
        pool_.drop_idle();
        // A pooled connection that died while idle fails at BEGIN, before anything was sent:
        // a fresh connection may simply succeed (the server restarted meanwhile).
        if (!begun && attempt < kMaxAttempts) continue;
      } else if (kind == FailureKind::retry && attempt < kMaxAttempts) {
        continue;
      } else if (kind == FailureKind::internal) {
        lease->discard();  // its state is unknown; a new connection is cheap
      }
      return failure_error(kind);
    }
  }
}

template <class Work>
auto PostgresStore::read(Work&& work) -> decltype(work(std::declval<Session&>())) {
  for (int attempt = 1;; ++attempt) {
    Result<Lease> lease = pool_.acquire();
    if (!lease) return lease.error();
    try {
      pqxx::nontransaction tx((*lease)->conn);
      Session session(tx, **lease);
      return work(session);
    } catch (const std::exception& e) {
      const FailureKind kind = classify(e);
      if (kind == FailureKind::connection_lost) {
        lease->discard();
        pool_.drop_idle();
        if (attempt < 2) continue;  // reads are safe to repeat on a fresh connection
      } else if (kind == FailureKind::internal) {
        lease->discard();
      }
      return failure_error(kind);
    }
  }
}

// Queues NOTIFY `channel` with the job id; PostgreSQL delivers it when the transaction commits
// (and drops it on rollback), so listeners never hear of a change that did not happen.
void notify_job(Session& s, const char* channel, JobId job);

// Inserts a queued job runnable from `now` inside the caller's transaction. Throws
// pqxx::foreign_key_violation when a referenced row does not exist.
Job insert_job(Session& s, const NewJob& job, Timestamp now);

// Inside the caller's transaction: collects the storage keys `keys_sql` selects, then runs
// `delete_sql` (both take $1 = id). Errc::not_found naming `what` when nothing was deleted.
Result<OrphanedKeys> delete_collecting_keys(Session& s, const char* keys_sql,
                                            const char* delete_sql, std::int64_t id,
                                            std::string_view what);

}  // namespace findme::store::postgres
