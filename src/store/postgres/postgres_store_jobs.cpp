// PostgresStore: the durable job queue, shared by every findme process on the database.
#include <string>

#include "store/postgres/postgres_store.h"
#include "store/postgres/postgres_store_inl.h"
#include "store/postgres/rows.h"

namespace findme::store::postgres {
namespace {

constexpr const char* kWorkerLost =
    "The worker running this job stopped too many times; upload the file again.";

// A photo whose index job ended failed is failed too, so "queued" always means "will be indexed"
// (unless another index job for it is still pending).
void fail_photo_of_failed_job(Session& s, PhotoId photo, const std::string& error_code) {
  static constexpr const char* kUpdate =
      "UPDATE photos SET status = 'failed', error = $2 WHERE id = $1 AND status = 'queued' "
      "AND NOT EXISTS (SELECT 1 FROM jobs WHERE photo_id = $1 AND kind = 'index_photo' "
      "                AND status IN ('queued', 'running'))";
  s.run(kUpdate, photo, error_code);
}

// Ends jobs whose worker died while holding their last attempt. SKIP LOCKED: a job another
// process is ending right now is that process's business.
void expire_abandoned(Session& s, Timestamp now) {
  static constexpr const char* kExpire =
      "UPDATE jobs SET status = 'failed', error_code = 'internal', error_message = $2, "
      "  lease_owner = '', lease_until = NULL, finished_at = $1 "
      "WHERE id IN (SELECT id FROM jobs WHERE status = 'running' AND lease_until <= $1 "
      "             AND attempts >= max_attempts FOR UPDATE SKIP LOCKED) "
      "RETURNING kind, photo_id";
  for (const pqxx::row& row : s.run(kExpire, now, kWorkerLost)) {
    if (text(row[0]) == "index_photo" && !row[1].is_null()) {
      fail_photo_of_failed_job(s, id<PhotoId>(row[1]), "internal");
    }
  }
}

std::optional<Job> select_job(Session& s, JobId id) {
  static constexpr const char* kSelect =
      "SELECT " FINDME_JOB_COLUMNS("") " FROM jobs WHERE id = $1";
  return read_one<Job>(s.run(kSelect, id), read_job);
}

}  // namespace

void notify_job(Session& s, const char* channel, JobId job) {
  static constexpr const char* kNotify = "SELECT pg_notify($1, $2)";
  s.run(kNotify, channel, std::to_string(job.value));
}

Job insert_job(Session& s, const NewJob& job, Timestamp now) {
  static constexpr const char* kInsert =
      "INSERT INTO jobs (kind, status, owner_id, event_id, photo_id, selfie_id, priority, "
      "max_attempts, run_after, created_at) VALUES ($1, 'queued', $2, $3, $4, $5, $6, $7, $8, $9) "
      "RETURNING " FINDME_JOB_COLUMNS("");
  Job inserted =
      read_job(s.run(kInsert, to_string(job.kind), job.owner_id, job.event_id, job.photo_id,
                     job.selfie_id, job.priority, job.max_attempts, now, now)[0]);
  notify_job(s, kJobQueuedChannel, inserted.id);
  return inserted;
}

Result<Job> PostgresStore::enqueue_job(const NewJob& job) {
  Timestamp now = clock_.now();
  return write([&](Session& s) -> Result<Job> {
    try {
      return insert_job(s, job, now);
    } catch (const pqxx::foreign_key_violation&) {
      return make_error(Errc::not_found, "a record the job refers to does not exist");
    }
  });
}

Result<std::optional<Job>> PostgresStore::find_job(JobId id) {
  return read([&](Session& s) -> Result<std::optional<Job>> { return select_job(s, id); });
}

Result<std::optional<Job>> PostgresStore::claim_next_job(const ClaimRequest& request) {
  // FOR UPDATE SKIP LOCKED: concurrent claims (threads or processes) each lock a different
  // candidate instead of queueing behind one another, so none receives a job twice. The
  // attempts test keeps a lease that expired after expire_abandoned ran from being claimed past
  // its last attempt; the next claim fails it instead.
  static constexpr const char* kClaim =
      "WITH next AS ("
      "  SELECT id FROM jobs WHERE status IN ('queued', 'running') AND priority <= $2 "
      "  AND ((status = 'queued' AND run_after <= $1) "
      "       OR (status = 'running' AND lease_until <= $1 AND attempts < max_attempts)) "
      "  ORDER BY priority, run_after, id LIMIT 1 FOR UPDATE SKIP LOCKED) "
      "UPDATE jobs SET status = 'running', lease_owner = $3, lease_until = $4, "
      "  attempts = jobs.attempts + 1 FROM next WHERE jobs.id = next.id "
      "RETURNING " FINDME_JOB_COLUMNS("jobs.");
  Timestamp now = clock_.now();
  return write([&](Session& s) -> Result<std::optional<Job>> {
    expire_abandoned(s, now);
    return read_one<Job>(
        s.run(kClaim, now, request.max_priority, request.worker, now + request.lease), read_job);
  });
}

Result<bool> PostgresStore::extend_lease(JobId job, const WorkerId& worker, Timestamp until) {
  static constexpr const char* kUpdate =
      "UPDATE jobs SET lease_until = $3 WHERE id = $1 AND status = 'running' "
      "AND lease_owner = $2";
  return write([&](Session& s) -> Result<bool> {
    return s.run(kUpdate, job, worker, until).affected_rows() > 0;
  });
}

Result<bool> PostgresStore::complete_job(JobId job, std::string_view result) {
  static constexpr const char* kUpdate =
      "UPDATE jobs SET status = 'done', result = $2, finished_at = $3, lease_owner = '', "
      "  lease_until = NULL, error_code = '', error_message = '' "
      "WHERE id = $1 AND status IN ('queued', 'running')";
  Timestamp now = clock_.now();
  return write([&](Session& s) -> Result<bool> {
    if (s.run(kUpdate, job, result, now).affected_rows() == 0) return false;
    notify_job(s, kJobEndedChannel, job);
    return true;
  });
}

Result<std::optional<Job>> PostgresStore::fail_job(JobId job, const JobFailure& failure) {
  static constexpr const char* kUpdate =
      "UPDATE jobs SET "
      "  status = CASE WHEN $2::boolean OR (attempts >= max_attempts AND NOT $7::boolean) "
      "                THEN 'failed' ELSE 'queued' END, "
      "  run_after = CASE WHEN $2::boolean OR (attempts >= max_attempts AND NOT $7::boolean) "
      "                   THEN run_after ELSE $3::bigint END, "
      "  finished_at = CASE WHEN $2::boolean OR (attempts >= max_attempts AND NOT $7::boolean) "
      "                     THEN $4::bigint ELSE NULL END, "
      "  lease_owner = '', lease_until = NULL, error_code = $5, error_message = $6 "
      "WHERE id = $1 AND status IN ('queued', 'running') "
      "RETURNING " FINDME_JOB_COLUMNS("");
  Timestamp now = clock_.now();
  return write([&](Session& s) -> Result<std::optional<Job>> {
    std::optional<Job> updated =
        read_one<Job>(s.run(kUpdate, job, failure.permanent, now + failure.retry_delay, now,
                            failure.code, failure.message, failure.keep_trying),
                      read_job);
    if (!updated) return select_job(s, job);  // already ended, or gone
    notify_job(s, updated->status == JobStatus::queued ? kJobQueuedChannel : kJobEndedChannel, job);
    if (updated->status == JobStatus::failed && updated->kind == JobKind::index_photo &&
        updated->photo_id) {
      fail_photo_of_failed_job(s, updated->photo_id, updated->error_code);
    }
    return updated;
  });
}

Result<std::int64_t> PostgresStore::count_pending_jobs(UserId user) {
  static constexpr const char* kCount =
      "SELECT count(*) FROM jobs WHERE owner_id = $1 AND status IN ('queued', 'running')";
  return read([&](Session& s) -> Result<std::int64_t> { return int64(s.run(kCount, user)[0][0]); });
}

Result<std::int64_t> PostgresStore::count_queued_jobs() {
  static constexpr const char* kCount = "SELECT count(*) FROM jobs WHERE status = 'queued'";
  return read([&](Session& s) -> Result<std::int64_t> { return int64(s.run(kCount)[0][0]); });
}

Result<JobCounts> PostgresStore::count_jobs() {
  static constexpr const char* kCount = "SELECT status, count(*) FROM jobs GROUP BY status";
  return read([&](Session& s) -> Result<JobCounts> {
    JobCounts counts;
    for (const pqxx::row& row : s.run(kCount)) {
      const std::string status = text(row[0]);
      const std::int64_t n = int64(row[1]);
      if (status == "queued") counts.queued = n;
      if (status == "running") counts.running = n;
      if (status == "done") counts.done = n;
      if (status == "failed") counts.failed = n;
    }
    return counts;
  });
}

}  // namespace findme::store::postgres
