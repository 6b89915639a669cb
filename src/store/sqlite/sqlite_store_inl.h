// Transaction helpers of SqliteStore, included by its .cpp files only.
#pragma once

#include <utility>

#include "store/sqlite/sqlite_store.h"

namespace findme::store::sqlite {

template <class Work>
auto SqliteStore::write(Work&& work) -> decltype(work(std::declval<Connection&>())) {
  MutexLock lock(write_mu_);
  if (Result<void> begin = writer_->exec("BEGIN IMMEDIATE"); !begin) return begin.error();
  auto result = std::forward<Work>(work)(*writer_);
  if (!result) {
    (void)writer_->exec("ROLLBACK");
    return result;
  }
  if (Result<void> commit = writer_->exec("COMMIT"); !commit) {
    (void)writer_->exec("ROLLBACK");
    return commit.error();
  }
  return result;
}

template <class Work>
auto SqliteStore::read(Work&& work, bool snapshot) -> decltype(work(std::declval<Connection&>())) {
  Result<std::unique_ptr<Connection>> conn = acquire_reader();
  if (!conn) return conn.error();
  Connection& c = **conn;
  if (snapshot) {
    if (Result<void> begin = c.exec("BEGIN"); !begin) {
      release_reader(std::move(*conn));
      return begin.error();
    }
  }
  auto result = std::forward<Work>(work)(c);
  if (snapshot) (void)c.exec("COMMIT");
  release_reader(std::move(*conn));
  return result;
}

}  // namespace findme::store::sqlite

namespace findme::store::sqlite {

// Inserts a queued job runnable from `now` inside the caller's write transaction.
// Errc::not_found when a referenced row does not exist.
Result<Job> insert_job(Connection& c, const NewJob& job, Timestamp now);

// Inside the caller's write transaction: collects the storage keys `keys_sql` selects, then runs
// `delete_sql` (both take ?1 = id), so no key of a deleted row is missed. Errc::not_found naming
// `what` when nothing was deleted.
Result<OrphanedKeys> delete_collecting_keys(Connection& c, const char* keys_sql,
                                            const char* delete_sql, std::int64_t id,
                                            std::string_view what);

}  // namespace findme::store::sqlite
