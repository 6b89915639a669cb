// SqliteStore: the durable job queue.
#include <string>
#include <tuple>

#include "store/sqlite/next_id.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/sqlite_store_inl.h"

namespace findme::store::sqlite {
namespace {

constexpr const char* kWorkerLost =
    "The worker running this job stopped too many times; upload the file again.";

// A photo whose index job ended failed is failed too, so "queued" always means "will be indexed".
Result<void> fail_photos_of_failed_jobs(Connection& c) {
  static constexpr const char* kUpdate =
      "UPDATE photos SET status = 'failed', "
      "  error = (SELECT j.error_code FROM jobs AS j WHERE j.photo_id = photos.id "
      "           AND j.kind = 'index_photo' AND j.status = 'failed' ORDER BY j.id DESC LIMIT 1) "
      "WHERE status = 'queued' AND id IN (SELECT photo_id FROM jobs "
      "  WHERE kind = 'index_photo' AND status = 'failed' AND photo_id IS NOT NULL) "
      "AND NOT EXISTS (SELECT 1 FROM jobs WHERE photo_id = photos.id AND kind = 'index_photo' "
      "  AND status IN ('queued', 'running'))";
  Result<Statement> stmt = c.prepare(kUpdate);
  if (!stmt) return stmt.error();
  return stmt->run();
}

// Ends jobs whose worker died while holding their last attempt.
Result<void> expire_abandoned(Connection& c, Timestamp now) {
  static constexpr const char* kExpire =
      "UPDATE jobs SET status = 'failed', error_code = 'internal', error_message = ?2, "
      "  lease_owner = '', lease_until = NULL, finished_at = ?1 "
      "WHERE status = 'running' AND lease_until <= ?1 AND attempts >= max_attempts";
  Result<Statement> stmt = c.prepare(kExpire);
  if (!stmt) return stmt.error();
  if (Result<void> done = stmt->bind_all(now, kWorkerLost).run(); !done) return done;
  if (c.changes() == 0) return {};
  return fail_photos_of_failed_jobs(c);
}

struct Candidate {
  JobId id;
  int priority = 0;
  std::int64_t run_after = 0;
  auto key() const { return std::tuple(priority, run_after, id.value); }
};

// The next runnable job: queued and due, or running with an expired lease (its worker died).
// Two queries instead of one with OR: each walks jobs_queue in claim order and stops at the
// first hit, where the OR form sorted every queued job on each claim.
Result<std::optional<Candidate>> next_candidate(Connection& c, Timestamp now, int max_priority) {
  static constexpr const char* kQueued =
      "SELECT id, priority, run_after FROM jobs WHERE status = 'queued' AND priority <= ?2 "
      "AND run_after <= ?1 ORDER BY priority, run_after, id LIMIT 1";
  static constexpr const char* kExpired =
      "SELECT id, priority, run_after FROM jobs WHERE status = 'running' AND priority <= ?2 "
      "AND lease_until <= ?1 ORDER BY priority, run_after, id LIMIT 1";
  std::optional<Candidate> best;
  for (const char* sql : {kQueued, kExpired}) {
    Result<Statement> stmt = c.prepare(sql);
    if (!stmt) return stmt.error();
    Result<bool> row = stmt->bind_all(now, max_priority).step();
    if (!row) return row.error();
    if (!*row) continue;
    Candidate found{stmt->id<JobId>(0), stmt->int32(1), stmt->int64(2)};
    if (!best || found.key() < best->key()) best = found;
  }
  return best;
}

Result<std::optional<Job>> select_job(Connection& c, JobId id) {
  static constexpr const char* kSelect = "SELECT " FINDME_JOB_COLUMNS("") " FROM jobs WHERE id = ?";
  Result<Statement> stmt = c.prepare(kSelect);
  if (!stmt) return stmt.error();
  return read_one<Job>(stmt->bind_all(id), read_job);
}

Result<std::int64_t> count(Connection& c, const char* sql, UserId user = {}) {
  Result<Statement> stmt = c.prepare(sql);
  if (!stmt) return stmt.error();
  if (user) stmt->bind_all(user);
  Result<bool> row = stmt->step();
  if (!row) return row.error();
  return stmt->int64(0);
}

}  // namespace

Result<Job> insert_job(Connection& c, const NewJob& job, Timestamp now) {
  static constexpr const char* kInsert =
      "INSERT INTO jobs (id, kind, status, owner_id, event_id, photo_id, selfie_id, priority, "
      "max_attempts, run_after, created_at) "
      "VALUES (" FINDME_NEXT_ID("jobs") ", ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?) "
      "RETURNING " FINDME_JOB_COLUMNS("");
  Result<Statement> stmt = c.prepare(kInsert);
  if (!stmt) return stmt.error();
  stmt->bind_all(to_string(job.kind), job.owner_id, job.event_id, job.photo_id, job.selfie_id,
                 job.priority, job.max_attempts, now, now);
  Result<std::optional<Job>> row = read_one<Job>(*stmt, read_job);
  if (!row) {
    if (stmt->last_rc() == SQLITE_CONSTRAINT_FOREIGNKEY) {
      return make_error(Errc::not_found, "a record the job refers to does not exist");
    }
    return row.error();
  }
  if (Result<void> done = stmt->run(); !done) return done.error();
  return std::move(**row);
}

Result<Job> SqliteStore::enqueue_job(const NewJob& job) {
  Timestamp now = clock_.now();
  Result<Job> queued = write([&](Connection& c) { return insert_job(c, job, now); });
  if (queued) announce_queued(*queued);
  return queued;
}

Result<std::optional<Job>> SqliteStore::find_job(JobId id) {
  return read([&](Connection& c) { return select_job(c, id); });
}

Result<std::optional<Job>> SqliteStore::claim_next_job(const ClaimRequest& request) {
  // Picking and leasing happen inside the single write transaction, so two claims (threads here,
  // or other processes through the file lock) never see the same candidate.
  static constexpr const char* kLease =
      "UPDATE jobs SET status = 'running', lease_owner = ?2, lease_until = ?3, "
      "  attempts = attempts + 1 WHERE id = ?1 RETURNING " FINDME_JOB_COLUMNS("");
  Timestamp now = clock_.now();
  return write([&](Connection& c) -> Result<std::optional<Job>> {
    if (Result<void> expired = expire_abandoned(c, now); !expired) return expired.error();
    Result<std::optional<Candidate>> next = next_candidate(c, now, request.max_priority);
    if (!next) return next.error();
    if (!*next) return std::optional<Job>();
    Result<Statement> stmt = c.prepare(kLease);
    if (!stmt) return stmt.error();
    stmt->bind_all((*next)->id, request.worker, now + request.lease);
    Result<std::optional<Job>> job = read_one<Job>(*stmt, read_job);
    if (!job) return job;
    if (Result<void> done = stmt->run(); !done) return done.error();
    return job;
  });
}

Result<bool> SqliteStore::extend_lease(JobId job, const WorkerId& worker, Timestamp until) {
  static constexpr const char* kUpdate =
      "UPDATE jobs SET lease_until = ?3 WHERE id = ?1 AND status = 'running' "
      "AND lease_owner = ?2";
  return write([&](Connection& c) -> Result<bool> {
    Result<Statement> stmt = c.prepare(kUpdate);
    if (!stmt) return stmt.error();
    if (Result<void> done = stmt->bind_all(job, worker, until).run(); !done) return done.error();
    return c.changes() > 0;
  });
}

Result<bool> SqliteStore::complete_job(JobId job, std::string_view result) {
  static constexpr const char* kUpdate =
      "UPDATE jobs SET status = 'done', result = ?2, finished_at = ?3, lease_owner = '', "
      "  lease_until = NULL, error_code = '', error_message = '' "
      "WHERE id = ?1 AND status IN ('queued', 'running')";
  Timestamp now = clock_.now();
  Result<bool> completed = write([&](Connection& c) -> Result<bool> {
    Result<Statement> stmt = c.prepare(kUpdate);
    if (!stmt) return stmt.error();
    if (Result<void> done = stmt->bind_all(job, result, now).run(); !done) return done.error();
    return c.changes() > 0;
  });
  if (completed && *completed) announce_ended(job);
  return completed;
}

Result<std::optional<Job>> SqliteStore::fail_job(JobId job, const JobFailure& failure) {
  static constexpr const char* kUpdate =
      "UPDATE jobs SET "
      "  status = CASE WHEN ?2 OR (attempts >= max_attempts AND NOT ?7) THEN 'failed' "
      "                ELSE 'queued' END, "
      "  run_after = CASE WHEN ?2 OR (attempts >= max_attempts AND NOT ?7) THEN run_after "
      "                   ELSE ?3 END, "
      "  finished_at = CASE WHEN ?2 OR (attempts >= max_attempts AND NOT ?7) THEN ?4 "
      "                     ELSE NULL END, "
      "  lease_owner = '', lease_until = NULL, error_code = ?5, error_message = ?6 "
      "WHERE id = ?1 AND status IN ('queued', 'running') "
      "RETURNING " FINDME_JOB_COLUMNS("");
  Timestamp now = clock_.now();
  Result<std::optional<Job>> settled = write([&](Connection& c) -> Result<std::optional<Job>> {
    Result<Statement> stmt = c.prepare(kUpdate);
    if (!stmt) return stmt.error();
    stmt->bind_all(job, failure.permanent, now + failure.retry_delay, now, failure.code,
                   failure.message, failure.keep_trying);
    Result<std::optional<Job>> updated = read_one<Job>(*stmt, read_job);
    if (!updated) return updated;
    if (Result<void> done = stmt->run(); !done) return done.error();
    if (!*updated) return select_job(c, job);  // already ended, or gone
    if ((*updated)->status == JobStatus::failed && (*updated)->kind == JobKind::index_photo) {
      if (Result<void> r = fail_photos_of_failed_jobs(c); !r) return r.error();
    }
    return updated;
  });
  // A retry waits for its backoff: only a job that failed for good is announced.
  if (settled && *settled && (**settled).status == JobStatus::failed) announce_ended(job);
  return settled;
}

Result<std::int64_t> SqliteStore::count_pending_jobs(UserId user) {
  static constexpr const char* kCount =
      "SELECT count(*) FROM jobs WHERE owner_id = ? AND status IN ('queued', 'running')";
  return read([&](Connection& c) { return count(c, kCount, user); });
}

Result<std::int64_t> SqliteStore::count_queued_jobs() {
  static constexpr const char* kCount = "SELECT count(*) FROM jobs WHERE status = 'queued'";
  return read([&](Connection& c) { return count(c, kCount); });
}

Result<JobCounts> SqliteStore::count_jobs() {
  static constexpr const char* kCount = "SELECT status, count(*) FROM jobs GROUP BY status";
  return read([&](Connection& c) -> Result<JobCounts> {
    Result<Statement> stmt = c.prepare(kCount);
    if (!stmt) return stmt.error();
    JobCounts counts;
    while (true) {
      Result<bool> row = stmt->step();
      if (!row) return row.error();
      if (!*row) return counts;
      std::string status = stmt->text(0);
      std::int64_t n = stmt->int64(1);
      if (status == "queued") counts.queued = n;
      if (status == "running") counts.running = n;
      if (status == "done") counts.done = n;
      if (status == "failed") counts.failed = n;
    }
  });
}

}  // namespace findme::store::sqlite
